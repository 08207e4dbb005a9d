"""Loading a knowledge base: the parallel page parse gives exactly what the serial one does."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from citekb.checks.rules import run_checks
from citekb.core.config import Config
from citekb.project.load import bibliography_files, load_project, read_text, relative

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

BIB = "".join(
    f"@article{{k{i},\n  author = {{A{i}, B}},\n  title = {{T{i}}},\n  journal = {{J}},\n  year = {{2001}}\n}}\n"
    for i in range(40)
)


def test_parallel_and_serial_loads_agree(
    make_site: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = {
        f"docs/p{n:03}.md": f"---\ntitle: P{n}\n---\n\n# P{n}\n\nSee [@k{n % 45}] and @k{n % 40} [p. {n}].\n"
        for n in range(320)
    }
    root = make_site({**pages, "docs/p150b.md": b"caf\xe9\n", "references/refs.bib": BIB})
    parallel = load_project(root)
    found = run_checks(parallel)
    monkeypatch.setenv("CITEKB_JOBS", "1")
    serial = load_project(root)
    assert [p.path for p in parallel.pages] == sorted(pages)
    assert parallel.pages == serial.pages
    assert found == run_checks(serial)
    assert [d.location for d in found if d.code == "unreadable-file"] == ["docs/p150b.md:1:4"]
    assert {d.code for d in found} == {"unknown-key", "unreadable-file"}
    assert len(found) == 1 + sum(1 for n in range(320) if n % 45 >= 40)


def test_a_worker_that_fails_costs_time_not_results(
    make_site: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import citekb.project.worker

    pages = {f"docs/p{n:03}.md": f"# P{n}\n\nSee [@k{n % 40}].\n" for n in range(320)}
    root = make_site({**pages, "references/refs.bib": BIB})
    parent, real = os.getpid(), citekb.project.worker.parse_pages

    def failing_in_workers(*args: object) -> object:
        if os.getpid() != parent:
            raise RuntimeError("worker lost")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(citekb.project.worker, "parse_pages", failing_in_workers)
    project = load_project(root)
    assert len(project.pages) == 320
    assert sum(len(p.citations) for p in project.pages) == 320


def test_a_large_bib_is_split_between_two_processes_with_the_same_result(
    make_site: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import citekb.sources.bibsplit
    import citekb.sources.bibtex

    bib = "@string{j = {Journal}}\n" + BIB.replace("{J}", "j") + "@misc{late, title = {T}}\n"
    root = make_site({"docs/index.md": "See [@k1] and [@late].\n", "references/refs.bib": bib})
    monkeypatch.setattr(citekb.sources.bibsplit, "SPLIT_FROM", 100)
    here: list[int] = []  # lengths of the texts this process splits
    real = citekb.sources.bibtex.split_blocks
    monkeypatch.setattr(
        citekb.sources.bibtex,
        "split_blocks",
        lambda text, first=0: here.append(len(text)) or real(text, first),
    )
    shared = load_project(root)
    assert here and max(here) < len(bib) * 0.6  # only the head was split in this process
    monkeypatch.setenv("CITEKB_JOBS", "1")
    serial = load_project(root)
    assert max(here) == len(bib)
    assert shared.library == serial.library
    assert shared.diagnostics == serial.diagnostics
    assert [e.key for e in shared.library][-1] == "late"
    assert shared.library.entries[3].fields["journal"] == "Journal"


def test_bibliography_globs_work_under_a_root_with_glob_characters(tmp_path: Path) -> None:
    root = tmp_path / "kb [draft]*?"
    (root / "references").mkdir(parents=True)
    (root / "references" / "a.bib").write_text("", encoding="utf-8")
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    (elsewhere / "b.bib").write_text("", encoding="utf-8")
    # a file outside the project is not read, even through an absolute pattern
    config = Config(bibliography=("references/*.bib", str(elsewhere / "*.bib")))
    found, problems = bibliography_files(root, config)
    assert found == [root / "references" / "a.bib"]
    assert [(d.code, d.path) for d in problems] == [("outside-project", str(elsewhere / "b.bib"))]


@pytest.mark.parametrize(("cores", "parallel"), [(4, True), (1, False)])
def test_without_sched_getaffinity_the_cpu_count_decides(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cores: int, parallel: bool
) -> None:
    import os

    from citekb.project.worker import sharing

    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # as on macOS and Windows
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.delenv("CITEKB_JOBS", raising=False)
    page = tmp_path / "p.md"
    page.write_text("# P\n", encoding="utf-8")
    items = [(f"p{n}.md", f"p{n}.md", page) for n in range(1000)]
    with sharing(items, [], (), read_text) as share:
        assert share.shared is parallel
        assert len(share.pages()[0]) == 1000


def test_read_text_normalises_newlines_unless_exact(tmp_path: Path) -> None:
    path = tmp_path / "a.bib"
    path.write_bytes(b"\xef\xbb\xbfa\r\nb\rc\n")
    assert read_text(path, "a.bib") == ("a\nb\nc\n", [])
    assert read_text(path, "a.bib", exact=True) == ("\ufeffa\r\nb\rc\n", [])
    path.write_bytes(b"ok\n\xff")
    text, found = read_text(path, "a.bib", exact=True, undecodable="bib-encoding")
    assert text is None
    assert [(d.code, d.location) for d in found] == [("bib-encoding", "a.bib:2:1")]


def test_relative_names_paths_under_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert relative(Path("docs/a.md"), tmp_path) == "docs/a.md"
    assert relative(tmp_path / "x" / ".." / "docs" / "a.md", tmp_path) == "docs/a.md"
    assert relative(Path("/elsewhere/a.md"), tmp_path) == "/elsewhere/a.md"


def test_reading_the_config_reads_no_style_but_loading_the_project_checks_it(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    """``load_config`` only reads mkdocs.yml: the CSL style it names is the project's to check
    (no renderer code runs for ``citekb fmt`` or ``citations``)."""
    from citekb.core.config import ConfigError
    from citekb.project.load import check_style, load_config

    yml = "site_name: T\nplugins:\n  - citekb:\n      style: styles/none.csl\n"
    root = make_site({"mkdocs.yml": yml, "docs/index.md": "# Home\n", "references/a.bib": ""})
    config = load_config(root)  # the style file is missing: reading the config does not care
    assert config.style == "styles/none.csl"
    with pytest.raises(ConfigError, match=r"plugins\.citekb\.style: 'styles/none\.csl' is neither"):
        check_style(config, root)
    with pytest.raises(ConfigError, match=r"plugins\.citekb\.style: 'styles/none\.csl' is neither"):
        load_project(root)
    assert load_project(root, config).config is config  # a caller with its config has checked
