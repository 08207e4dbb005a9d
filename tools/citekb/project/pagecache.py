"""Parsed pages kept between loads (an I/O edge): one sealed file per page, keyed by a digest
of citekb's code, the page's path and its text, so an edit parses one page, not all of them.

A page that cannot be read, or whose read gave a finding, is always parsed afresh. Files of
pages that no longer exist, or have changed, are removed after each load.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from citekb.core.diagnostics import Diagnostic
from citekb.pages.page import Page
from citekb.project.cache import code_digest, load_state, save_state

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    Item = tuple[str, str, Path]  # (path as reported, docs-relative name, file)
    Reader = Callable[[Path, str], tuple[str | None, list[Diagnostic]]]

#: The type a page's file holds: the parsed page and what parsing it found.
Parsed = tuple[Page, list[Diagnostic]]


class PageCache:
    """The cached pages of one load: which were found, and which must be parsed."""

    def __init__(self, folder: Path | None, xref_prefixes: Sequence[str]) -> None:
        self.folder = folder
        self.salt = f"{code_digest()}\0{list(xref_prefixes)!r}\0"
        self.keys: dict[str, str] = {}  # reported path → key, for every readable page

    def split(self, items: Sequence[Item], read: Reader) -> tuple[list[Parsed], list[Item]]:
        """The pages found in the cache, and the items still to parse."""
        found: list[Parsed] = []
        missing: list[Item] = []
        for item in items:
            shown, name, path = item
            text, trouble = read(path, shown) if self.folder is not None else (None, [])
            if text is None or trouble:
                missing.append(item)
                continue
            key = hashlib.sha256(f"{self.salt}{shown}\0{name}\0{text}".encode()).hexdigest()
            self.keys[shown] = key
            hit = load_state(self._file(key), key, Parsed)
            if hit is None:
                missing.append(item)
            else:
                found.append(hit)
        return found, missing

    def save(self, pages: Sequence[Page], problems: Sequence[Diagnostic]) -> None:
        """Keep each newly parsed page (with its findings), and remove files no page uses."""
        if self.folder is None:
            return
        by_page: dict[str, list[Diagnostic]] = {}
        for found in problems:
            by_page.setdefault(found.path, []).append(found)
        for page in pages:
            key = self.keys.get(page.path)
            if key is not None:
                # Stale temporary files go with the other unused files below.
                save_state(self._file(key), key, (page, by_page.get(page.path, [])), sweep=False)
        wanted = {f"{key}.json" for key in self.keys.values()}
        try:
            stale = [p for p in self.folder.iterdir() if p.name not in wanted]
        except OSError:
            return
        for path in stale:
            try:
                path.unlink()
            except OSError:
                continue

    def _file(self, key: str) -> Path | None:
        return self.folder / f"{key}.json" if self.folder is not None else None
