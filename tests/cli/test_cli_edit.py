"""``citekb fmt``, ``export``, ``new page`` and ``add`` through click's CliRunner."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from citekb.cli.edit import add, export, fmt, new
from citekb.cli.main import main
from citekb.pages.page import parse_front_matter
from citekb.project.atomic import write_atomic
from citekb.sources.bibtex import load_library
from support import FIXTURES

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    MakeSite = Callable[[Mapping[str, str | bytes]], Path]

BIB_FIXTURES = FIXTURES / "bib"
MESSY = (BIB_FIXTURES / "messy.bib").read_text(encoding="utf-8")
CANONICAL = (BIB_FIXTURES / "messy.formatted.bib").read_text(encoding="utf-8")
BROKEN = (BIB_FIXTURES / "missing-comma.bib").read_text(encoding="utf-8")

PAGE = """---
title: Loneliness
---

# Loneliness

Isolation predicts mortality [@cacioppo2008; @Holt-Lunstad2015, p. 227].
Again @cacioppo2008 and an unknown [@nobody].
"""


def run(command: object, args: list[str], root: Path | None = None, **kw: object):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    full = [*args, "--root", str(root)] if root is not None else args
    return runner.invoke(command, full, catch_exceptions=False, **kw)  # type: ignore[arg-type]


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site({"references/library.bib": MESSY, "docs/index.md": PAGE})


# --- fmt --------------------------------------------------------------------------------------


def test_fmt_rewrites_the_configured_bibliography_atomically_keeping_the_mode(site: Path) -> None:
    bib = site / "references" / "library.bib"
    bib.chmod(0o640)
    result = run(fmt, [], site)
    assert result.exit_code == 0, result.output
    assert bib.read_text(encoding="utf-8") == CANONICAL
    assert oct(bib.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in bib.parent.iterdir()) == ["library.bib"]
    assert "reformatted 1 of 1 file" in result.stderr
    again = run(fmt, [], site)
    assert again.exit_code == 0
    assert "reformatted 0 of 1 file" in again.stderr


def test_fmt_check_prints_a_diff_writes_nothing_and_exits_1(site: Path) -> None:
    bib = site / "references" / "library.bib"
    result = run(fmt, ["--check"], site)
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/references/library.bib\n+++ b/references/library.bib\n")
    assert "-    Year={2015},\n" in result.stdout
    assert "+  year = {2015},\n" in result.stdout
    assert bib.read_text(encoding="utf-8") == MESSY
    assert "would reformat 1 of 1 file" in result.stderr


def test_fmt_check_on_a_canonical_file_exits_0_silently(tmp_path: Path) -> None:
    bib = tmp_path / "ok.bib"
    bib.write_text(CANONICAL, encoding="utf-8")
    result = run(fmt, ["--check", str(bib)])
    assert (result.exit_code, result.stdout) == (0, "")


def test_fmt_refuses_a_file_it_cannot_parse_and_leaves_it_untouched(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BROKEN, encoding="utf-8")
    before = bib.stat().st_mtime_ns
    result = run(fmt, [str(bib)])
    assert result.exit_code == 1
    assert f"{bib.as_posix()}:7:23: error[missing-comma]" in result.stderr
    assert bib.read_text(encoding="utf-8") == BROKEN
    assert bib.stat().st_mtime_ns == before


def test_fmt_field_order_option(tmp_path: Path) -> None:
    bib = tmp_path / "a.bib"
    bib.write_text("@misc{k, author = {A}, year = {1}, title = {T}}\n", encoding="utf-8")
    assert run(fmt, ["--field-order", "year, title", str(bib)]).exit_code == 0
    assert bib.read_text(encoding="utf-8") == (
        "@misc{k,\n  year = {1},\n  title = {T},\n  author = {A}\n}\n"
    )


def test_fmt_field_order_from_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "plugins:\n  - citekb:\n      field_order: [year, author]\n", encoding="utf-8"
    )
    bib = tmp_path / "references" / "a.bib"
    bib.parent.mkdir()
    bib.write_text("@misc{k, author = {A}, year = {1}, title = {T}}\n", encoding="utf-8")
    assert run(fmt, ["--root", str(tmp_path)]).exit_code == 0
    assert bib.read_text(encoding="utf-8") == (
        "@misc{k,\n  year = {1},\n  author = {A},\n  title = {T}\n}\n"
    )


def test_fmt_reports_a_non_utf8_file(tmp_path: Path) -> None:
    bib = tmp_path / "latin1.bib"
    bib.write_bytes("@misc{k, title = {Müller}}\n".encode("latin-1"))
    result = run(fmt, [str(bib)])
    assert result.exit_code == 1
    assert ":1:20: error[bib-encoding]" in result.stderr


def test_fmt_with_a_broken_config_is_a_usage_error(make_site: MakeSite) -> None:
    root = make_site({"mkdocs.yml": "plugins:\n  - citekb:\n      bibliografy: [x.bib]\n"})
    result = run(fmt, [], root)
    assert result.exit_code == 2
    assert "did you mean 'bibliography'" in result.output


def test_write_atomic_keeps_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.bib"
    target.write_text("old", encoding="utf-8")

    def boom(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bib"]


# --- export -----------------------------------------------------------------------------------


def test_export_library_as_bibtex_round_trips(site: Path) -> None:
    result = run(export, ["--format", "bibtex"], site)
    assert result.exit_code == 0
    library, problems = load_library([("x.bib", result.stdout.encode())])
    assert problems == []
    assert [e.key for e in library] == ["Holt-Lunstad2015", "cacioppo2008"]
    assert "verification" not in result.stdout


def test_export_page_gives_only_its_works_in_citation_order(site: Path) -> None:
    result = run(export, ["--format", "ris", "--page", str(site / "docs/index.md")], site)
    assert result.exit_code == 0
    assert [line for line in result.stdout.splitlines() if line.startswith("ID  -")] == [
        "ID  - cacioppo2008",
        "ID  - Holt-Lunstad2015",
    ]
    assert "not in the library, skipped: nobody" in result.stderr


def test_export_cited_only_as_csl_json_to_a_file(make_site: MakeSite) -> None:
    extra = "@misc{uncited, title = {Never cited}}\n"
    root = make_site({"references/library.bib": MESSY + extra, "docs/index.md": PAGE})
    out = root / "refs.json"
    result = run(export, ["--format", "csl-json", "--cited-only", "-o", str(out)], root)
    assert result.exit_code == 0
    items = json.loads(out.read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == ["Holt-Lunstad2015", "cacioppo2008"]
    assert items[0]["DOI"] == "10.1177/1745691614568352"


def test_export_page_path_may_be_relative_to_the_root(site: Path) -> None:
    result = run(export, ["--page", "docs/index.md"], site)
    assert result.exit_code == 0
    assert result.stdout.startswith("@book{cacioppo2008,")


def test_export_unknown_page_is_a_usage_error(site: Path) -> None:
    result = run(export, ["--page", "docs/missing.md"], site)
    assert result.exit_code == 2
    assert "is not a page" in result.output


# --- new page ---------------------------------------------------------------------------------


def test_new_page_scaffolds_valid_front_matter_and_refuses_to_overwrite(site: Path) -> None:
    args = ["page", "Social Isolation & Health: A Primer", "--tag", "health", "--summary", "Why."]
    result = run(new, args, site)
    assert result.exit_code == 0, result.output
    assert result.stdout == "docs/social-isolation-health-a-primer.md\n"
    page = site / "docs" / "social-isolation-health-a-primer.md"
    meta, problems = parse_front_matter(page.read_text(encoding="utf-8"), "p.md")
    assert problems == []
    assert meta == {
        "title": "Social Isolation & Health: A Primer",
        "summary": "Why.",
        "tags": ["health"],
        "reviewed": dt.date.today(),
    }
    page.write_text("edited", encoding="utf-8")
    again = run(new, args, site)
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert page.read_text(encoding="utf-8") == "edited"


@pytest.mark.parametrize(
    ("folder", "expected"), [("guides", "docs/guides/a-b.md"), ("guides/../x/", "docs/x/a-b.md")]
)
def test_new_page_in_a_folder(site: Path, folder: str, expected: str) -> None:
    result = run(new, ["page", "A b", "--folder", folder], site)
    assert (result.exit_code, result.stdout) == (0, expected + "\n")
    assert (site / expected).is_file()


@pytest.mark.parametrize("folder", ["..", "/etc", "a/../../b"])
def test_new_page_refuses_a_folder_outside_docs(site: Path, folder: str) -> None:
    result = run(new, ["page", "Escape", "--folder", folder], site)
    assert result.exit_code == 2
    assert not list(site.parent.rglob("escape.md"))


# --- add --------------------------------------------------------------------------------------

NEW_ENTRY = """@article{hawkley2010, title = "Loneliness Matters",
  author = {Hawkley, Louise C. and Cacioppo, John T.}, journal = {Ann. Behav. Med.},
  year = 2010, doi = {10.1007/s12160-010-9210-8}}
