"""Formatting many works on worker processes: each worker makes its formatter once, and the
results come back in order."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    class _Formatter(Protocol):
        def format_any(self, item: Any) -> Any: ...


#: One formatted item as it crosses processes: key, ``Formatted.to_json()``, error.
Done = tuple[str, dict[str, Any], str]

_WORKER: _Formatter | None = None


def _init_worker(factory: Callable[[Path], _Formatter], path: str) -> None:
    global _WORKER
    _WORKER = factory(Path(path))


def _work(item: Any) -> Done:
    assert _WORKER is not None
    done = _WORKER.format_any(item)
    return done.key, done.to_json(), done.error


def format_parallel(
    factory: Callable[[Path], _Formatter],
    path: Path,
    items: Sequence[Any],
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Done]:
    """Format items in order on ``workers`` processes, each making its formatter once;
    ``progress(done, total)`` is called as results arrive."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: MkDocs' serve runs threads, and forking a threaded process is unsafe
    context = multiprocessing.get_context("spawn")
    chunk = max(1, len(items) // (workers * 4))
    done: list[Done] = []
    with ProcessPoolExecutor(workers, context, _init_worker, (factory, str(path))) as pool:
        for result in pool.map(_work, items, chunksize=chunk):
            done.append(result)
            if progress is not None and (len(done) % chunk == 0 or len(done) == len(items)):
                progress(len(done), len(items))
    return done
