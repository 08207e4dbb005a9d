"""Loading a knowledge base: the parallel page parse gives exactly what the serial one does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citekb.checks import run_checks
from citekb.project import load_project

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    import pytest

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
    root = make_site({**pages, "references/refs.bib": BIB})
    parallel = load_project(root)
    found = run_checks(parallel)
    monkeypatch.setenv("CITEKB_JOBS", "1")
    serial = load_project(root)
    assert [p.path for p in parallel.pages] == sorted(pages)
    assert parallel.pages == serial.pages
    assert found == run_checks(serial)
    assert {d.code for d in found} == {"unknown-key"}
    assert len(found) == sum(1 for n in range(320) if n % 45 >= 40)


def test_a_worker_that_fails_costs_time_not_results(
    make_site: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import citekb.project

    pages = {f"docs/p{n:03}.md": f"# P{n}\n\nSee [@k{n % 40}].\n" for n in range(320)}
    root = make_site({**pages, "references/refs.bib": BIB})
    parent, real = os.getpid(), citekb.project.parse_pages

    def failing_in_workers(*args: object) -> object:
        if os.getpid() != parent:
            raise RuntimeError("worker lost")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(citekb.project, "parse_pages", failing_in_workers)
    project = load_project(root)
    assert len(project.pages) == 320
    assert sum(len(p.citations) for p in project.pages) == 320
