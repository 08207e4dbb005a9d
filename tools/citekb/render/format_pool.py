"""Formatting many works on worker processes: each worker makes its formatter once, the calling
process formats too (from the end of the list, while the workers start), and the results come
back in order."""

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


def _init_worker(
    factory: Callable[[Path], _Formatter], path: str, made: _Formatter | None = None
) -> None:
    global _WORKER
    _WORKER = made if made is not None else factory(Path(path))


def _done(formatter: _Formatter, item: Any) -> Done:
    done = formatter.format_any(item)
    return done.key, done.to_json(), done.error


def _work(items: Sequence[Any]) -> list[Done]:
    assert _WORKER is not None
    return [_done(_WORKER, item) for item in items]


def format_parallel(
    factory: Callable[[Path], _Formatter],
    path: Path,
    items: Sequence[Any],
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    local: _Formatter | None = None,
) -> list[Done]:
    """Format items in order on ``workers`` processes, each making its formatter once;
    with ``local``, this process is one of them: it takes chunks from the end that no worker
    has started (so it works while they start up). ``progress(done, total)`` is called as
    chunks are done."""
    import multiprocessing
    import sys
    import threading
    from concurrent.futures import ProcessPoolExecutor

    # fork starts a worker with everything this process has imported (a third of a second
    # less each), but only a process with no other thread may fork: MkDocs' serve runs
    # threads, and then the workers are spawned
    alone = sys.platform == "linux" and threading.active_count() == 1
    context = multiprocessing.get_context("fork" if alone else "spawn")
    processes = max(1, workers - 1) if local is not None else workers
    chunks = _chunks(items, workers, local is not None)
    results: list[list[Done] | None] = [None] * len(chunks)
    count = 0
    # a forked worker has the calling process's formatter already (its style parsed): a
    # spawned one makes its own
    made = local if alone else None
    with ProcessPoolExecutor(processes, context, _init_worker, (factory, str(path), made)) as pool:
        futures = [pool.submit(_work, chunk) for chunk in chunks]
        for i in reversed(range(len(chunks))):
            if local is None or not futures[i].cancel():  # a worker has it, and the rest
                break
            results[i] = [_done(local, item) for item in chunks[i]]
            count += len(chunks[i])
            if progress is not None:
                progress(count, len(items))
        for i, future in enumerate(futures):
            if results[i] is None:
                results[i] = future.result()
                count += len(chunks[i])
                if progress is not None:
                    progress(count, len(items))
    return [done for chunk in results for done in chunk or ()]


def _chunks(items: Sequence[Any], workers: int, local: bool) -> list[Sequence[Any]]:
    """Items in chunks small enough that the last ones end together (n/16 per process);
    where this process, taking chunks from the end, meets the workers, a quarter of that:
    a worker has up to three chunks queued that this process can no longer take, and
    waited for them (~0.15 s of 1.6 at 1,000 works)."""
    size = max(1, len(items) // (workers * 16))
    small = min(size, max(2, size // 4))
    meet = len(items) * (1 - 1 / workers)
    out: list[Sequence[Any]] = []
    start = 0
    while start < len(items):
        step = small if local and abs(start - meet) < 0.2 * len(items) else size
        out.append(items[start : start + step])
        start += step
    return out
