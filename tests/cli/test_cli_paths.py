"""`citekb citations PATH` and `citekb refs --in PATH`: files anywhere, folders, standard input."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from click.testing import CliRunner

from citekb.cli.main import main
from support import copy_site

if TYPE_CHECKING:
    from pathlib import Path


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


def test_a_folder_lists_what_the_default_lists(tmp_path: Path) -> None:
    root = copy_site("identifiers", tmp_path)
    (root / "docs" / "deep" / "er").mkdir(parents=True)
    (root / "docs" / "deep" / "er" / "Upper.MD").write_text("Deep [@feeney2007].\n", "utf-8")
    (root / "docs" / "deep" / "notes.txt").write_text("[@notmarkdown]\n", "utf-8")
    code, default = _run("citations", "--root", str(root))
    assert code == 0
    assert _run("citations", "--root", str(root), str(root / "docs")) == (0, default)
    lines = default.splitlines()
    assert "docs/deep/er/Upper.MD:1:7: @feeney2007 (normal)" in lines
    assert "notmarkdown" not in default
    # as written: identifiers, aliases and alias lines (pandoc reads those as citations too)
    assert lines[:4] == [
        "docs/aliases.md:7:2: @tag:paradox (normal)",
        "docs/aliases.md:8:2: @tag:separation (normal)",
        "docs/aliases.md:10:45: @tag:paradox (normal)",
        "docs/aliases.md:10:69: @tag:separation (in-text)",
    ]
    assert "docs/index.md:7:38: @DOI:10.1177/1745691614568352 (normal) p. 230" in lines


def test_files_anywhere_and_standard_input(tmp_path: Path) -> None:
    root = copy_site("identifiers", tmp_path / "kb")
    outside = tmp_path / "thesis.md"
    outside.write_text("# Thesis\n\nAs @smith says [see @fig-1; @jones, p. 4].\n", "utf-8")
    code, out = _run("citations", "--root", str(root), str(outside), "-", stdin="x [@a]\n")
    assert code == 0
    assert out.splitlines() == [
        f"{outside.as_posix()}:3:4: @smith (in-text)",
        f"{outside.as_posix()}:3:29: @jones (normal) p. 4",
        "<stdin>:1:4: @a (normal)",
    ]
    code, out = _run("citations", "--root", str(tmp_path), "--format", "json", str(outside))
    assert code == 0  # no mkdocs.yml: the defaults (@fig-1 is a cross-reference)
    assert [row["key"] for row in json.loads(out)["citations"]] == ["smith", "jones"]


def test_a_missing_path_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    root = copy_site("identifiers", tmp_path)
    code, out = _run("citations", "--root", str(root), str(root / "docs"), "no/such.md")
    assert code == 2
    assert "no such file or folder: no/such.md" in out
    code, out = _run("refs", "--root", str(root), "--in", "gone")
    assert code == 2
    assert "no such file or folder: gone" in out


def test_undecodable_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"caf\xe9 [@a]\n")
    code, out = _run("citations", "--root", str(tmp_path), str(bad))
    assert code == 2
    assert "not UTF-8: byte 0xe9 at offset 3" in out


def test_refs_in_files_outside_the_docs_resolves_identifiers(tmp_path: Path) -> None:
    root = copy_site("identifiers", tmp_path / "kb")
    draft = tmp_path / "draft.md"
    draft.write_text("Draft [@doi:10.1037/0022-3514.92.2.268; @bowlby1973].\n", "utf-8")
    code, out = _run("refs", "feeney2007", "bowlby1973", "--root", str(root), "--in", str(draft))
    assert code == 0, out
    assert out.splitlines() == [
        "feeney2007  (references/library.bib:25)  The dependency paradox in close relationships:"
        " Accepting dependence promotes independence",
        f"    {draft.as_posix()}:1:8",
        "bowlby1973  (references/library.bib:37)  Attachment and loss, Vol. 2: Separation:"
        " Anxiety and anger",
        f"    {draft.as_posix()}:1:41",
    ]
    code, out = _run("refs", "holtlunstad2015", "--root", str(root), "--in", "-", stdin="[@x]")
    assert out.splitlines()[1:] == ["    (never cited)"]
