"""Read a knowledge base from disk (an I/O edge): config, pages, bibliography, evidence."""

from __future__ import annotations

import gc
import glob
import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from citekb.config import Config, ConfigError, parse_config
from citekb.diagnostics import Diagnostic, diagnostic
from citekb.model import Library

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from citekb.evidence import Evidence
    from citekb.pages import Page


@dataclass(frozen=True)
class Project:
    """Everything the checks and renderers need, already read and parsed."""

    root: Path
    config: Config
    pages: tuple[Page, ...] = ()
    library: Library = field(default_factory=Library)
    files: frozenset[str] = frozenset()  # every file under docs_dir, docs-relative
    texts: Mapping[str, str] = field(default_factory=dict)  # reported path → text
    evidence: Evidence | None = None
    diagnostics: tuple[Diagnostic, ...] = ()  # from reading, parsing and the library's checks
    sources: tuple[str, ...] = ()  # every page, bib and evidence file read, as reported

    @property
    def checked(self) -> int:
        return len(self.sources)


def load_config(root: Path) -> Config:
    """Read ``root/mkdocs.yml``; a missing or broken file raises ``ConfigError``."""
    path = root / "mkdocs.yml"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"no mkdocs.yml in {root}: run citekb at the root of a knowledge base"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    return parse_config(text)


def relative(path: Path, root: Path) -> str:
    """``path`` (relative to the working folder) as a POSIX path under ``root``; else as given."""
    full = path if path.is_absolute() else Path.cwd() / path
    if ".." not in full.parts:
        try:
            return full.relative_to(root).as_posix()
        except ValueError:
            pass
    try:
        return full.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(
    path: Path, shown: str, *, exact: bool = False, undecodable: str = "unreadable-file"
) -> tuple[str | None, list[Diagnostic]]:
    """Read UTF-8 text, or explain why not (``undecodable`` is the code for non-UTF-8 bytes).

    ``exact`` keeps a byte-order mark and the line endings, for a file that is written back;
    otherwise line endings become ``\\n`` as with ``open()``.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [
            diagnostic(
                "unreadable-file",
                shown,
                0,
                0,
                f"cannot read: {exc.strerror}",
                "check that the file exists and is readable",
            )
        ]
    try:
        text = data.decode("utf-8" if exact else "utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            diagnostic(
                undecodable,
                shown,
                line,
                column,
                f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
                "save the file as UTF-8",
            )
        ]
    return (text if exact else text.replace("\r\n", "\n").replace("\r", "\n")), []


def bibliography_files(root: Path, config: Config) -> tuple[list[Path], list[Diagnostic]]:
    """Expand the configured globs, in order, each file once."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for pattern in config.bibliography:
        # The root is escaped so that a folder named like `kb[1]` is not read as a pattern;
        # an absolute pattern replaces it, as `/` does.
        full = Path(glob.escape(str(root))) / pattern
        matches = sorted(glob.glob(str(full), recursive=True))  # noqa: PTH207 - may be absolute
        if not matches:
            problems.append(
                diagnostic(
                    "no-bibliography",
                    "mkdocs.yml",
                    0,
                    0,
                    f"bibliography pattern {pattern!r} matches no file",
                    "fix the `bibliography` option of the citekb plugin",
                )
            )
        for match in matches:
            path = Path(match)
            if path.is_file() and path not in found:
                found.append(path)
    return found, problems


def read_bytes(
    paths: Sequence[Path], root: Path
) -> tuple[list[tuple[str, bytes]], list[Diagnostic]]:
    """``(reported path, bytes)`` of each file that can be read; ``unreadable-file`` for the rest."""
    out: list[tuple[str, bytes]] = []
    problems: list[Diagnostic] = []
    for path in paths:
        shown = relative(path, root)
        try:
            out.append((shown, path.read_bytes()))
        except OSError as exc:
            problems.append(
                diagnostic(
                    "unreadable-file",
                    shown,
                    0,
                    0,
                    f"cannot read: {exc.strerror}",
                    "check the file's permissions",
                )
            )
    return out, problems


_CHUNK = 50  # pages per task: small enough to share the work out evenly
_PARALLEL_FROM = 300  # pages; below this, starting processes costs more than it saves


def parse_pages(
    items: Sequence[tuple[str, str, str]], xref_prefixes: Sequence[str]
) -> tuple[list[Page], list[Diagnostic]]:
    """Parse ``(path, docs-relative name, text)`` triples (pure; runs in worker processes)."""
    from citekb.pages import parse_page

    pages: list[Page] = []
    problems: list[Diagnostic] = []
    for shown, name, text in items:
        page, trouble = parse_page(shown, name, text, xref_prefixes=xref_prefixes)
        pages.append(page)
        problems.extend(trouble)
    return pages, problems


#: The pages being loaded, read by forked workers from inherited memory instead of a pickle.
_ITEMS: Sequence[tuple[str, str, str]] = ()


