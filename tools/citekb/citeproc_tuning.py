"""citeproc-py, made fast enough for thousands of entries: memoised look-ups, worker processes.

Both are internal to :mod:`citekb.style`; nothing here changes what citeproc-py outputs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from citekb.style import Engine, Formatted

_WORKER: Engine | None = None


def _init_worker(path: str) -> None:
    from citekb.style import Engine

    global _WORKER
    _WORKER = Engine(Path(path))


def _work(item: Mapping[str, Any]) -> tuple[str, dict[str, Any], str]:
    assert _WORKER is not None
    done = _WORKER.format_one(item)
    return done.key, done.to_json(), done.error


def format_parallel(
    path: Path, items: Sequence[Mapping[str, Any]], workers: int
) -> list[Formatted]:
    """Format items in order on ``workers`` processes, each loading the style once."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from citekb.style import Formatted

    # spawn, not fork: MkDocs' serve runs threads, and forking a threaded process is unsafe
    context = multiprocessing.get_context("spawn")
    chunk = max(1, len(items) // (workers * 4))
    with ProcessPoolExecutor(workers, context, _init_worker, (str(path),)) as pool:
        done = list(pool.map(_work, items, chunksize=chunk))
    return [replace(Formatted.from_json(key, data), error=error) for key, data, error in done]


def speed_up_citeproc() -> None:
    """Memoise citeproc-py's look-ups on the style tree, which never changes after loading.

    It runs an XPath query for every macro, term and option it touches, and walks subtrees to
    ask whether they call a variable: two thirds of its time. Keys hold the elements, so an
    element's identity can never be reused while its entry lives.
    """
    from citeproc import model

    base = model.CitationStylesElement
    if getattr(base, "_citekb_fast", False):
        return
    xpath_search = base.xpath_search
    found: dict[tuple[Any, str], Any] = {}

    def fast_xpath_search(self: Any, expression: str) -> Any:
        key = (self, expression)
        hit = found.get(key)
        if hit is None:
            hit = found[key] = xpath_search(self, expression)
        return hit

    base.xpath_search = fast_xpath_search
    for cls in vars(model).values():
        if isinstance(cls, type) and "calls_variable" in vars(cls):
            name = "calls_variable"  # assigned through a name: mypy cannot see these classes
            setattr(cls, name, _memo_calls_variable(vars(cls)[name]))
    base._citekb_fast = True


def _memo_calls_variable(method: Any) -> Any:
    results: dict[Any, bool] = {}

    def calls_variable(self: Any) -> bool:
        hit = results.get(self)
        if hit is None:
            hit = results[self] = method(self)
        return hit

    return calls_variable
