"""Which files citekb may read (an I/O edge): regular files inside the project, found without
following a link loop.

A pull request can add ``docs/notes.md -> /etc/passwd``, a folder linked to ``/etc``, a page
linked to ``/dev/zero`` or a folder that links to itself. MkDocs follows such links and would
publish what they point to; ``glob``'s ``**`` follows a loop for ever. Every page and bib file
is therefore resolved first: what is not a regular file inside the project is reported as
``outside-project`` and not read. :func:`read_inside` is the one way to read a file that an
option names (the style, the evidence file, an inherited config): inside the project, a
regular file, and at most a given size, checked before anything is read.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import stat
from pathlib import Path

from citekb.core.diagnostics import Code, Diagnostic, diagnostic


def outside(path: Path, root: Path, shown: str) -> Diagnostic | None:
    """``outside-project`` unless ``path`` is a regular file or folder inside ``root`` once
    links are followed (and, for a folder, not a link to one of its own ancestors)."""
    why = _refusal(path, root)
    if why is None:
        return None
    return diagnostic(
        Code.OUTSIDE_PROJECT,
        shown,
        0,
        0,
        f"not read: {why}",
        "copy the file into the project instead of linking to it, or remove the link",
    )


#: Largest file citekb reads: bib files, pages and evidence (a page is limited again later).
MAX_READ = 256 * 1024 * 1024
#: Largest configuration file (``mkdocs.yml``, an inherited config, a CSL style).
MAX_CONFIG = 4 * 1024 * 1024


class Refused(OSError):
    """A file citekb will not read: outside the project, not a regular file, or too large."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.strerror = why


def read_inside(path: Path, root: Path, limit: int = MAX_READ) -> bytes:
    """The bytes of ``path``, a regular file inside ``root`` once links are followed, of at most
    ``limit`` bytes; raise :class:`Refused` (or another ``OSError``) otherwise."""
    why = _refusal(path, root)
    if why is not None:
        raise Refused(f"not read: {why}")
    return read_regular(path, limit)


def read_regular(path: Path, limit: int = MAX_READ) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    The file is opened without blocking (a FIFO swapped in answers at once), its kind and size
    come from the open descriptor, and no more than ``limit + 1`` bytes are read, so neither
    ``/dev/zero`` nor a file that grows while it is read can exhaust memory.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not read: it is not a regular file (a device, FIFO or socket)")
        if info.st_size > limit:
            raise Refused(f"not read: it has {info.st_size:,} bytes, more than {limit:,}")
        chunks: list[bytes] = []
        size = 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Refused(f"not read: it has more than {limit:,} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _refusal(path: Path, root: Path) -> str | None:
    try:
        real = path.resolve(strict=True)
        mode = real.stat().st_mode
    except RuntimeError:  # Python 3.11 and 3.12 on a loop
        return "it is a symbolic link loop"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "it is a symbolic link loop"
        return None  # a missing file is reported by whoever reads it
    if not real.is_relative_to(root.resolve()):
        return f"it resolves to {real}, outside the project"
    if stat.S_ISDIR(mode):
        if path.is_symlink() and path.absolute().parent.resolve().is_relative_to(real):
            return "it is a symbolic link to a folder that contains it (a loop)"
        return None
    if not stat.S_ISREG(mode):
        return "it is not a regular file (a device, FIFO or socket)"
    return None


def expand_pattern(root: Path, pattern: str) -> list[str]:
    """The files a bibliography pattern matches, as ``glob.glob`` would give them.

    A pattern with ``**`` is walked here, each real folder once, skipping folders that are
    outside the project, so that a link loop ends instead of being followed for ever.
    """
    # The root is escaped so that a folder named like `kb[1]` is not read as a pattern;
    # an absolute pattern replaces it, as `/` does.
    full = Path(glob.escape(str(root))) / pattern
    if "**" not in pattern:
        return sorted(glob.glob(str(full), recursive=True))  # noqa: PTH207 - may be absolute
    base, rest = _split(pattern)
    start = Path(base) if Path(base).is_absolute() else root / base
    matcher = _compile(rest)
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    top = root.resolve()
    # as glob: wildcards skip hidden names, unless the pattern names one (`**/.x.bib`)
    hidden = "." if any(part.startswith(".") for part in rest.split("/")) else ""
    for folder, dirs, files in os.walk(start, followlinks=True):
        try:
            info = Path(folder).stat()
            real = Path(folder).resolve()
        except OSError:
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen or not real.is_relative_to(top):
            dirs[:] = []  # a loop, or a link out of the project
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if hidden or not d.startswith("."))
        for name in files:
            if name.startswith(".") and not hidden:
                continue
            path = Path(folder, name)
            if matcher.fullmatch(path.relative_to(start).as_posix()):
                found.append(str(path))
    return sorted(found)


def _split(pattern: str) -> tuple[str, str]:
    """The literal folder a pattern starts with, and the rest (with the wildcards)."""
    parts = pattern.split("/")
    literal: list[str] = []
    for part in parts:
        if glob.has_magic(part):
            break
        literal.append(part)
    if len(literal) == len(parts):
        literal.pop()
    base = "/".join(literal) or "."
    if pattern.startswith("/") and not base.startswith("/"):
        base = "/" + base
    return base, "/".join(parts[len(literal) :])


def _compile(pattern: str) -> re.Pattern[str]:
    """A regex for a glob over ``/``-separated paths: ``**`` spans folders, ``*`` does not."""
    out: list[str] = []
    parts = pattern.split("/")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:[^/]*/)*")
            continue
        out.append(_component(part) + ("" if last else "/"))
    return re.compile("".join(out))


def _component(part: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(part):
        char = part[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (close := part.find("]", i + 2)) > 0:
            inner = part[i + 1 : close]
            negate = inner.startswith("!")
            body = re.escape(inner[1:] if negate else inner).replace("\\-", "-")
            out.append(f"[{'^' if negate else ''}{body}]")
            i = close
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)