def _parse_slice(
    lo: int, hi: int, xref_prefixes: Sequence[str]
) -> tuple[list[Page], list[Diagnostic]]:
    with paused_gc():
        return parse_pages(_ITEMS[lo:hi], xref_prefixes)


def _collect(
    lo: int, future: Future[tuple[list[Page], list[Diagnostic]]], xref: Sequence[str]
) -> tuple[list[Page], list[Diagnostic]]:
    """A chunk's result: parsed here if the worker has not started it, or if the worker died."""
    if not future.cancel():
        try:
            return future.result()
        except Exception:  # e.g. BrokenProcessPool: the work is simply redone here
            pass
    return _parse_slice(lo, lo + _CHUNK, xref)


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


def _cores() -> int:
    """The cores this process may use (``sched_getaffinity`` is Linux-only)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _pool(count: int) -> Executor | None:
    """Worker processes for a large site on a machine with cores to spare (fork only)."""
    if count < _PARALLEL_FROM or _cores() < 2 or os.environ.get("CITEKB_JOBS") == "1":
        return None
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return None
    return ProcessPoolExecutor(max_workers=1, mp_context=context)


def load_project(
    root: Path,
    config: Config | None = None,
    *,
    only: set[str] | None = None,
    need_pages: bool = True,
) -> Project:
    """Read pages, bibliography and evidence under ``root``; problems become diagnostics.

    ``only`` limits the pages that are parsed to these reported paths (for ``citekb citations``);
    without ``need_pages`` a missing docs folder is no error (``citekb export`` of a library).
    """
    with paused_gc():
        return _load(root, config, only, need_pages)


def _load(root: Path, config: Config | None, only: set[str] | None, need_pages: bool) -> Project:
    from citekb.bibtex import load_library
    from citekb.checks import check_library

    root = root.resolve()
    config = config or load_config(root)
    problems: list[Diagnostic] = []
    texts: dict[str, str] = {}

    docs = root / config.docs_dir
    if not docs.is_dir() and need_pages:  # as in MkDocs, a missing docs_dir is a config error
        raise ConfigError(f"mkdocs.yml: docs_dir {config.docs_dir!r} is not a folder in {root}")
    files: set[str] = set()
    items: list[tuple[str, str, str]] = []
    for path in sorted(docs.rglob("*")) if docs.is_dir() else ():
        if not path.is_file():
            continue
        name = path.relative_to(docs).as_posix()
        files.add(name)
        shown = relative(path, root)
        if path.suffix.lower() != ".md" or (only is not None and shown not in only):
            continue
        text, trouble = read_text(path, shown)
        problems.extend(trouble)
        if text is None:
            continue
        texts[shown] = text
        items.append((shown, name, text))

    # A worker process parses pages while this one loads the bibliography; afterwards this
    # process takes over the chunks the worker has not started, so both cores stay busy.
    global _ITEMS
    _ITEMS = items
    pool = _pool(len(items))
    starts = range(0, len(items), _CHUNK) if pool else range(0)
    xref = config.xref_prefixes
    futures = []
    if pool:
        try:
            futures = [pool.submit(_parse_slice, lo, lo + _CHUNK, xref) for lo in starts]
        except Exception:  # no process could be started: parse everything here
            pool.shutdown(cancel_futures=True)
            pool = None

    bibs, trouble = bibliography_files(root, config)
    problems.extend(trouble)
    raw, trouble = read_bytes(bibs, root)
    problems.extend(trouble)
    library, trouble = load_library(raw)
    problems.extend(trouble)
    # The library's own checks need no page: run them while the worker still parses pages.
    problems.extend(check_library(library))
    for shown, data in raw:
        if b"citekb:" in data:
            texts[shown] = data.decode("utf-8", "replace")

    if pool:
        parsed = [_collect(lo, future, xref) for lo, future in zip(starts, futures, strict=True)]
        pool.shutdown(cancel_futures=True)
    else:
        parsed = [parse_pages(items, config.xref_prefixes)]
    _ITEMS = ()
    pages = sorted((p for chunk, _ in parsed for p in chunk), key=lambda p: p.path)
    problems.extend(d for _, trouble in parsed for d in trouble)

    sources = [page.path for page in pages] + [shown for shown, _ in raw]
    evidence = None
    if config.evidence and (root / config.evidence).is_file():
        from citekb.evidence import parse_evidence

        shown = config.evidence
        sources.append(shown)
        text, trouble = read_text(root / config.evidence, shown)
        problems.extend(trouble)
        if text is not None:
            evidence, trouble = parse_evidence(text, shown)
            problems.extend(trouble)

    return Project(
        root,
        config,
        tuple(pages),
        library,
        frozenset(files),
        texts,
        evidence,
        tuple(problems),
        tuple(sources),
    )
