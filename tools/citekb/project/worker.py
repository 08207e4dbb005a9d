"""A forked helper process that shares the loading of a large knowledge base (an I/O edge).

The helper splits the second half of each large bib file (``bibsplit``) and then reads and
parses pages, chunk by chunk from the front, while the main process splits the first half and
loads the library; then the main process takes the chunks the helper has not started from the
back, so both cores stay busy to the end.

The helper finds its work in memory inherited at the fork, and hands its results back as
pickle files in a private folder, not through the executor's pipe: a large result through the
pipe is read by a thread of the main process, which must win the GIL from the busy main thread
for every 64 KiB and so stalls both processes. Any failure of the helper only means that the
main process does that piece of work itself.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import shutil
import stat
import sys
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citekb.core.diagnostics import Code, diagnostic
from citekb.pages.page import Page, parse_page

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from citekb.core.diagnostics import Diagnostic
    from citekb.sources.bibsplit import Block

    Parsed = tuple[list["Page"], list["Diagnostic"]]
    Reader = Callable[[Path, str], tuple[str | None, list["Diagnostic"]]]

__all__ = ["Share", "parse_pages", "paused_gc", "sharing"]

CHUNK = 50  # pages per task: small enough to share the work out evenly
PAGES_FROM = 300  # pages; below this, starting a process costs more than it saves

#: What the helper works on, inherited at the fork instead of pickled.
_ITEMS: Sequence[tuple[str, str, Path]] = ()
_BIBS: Sequence[tuple[str, bytes]] = ()
_READ: Reader | None = None


def parse_pages(
    items: Sequence[tuple[str, str, Path]], xref_prefixes: Sequence[str], read_text: Reader
) -> Parsed:
    """Read (with ``read_text``) and parse ``(path as reported, docs-relative name, file)`` triples.

    Each process reads the pages it parses: on a cold disk cache the reads then overlap.
    """

    pages: list[Page] = []
    problems: list[Diagnostic] = []
    for shown, name, path in items:
        text, trouble = read_text(path, shown)
        problems.extend(trouble)
        if text is None:
            continue
        try:
            page, trouble = parse_page(shown, name, text, xref_prefixes=xref_prefixes)
        except RecursionError:  # a shape the limits did not foresee: report it, do not crash
            page, trouble = Page(shown, name, text), [_too_deep(shown)]
        pages.append(page)
        problems.extend(trouble)
    return pages, problems


def _too_deep(shown: str) -> Diagnostic:
    return diagnostic(
        Code.PAGE_LIMIT,
        shown,
        1,
        1,
        "page is nested too deeply to parse (Python's recursion limit)",
        "flatten nested lists, block quotes or brackets",
    )


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector while parsing builds many objects and no cycles.

    Each collection walks every live object, so on a 20,000-entry library the collector
    alone costs a third of the load; nothing is lost, it runs again afterwards.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _spool(result: object, folder: str) -> str:
    fd, path = tempfile.mkstemp(dir=folder)
    with os.fdopen(fd, "wb") as out:
        pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _own_spool(name: str, folder: str) -> Path:
    """``name`` if it is a file the helper made in ``folder`` (private, made here), else raise.

    Only these files are unpickled: the folder is created by :func:`sharing` with mode 0700,
    so no other user, and nothing from the repository or a cache, can put a file there.
    """
    path = Path(name)
    info = path.lstat()
    if path.parent != Path(folder) or not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
        raise ValueError(f"not a result file of this run: {name}")
    return path


def _unspool(future: Future[str], folder: str) -> Any:
    """The helper's result, or ``None`` when it has not started the task or failed at it."""
    if future.cancel():
        return None
    try:
        path = _own_spool(future.result(), folder)
        result = pickle.loads(path.read_bytes())
        path.unlink()
    except Exception:  # e.g. BrokenProcessPool: the work is simply done here
        return None
    return result


def _parse_chunk(lo: int, xref_prefixes: Sequence[str], folder: str) -> str:
    with paused_gc():
        assert _READ is not None
        return _spool(parse_pages(_ITEMS[lo : lo + CHUNK], xref_prefixes, _READ), folder)


