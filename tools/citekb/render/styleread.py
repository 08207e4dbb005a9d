"""Read a CSL style file named by path, bounded (an I/O edge of the render layer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
