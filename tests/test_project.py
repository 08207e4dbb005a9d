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