"""


def test_add_appends_a_valid_entry_in_canonical_form(site: Path) -> None:
    bib = site / "references" / "library.bib"
    result = run(add, [], site, input=NEW_ENTRY)
    assert result.exit_code == 0, result.output
    assert result.stdout == "added hawkley2010 to references/library.bib\n"
    text = bib.read_text(encoding="utf-8")
    assert text.startswith(MESSY.rstrip("\n") + "\n\n@article{hawkley2010,\n  author = {Hawkley")
    assert "  title = {Loneliness Matters},\n" in text
    library, problems = load_library([("l.bib", text.encode())])
    assert (len(library), problems) == (3, [])


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        (
            "@book{cacioppo2008, title={Other}, author={A}, publisher={P}, year={2001}}",
            "<stdin>:4:1: error[duplicate-key]",
        ),
        (
            "@misc{copy, title={Copy}, doi={https://doi.org/10.1177/1745691614568352}}",
            "error[duplicate-work]",
        ),
        ("@article{thin, title = {Only a title}}", "<stdin>:4:1: error[missing-field]"),
        ("@misc{a, title = {T}\n  year = {2020}}", "<stdin>:4:21: error[missing-comma]"),
        ("% no entry, just text", "<stdin>:0:0: error[bib-syntax]"),
    ],
)
def test_add_reports_and_writes_nothing_when_anything_is_wrong(
    site: Path, stdin: str, expected: str
) -> None:
    bib = site / "references" / "library.bib"
    # A valid entry comes first: one bad entry is enough to write nothing at all.
    result = run(add, [], site, input=stdin if stdin.startswith("%") else NEW_ENTRY + stdin)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "nothing was written" in result.stderr
    assert bib.read_text(encoding="utf-8") == MESSY


# --- registration -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fmt", "export", "new", "add"])
def test_commands_are_registered_on_the_main_group(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage: main" in result.output or "Usage: citekb" in result.output


# --- files that cannot be written -------------------------------------------------------------


def _no_space(path: Path, data: object) -> None:
    raise OSError(28, "No space left on device")


def test_export_to_a_path_under_a_file_is_a_write_failed_diagnostic(site: Path) -> None:
    (site / "notes.txt").write_text("keep", encoding="utf-8")
    result = run(export, ["-o", str(site / "notes.txt" / "refs.bib")], site)
    assert result.exit_code == 1
    assert f"{site}/notes.txt/refs.bib:0:0: error[write-failed] cannot write:" in result.stderr
    assert (site / "notes.txt").read_text(encoding="utf-8") == "keep"


def test_fmt_reports_a_failed_write_and_goes_on(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("citekb.cli.edit.write_atomic", _no_space)
    result = run(fmt, [], site)
    assert result.exit_code == 1
    assert (
        "references/library.bib:0:0: error[write-failed] cannot write: No space left on device"
        in result.stderr
    )
    assert (site / "references" / "library.bib").read_text(encoding="utf-8") == MESSY


def test_add_reports_a_failed_write(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("citekb.cli.edit.write_atomic", _no_space)
    result = run(add, [], site, input=NEW_ENTRY)
    assert result.exit_code == 1
    assert "references/library.bib:0:0: error[write-failed]" in result.stderr


def test_new_page_in_a_folder_that_is_a_file_is_a_write_failed_diagnostic(site: Path) -> None:
    result = run(new, ["page", "A b", "--folder", "index.md"], site)
    assert result.exit_code == 1
    assert "docs/index.md:0:0: error[write-failed] cannot write:" in result.stderr
    assert (site / "docs" / "index.md").read_text(encoding="utf-8") == PAGE


def test_add_reports_an_unreadable_bibliography_file(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import citekb.project.paths

    real = citekb.project.paths.read_regular

    def read_regular(path: Path, limit: int = citekb.project.paths.MAX_READ) -> bytes:
        if path.name == "library.bib":
            raise PermissionError(13, "Permission denied")
        return real(path, limit)

    monkeypatch.setattr(citekb.project.paths, "read_regular", read_regular)
    result = run(add, [], site, input=NEW_ENTRY)
    assert result.exit_code == 1
    assert (
        "references/library.bib:0:0: error[unreadable-file] cannot read: Permission denied"
        in result.stderr
    )
    assert "nothing was written" in result.stderr
