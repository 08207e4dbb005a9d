"""Attacks 3, 4 (files), 5 and 6 (nesting): bombs, devices, links and loops end in a
diagnostic, within a time limit and a memory limit, never in a traceback."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from security_helpers import no_traceback, run

if TYPE_CHECKING:
    from pathlib import Path

STRING_BOMB = "\n".join(
    ['@string{m0 = "ab"}']
    + [f"@string{{m{i} = m{i - 1} # m{i - 1}}}" for i in range(1, 41)]
    + ["@article{bomb, author = {A, B}, title = m40, journal = {J}, year = {2000}}"]
)

ALIAS_BOMB = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)]
)


def test_string_macro_bomb_is_bib_limit(site) -> None:
    assert len(STRING_BOMB) < 1500
    root = site({"references/bomb.bib": STRING_BOMB})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert "references/bomb.bib:17:" in result.stdout
    assert "error[bib-limit] @string `m16` is cut: its macros expand past 100,000" in result.stdout


def test_front_matter_alias_bomb_is_bad_frontmatter(site) -> None:
    page = f"---\ntitle: Bomb\n{ALIAS_BOMB}\n---\n# Bomb\n"
    root = site({"docs/bomb.md": page})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert "docs/bomb.md:7:4: error[bad-frontmatter] front matter is too large" in result.stdout
    built = run(root, "build", timeout=120)
    no_traceback(built)
    assert built.returncode == 1  # the check stops it before MkDocs
    assert not (root / "site").exists()


def test_front_matter_alias_bomb_in_a_plain_mkdocs_build(site) -> None:
    page = f"---\ntitle: Bomb\n{ALIAS_BOMB}\n---\n# Bomb\n"
    root = site({"docs/bomb.md": page})
    built = run(root, "build", "-d", "out", module="mkdocs", timeout=120)
    no_traceback(built)
    assert "front matter is too large" in built.stderr
    assert "not rendered" in (root / "out" / "bomb" / "index.html").read_text(encoding="utf-8")


def test_evidence_alias_bomb_is_bad_evidence(site) -> None:
    root = site({"references/evidence.yaml": ALIAS_BOMB + "\n"})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert "references/evidence.yaml:5:4: error[bad-evidence] evidence YAML is too large" in (
        result.stdout
    )


def nested_list(depth: int) -> str:
    return "\n".join("    " * i + "- item" for i in range(depth)) + "\n"


def test_deeply_nested_lists_are_page_limit(site) -> None:
    root = site({"docs/deep.md": "# Deep\n\n" + nested_list(600)})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert "docs/deep.md:102:1: error[page-limit] lists or block quotes nest more than 100" in (
        result.stdout
    )
    built = run(root, "build", "-d", "out", module="mkdocs", timeout=120)
    no_traceback(built)
    assert "not rendered" in (root / "out" / "deep" / "index.html").read_text(encoding="utf-8")


def test_huge_front_matter_is_page_limit(site) -> None:
    page = "---\ntitle: Big\nnote: " + "x" * 70_000 + "\n---\n# Big\n"
    root = site({"docs/big.md": page})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert "docs/big.md:1:1: error[page-limit] front matter is longer than 65,536" in result.stdout


@pytest.mark.parametrize(
    ("name", "target", "why"),
    [
        ("docs/zero.md", "/dev/zero", "resolves to /dev/zero, outside the project"),
        ("docs/passwd.md", "/etc/passwd", "resolves to /etc/passwd, outside the project"),
        ("docs/etc", "/etc", "resolves to /etc, outside the project"),
        ("references/host.bib", "/etc/hostname", "resolves to /etc/hostname, outside the project"),
    ],
)
def test_links_out_of_the_project_are_not_read(site, name: str, target: str, why: str) -> None:
    root = site({})
    (root / name).symlink_to(target)
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert f"{name}:0:0: error[outside-project] not read: it {why}" in result.stdout
    built = run(root, "build", timeout=120)
    assert built.returncode == 1 and not (root / "site").exists()


def test_a_fifo_page_is_not_read(site) -> None:
    root = site({})
    os.mkfifo(root / "docs" / "fifo.md")
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert "docs/fifo.md:0:0: error[outside-project] not read: it is not a regular file" in (
        result.stdout
    )


def test_link_loops_under_a_recursive_bibliography_pattern_end(site) -> None:
    yml = "site_name: Loops\nplugins:\n  - citekb:\n      bibliography: ['references/**/*.bib']\n"
    root = site({"mkdocs.yml": yml, "references/a/b/more.bib": ""})
    (root / "references" / "a" / "b" / "up").symlink_to("..")
    (root / "references" / "a" / "b" / "upup").symlink_to("../..")
    (root / "references" / "a" / "self").symlink_to(".")
    (root / "references" / "loop1").symlink_to("loop2")
    (root / "references" / "loop2").symlink_to("loop1")
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 0, result.stdout
    assert "in 3 files" in result.stdout  # the page, library.bib and more.bib, each once


def test_a_docs_folder_linking_to_itself_is_outside_project(site, tmp_path: Path) -> None:
    root = site({})
    (root / "docs" / "again").symlink_to(".")
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert "docs/again:0:0: error[outside-project] not read: it is a symbolic link to a folder" in (
        result.stdout
    )


def test_a_plain_mkdocs_build_publishes_nothing_from_outside(site, tmp_path: Path) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "key.txt").write_text("PRIVATE-KEY-777\n", encoding="utf-8")
    root = site({"references/evidence.yaml": ""})
    (root / "docs" / "private").symlink_to(outside)
    (root / "docs" / "key.txt").symlink_to(outside / "key.txt")
    (root / "references" / "evidence.yaml").unlink()
    (root / "references" / "evidence.yaml").symlink_to(outside / "key.txt")
    check = run(root, "check", timeout=60)
    assert [
        line.split(" not read")[0]
        for line in check.stdout.splitlines()
        if "[outside-project]" in line
    ] == [
        "docs/key.txt:0:0: error[outside-project]",
        "docs/private:0:0: error[outside-project]",
        "references/evidence.yaml:0:0: error[outside-project]",
    ]
    built = run(root, "build", "-d", "out", module="mkdocs", timeout=120)
    no_traceback(built)
    published = [p for p in (root / "out").rglob("*") if p.is_file()]
    assert published and not [p for p in published if b"PRIVATE-KEY" in p.read_bytes()]
    assert not (root / "out" / "private").exists() and not (root / "out" / "key.txt").exists()


def test_a_recursion_error_anywhere_is_a_finding_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The last resort: whatever nests too deeply where no limit foresaw it exits 1, quietly."""
    from click.testing import CliRunner

    import citekb.cli.run
    from citekb.cli.main import main

    def deep(*args: object, **kwargs: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(citekb.cli.run, "run_checks", deep)  # the binding check calls
    (tmp_path / "mkdocs.yml").write_text("site_name: T\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    result = CliRunner().invoke(main, ["check", "--no-cache", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "error[page-limit]" in result.output
    assert not isinstance(result.exception, RecursionError)
