"""Single files for the layers above (an I/O edge): a JSON cache of formatted blocks, a
file's digest, BibTeX files read for standalone use, and ``mkdocs.yml`` read as data. Writers
that need no YAML are in :mod:`citekb.project.atomic`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citekb.core.configyaml import load_yaml
from citekb.core.diagnostics import Code, diagnostic
from citekb.project.cache import add_contents, read_sealed, write_sealed
from citekb.project.paths import read_regular

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from citekb.core.diagnostics import Diagnostic
    from citekb.core.model import Library


class FormatCache(dict[str, Any]):
    """Formatted references by cache key, loaded from and saved to one JSON file per style."""

    def __init__(self, path: Path | None) -> None:
        super().__init__()
        self.path = path
        self.loaded = 0
        text = read_sealed(path)
        if text is not None:
            try:
                data = json.loads(text)
            except (ValueError, RecursionError):
                data = {}  # a damaged cache is only a slower build
            if isinstance(data, dict):
                self.update(data)
        self.loaded = len(self)

    def save(self, keep: Mapping[str, Any] | None = None) -> None:
        """Write the cache atomically if it gained entries; ``keep`` prunes it to those keys."""
        if self.path is None or (len(self) == self.loaded and keep is None):
            return
        data = {k: v for k, v in self.items() if keep is None or k in keep}
        if keep is not None and len(data) == self.loaded == len(self):
            return
        write_sealed(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        self.loaded = len(data)


def file_digest(path: Path) -> str:
    """A digest of one file's name and content (the style: its edits must show)."""
    digest = hashlib.sha256()
    add_contents(digest, [path])
    return digest.hexdigest()


def read_library(paths: Sequence[str]) -> tuple[Library, list[Diagnostic]]:
    """Load BibTeX files for standalone use; a missing or unreadable file is a diagnostic."""
    from citekb.sources.bibtex import load_library  # heavy: bibtexparser

    files: list[tuple[str, bytes]] = []
    problems: list[Diagnostic] = []
    for name in paths:
        try:
            files.append((str(name), read_regular(Path(name))))
        except OSError as exc:
            problems.append(
                diagnostic(
                    Code.UNREADABLE_FILE,
                    str(name),
                    0,
                    0,
                    f"cannot read bibliography: {exc.strerror}",
                    "fix the `bibliography` option of the citekb extension",
                )
            )
    library, found = load_library(files)
    return library, problems + list(found)


def mkdocs_data(root: Path) -> Any:
    """``root/mkdocs.yml`` as YAML data (MkDocs' tags inert); ``OSError``,
    ``UnicodeDecodeError`` or ``ConfigError`` when it cannot be read."""
    return load_yaml((root / "mkdocs.yml").read_text(encoding="utf-8-sig"))
