"""The command line end to end: exit codes and real output on small knowledge bases."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from citekb.cli.main import main
from support import GOLDEN, SITES, TESTS

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

DEFECTS = TESTS / "sites" / "defects"

CLEAN = {
    "docs/index.md": "---\ntitle: Home\n---\n\n# Home\n\nTies matter [@house1988].\n",
    "references/refs.bib": (
        "@article{house1988,\n  author = {House, James S.},\n  title = {Social Relationships and Health},\n"
        "  journal = {Science},\n  year = {1988}\n}\n"
    ),
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_defects_site_matches_the_golden_report() -> None:
    code, out = run("check", "--root", str(DEFECTS), "--no-color", "--no-cache")
    assert code == 1
    assert out == (GOLDEN / "check_defects.txt").read_text(encoding="utf-8")


def test_every_code_the_defects_site_shows_is_one_it_should() -> None:
    _, out = run("check", "--root", str(DEFECTS), "--format", "json", "--no-cache")
    data = json.loads(out)
    codes = {d["code"] for d in data["diagnostics"]}
    assert codes == {
        "unknown-key",
        "broken-link",
        "bad-frontmatter",
        "invalid-year",
        "invalid-url",
        "missing-field",
        "unused-entry",
        "invalid-isbn",
        "duplicate-key",
        "missing-comma",
        "duplicate-work",
        "bib-syntax",
    }
    # silenced: the inline comment, the drafts glob, the email, code and the @fig- cross-reference
    messages = " ".join(d["message"] for d in data["diagnostics"])
    for absent in ("@nokey", "@notyet", "@incode", "example.com", "@fig"):
        assert absent not in messages
    assert {k: data["summary"][k] for k in ("errors", "warnings", "files")} == {
        "errors": 14,
        "warnings": 1,
        "files": 5,
    }


def test_clean_site_exits_0_and_strict_fails_on_a_warning(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site(CLEAN)
    assert run("check", "--root", str(root)) == (0, "no problems found in 2 files\n")
    (root / "references" / "more.bib").write_text(
        "@misc{spare,\n  title = {Spare}\n}\n", encoding="utf-8"
    )
    # an uncited entry is no finding by default (a whole-library export)
    assert run("check", "--root", str(root), "--strict") == (0, "no problems found in 3 files\n")
    code, out = run("check", "--root", str(root), "--all-entries")
    assert (
        code == 0 and "references/more.bib:1:1: warning[unused-entry] spare is never cited" in out
    )
    code, out = run("check", "--root", str(root), "--strict", "--all-entries")
    assert code == 1
    assert out.endswith(
        "0 errors, 1 warning (1 unused-entry) in 3 files\n"
        "check failed because --strict treats the warning as an error\n"
    )


def test_github_format(make_site: Callable[[Mapping[str, str | bytes]], Path]) -> None:
    root = make_site({**CLEAN, "docs/index.md": "# Home\n\nTies [@house1989].\n"})
    code, out = run("check", "--root", str(root), "--format", "github")
    assert code == 1
    assert out.splitlines()[0] == (
        "::error file=docs/index.md,line=3,col=7,title=citekb unknown-key::"
        "@house1989 is not in the library%0Adid you mean @house1988?"
    )


@pytest.mark.parametrize(
    ("mkdocs", "message"),
    [
        (None, "no mkdocs.yml in"),
        ("plugins:\n  - citekb:\n      bibliografy: [x]\n", "unknown option 'bibliografy'"),
        ("plugins:\n  - citekb:\n      ignore: 5\n", "ignore must be a list of strings"),
        ("plugins: [\n", "invalid YAML"),
        ("docs_dir: pages\n", "docs_dir 'pages' is not a folder in"),
    ],
)
def test_configuration_errors_exit_2_without_a_traceback(
    make_site: Callable[[Mapping[str, str | bytes]], Path], mkdocs: str | None, message: str
) -> None:
    root = make_site({**CLEAN, **({"mkdocs.yml": mkdocs} if mkdocs else {})})
    if mkdocs is None:
        (root / "mkdocs.yml").unlink()
    code, out = run("check", "--root", str(root))
    assert code == 2
    assert message in out and "Traceback" not in out


def test_unknown_option_is_a_usage_error() -> None:
    code, out = run("check", "--frobnicate")
    assert code == 2 and "No such option '--frobnicate'" in out


def test_citations_json_lists_every_field(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    line = "As @house1988 [p. 541] said [see @house1988, ch. 2; -@house1988]."
    root = make_site({**CLEAN, "docs/index.md": f"# H\n\n{line}\n"})
    ats = [i + 1 for i, ch in enumerate(line) if ch == "@"]
    code, out = run(
        "citations", str(root / "docs" / "index.md"), "--root", str(root), "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)["citations"]
    assert [(r["line"], r["column"], r["mode"], r["prefix"], r["locator"]) for r in rows] == [
        (3, ats[0], "in-text", "", "p. 541"),
        (3, ats[1], "normal", "see", "ch. 2"),
        (3, ats[2], "suppress-author", "", ""),
    ]
    assert {r["path"] for r in rows} == {"docs/index.md"}


def test_refs_lists_where_each_entry_is_cited(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site(CLEAN)
    code, out = run("refs", "house1988", "--root", str(root))
    assert code == 0
    assert out.splitlines() == [
        "house1988  (references/refs.bib:1)  Social Relationships and Health",
        "    docs/index.md:7:14",
    ]
    code, out = run("refs", "nope", "--root", str(root))
    assert code == 2 and "not in the library: nope" in out


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"\x00\x01\x02\xff\xfe garbage",
        b"@article{x,\n title = {unbalanced",
        "@book{é,".encode("latin-1"),
        b"@string{a = b}\n@misc{k, title = a # c}",
    ],
)
def test_bad_bib_input_is_a_diagnostic_never_a_traceback(
    make_site: Callable[[Mapping[str, str | bytes]], Path], junk: bytes
) -> None:
    root = make_site({"docs/index.md": "# H\n", "references/refs.bib": junk})
    code, out = run("check", "--root", str(root), "--format", "json")
    assert code in (0, 1), out
    json.loads(out)


def test_the_real_knowledge_base_is_clean_under_strict() -> None:
    code, out = run("check", "--root", str(TESTS.parent), "--strict", "--no-cache")
    assert (code, out.splitlines()[-1].split(" in ")[0]) == (0, "no problems found"), out


def test_a_repeat_check_reuses_the_result_until_an_input_changes(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site(CLEAN)
    assert run("check", "--root", str(root))[0] == 0
    assert (root / ".citekb-cache" / "check.json").is_file()
    page = root / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("house1988", "house1989"), "utf-8")
    code, out = run("check", "--root", str(root))
    assert code == 1 and "@house1989 is not in the library" in out
    code, out = run("check", "--root", str(root), "--no-cache")
    assert code == 1 and "@house1989 is not in the library" in out


def test_missing_bibliography_and_unreadable_page_are_diagnostics(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site(
        {
            "mkdocs.yml": "plugins:\n  - citekb:\n      bibliography: [refs/*.bib]\n",
            "docs/index.md": "# Home\n",
            "docs/latin1.md": "# Caf\xe9\n\nNo citation here.\n".encode("latin-1"),
        }
    )
    code, out = run("check", "--root", str(root), "--no-color")
    assert code == 1
    assert out.splitlines()[:4] == [
        "docs/latin1.md:1:6: error[unreadable-file] not UTF-8: byte 0xe9 at offset 5",
        "  hint: save the file as UTF-8",
        "mkdocs.yml:0:0: error[no-bibliography] bibliography pattern 'refs/*.bib' matches no file",
        "  hint: fix the `bibliography` option of the citekb plugin",
    ]


def test_unbuildable_front_matter_is_a_diagnostic_not_a_traceback(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site({"docs/index.md": "---\ntitle: Home\nreviewed: 2026-13-45\n---\n# Home\n"})
    result = CliRunner().invoke(main, ["check", "--root", str(root), "--no-color"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert "docs/index.md:3:11: error[bad-frontmatter] front matter is not valid YAML" in (
        result.output
    )


def test_a_config_error_names_the_file_once(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site({"mkdocs.yml": "site_name: x\nplugins: 3\n", "docs/index.md": "# Home\n"})
    code, out = run("check", "--root", str(root))
    assert code == 2
    assert "Error: mkdocs.yml: `plugins` must be a list" in out
    assert "mkdocs.yml: mkdocs.yml" not in out


def test_export_needs_no_pages_but_check_does(tmp_path: Path) -> None:
    (tmp_path / "references").mkdir()
    (tmp_path / "references" / "a.bib").write_text("@misc{a, title = {T}}\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    code, out = run("export", "--format", "bibtex", "--root", str(tmp_path))
    assert (code, out) == (0, "@misc{a,\n  title = {T}\n}\n")
    code, out = run("check", "--root", str(tmp_path))
    assert code == 2 and "docs_dir 'docs' is not a folder" in out


def test_entry_returns_each_commands_exit_status(tmp_path: Path) -> None:
    """One function runs any command line and returns its status, as the process would exit."""
    from citekb.cli.main import entry

    sites = SITES
    for name in ("basic", "defects"):
        root = tmp_path / name
        shutil.copytree(sites / name, root)
        args = ["check", "--root", str(root), "--no-cache"]
        assert entry(args) == CliRunner().invoke(main, args).exit_code
    assert entry(["check", "--root", str(tmp_path / "defects"), "--no-cache"]) == 1
    assert entry(["check", "--root", str(tmp_path / "basic"), "--no-cache"]) == 0
    assert entry(["--help"]) == 0
    assert entry(["no-such-command"]) == 2