def _split_tail(index: int, folder: str) -> str:
    from citekb.sources.bibsplit import bib_text, split_tail  # heavy: bibtexparser

    shown, data = _BIBS[index]
    with paused_gc():
        return _spool(split_tail(bib_text(data, shown)[0]), folder)


class Share:
    """The work of one load, shared with a helper process when there is one."""

    def __init__(
        self,
        items: Sequence[tuple[str, str, Path]],
        xref_prefixes: Sequence[str],
        read_text: Reader,
        tails: dict[str, Future[str]] | None = None,
        chunks: list[Future[str]] | None = None,
        folder: str = "",
    ) -> None:
        self._folder = folder
        self._items = items
        self._xref = xref_prefixes
        self._read = read_text
        self._tails = tails or {}
        self._chunks = chunks

    @property
    def shared(self) -> bool:
        """Whether a helper process takes part."""
        return self._chunks is not None

    def tail(self, shown: str) -> list[Block] | None:
        """``bibsplit.split_tail`` of a bib file, if the helper has split it."""
        future = self._tails.get(shown)
        return None if future is None else _unspool(future, self._folder)

    def pages(self) -> Parsed:
        """Every page parsed, in the order given, with the problems found.

        The helper works through the chunks from the front; this process takes those it has
        not started from the back (the next one queued for the helper cannot be taken back,
        so taking from the front would only follow the helper), then collects the rest.
        """
        if self._chunks is None:
            return parse_pages(self._items, self._xref, self._read)
        done: list[Parsed | None] = [None] * len(self._chunks)
        for index in reversed(range(len(self._chunks))):
            if not self._chunks[index].cancel():
                break
            done[index] = self._parse(index)
        pages: list[Page] = []
        problems: list[Diagnostic] = []
        for index, future in enumerate(self._chunks):
            result = done[index] or _unspool(future, self._folder) or self._parse(index)
            pages.extend(result[0])
            problems.extend(result[1])
        return pages, problems

    def _parse(self, index: int) -> Parsed:
        lo = index * CHUNK
        return parse_pages(self._items[lo : lo + CHUNK], self._xref, self._read)


def die_with_parent(parent: int) -> None:
    """Make this helper end when the process that started it ends (``kill``, ``SIGTERM``).

    On Linux the kernel sends ``SIGKILL`` on the parent's death (``PR_SET_PDEATHSIG``);
    elsewhere a daemon thread polls the parent's pid. A parent already gone ends it now.
    """
    import signal
    import threading
    import time

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="citekb-parent-watch").start()


def _cores() -> int:
    """The cores this process may use (``sched_getaffinity`` is Linux-only)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextmanager
def sharing(
    items: Sequence[tuple[str, str, Path]],
    bibs: Sequence[tuple[str, bytes]],
    xref_prefixes: Sequence[str],
    read_text: Reader,
) -> Iterator[Share]:
    """A :class:`Share` of this load; with a helper process if it is worth one (fork only)."""
    from citekb.sources.bibsplit import SPLIT_FROM  # heavy: bibtexparser

    global _ITEMS, _BIBS, _READ
    large = [i for i, (_, data) in enumerate(bibs) if len(data) >= SPLIT_FROM]
    worth_it = len(items) >= PAGES_FROM or bool(large)
    if not worth_it or _cores() < 2 or os.environ.get("CITEKB_JOBS") == "1":
        yield Share(items, xref_prefixes, read_text)
        return
    folder = tempfile.mkdtemp(prefix="citekb-")
    _ITEMS, _BIBS, _READ = items, bibs, read_text
    pool = None
    try:
        try:
            pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("fork"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
            tails = {bibs[i][0]: pool.submit(_split_tail, i, folder) for i in large}
            chunks = [
                pool.submit(_parse_chunk, lo, xref_prefixes, folder)
                for lo in range(0, len(items), CHUNK)
            ]
            share = Share(items, xref_prefixes, read_text, tails, chunks, folder)
        except Exception:  # no process could be started: do everything here
            share = Share(items, xref_prefixes, read_text)
        yield share
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        _ITEMS, _BIBS = (), ()
        shutil.rmtree(folder, ignore_errors=True)
