"""Writing files (an I/O edge): atomically, so that readers see the old content or the new and
never half of it; a new file that overwrites nothing; a file of the built site."""

from __future__ import annotations

import errno
import glob
import os
import re
import stat
import tempfile
from pathlib import Path

_TEMP = re.compile(r"\.citekb-(\d+)-[^/]*\.tmp\Z")


def write_atomic(
    path: Path, data: bytes | str, *, durable: bool = True, sweep: bool = True
) -> None:
    """Replace ``path`` via a temporary file in its folder, then ``os.replace``.

    The file keeps its mode (a new file gets the umask's); text is written as UTF-8 with its
    line endings untouched. A read-only file (no write bit) is not replaced: that raises
    ``PermissionError``. On any failure the temporary file is removed and the old file stays;
    with ``sweep``, one left by a killed process (its process is gone) is removed first.

    ``durable`` syncs the data to disk before the rename, so that a crash leaves the old file
    or the new; without it (cache files, whose seal tells a torn file) readers still never see
    half a file, and thousands of small files are written in a fraction of the time.
    """
    target = path.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    else:
        if not mode & 0o222:
            raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    if sweep:
        remove_stale(target)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.citekb-{os.getpid()}-", suffix=".tmp"
    )
    tmp = Path(name)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        tmp.replace(target)  # atomic within one file system
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_stale(target: Path) -> None:
    """Remove temporary files of ``target`` left by processes that no longer run."""
    pattern = f"{glob.escape(str(target.parent))}/.{glob.escape(target.name)}.citekb-*.tmp"
    for name in glob.glob(pattern):  # noqa: PTH207 - an escaped pattern
        match = _TEMP.search(name)
        if match is None or _alive(int(match[1])):
            continue
        try:
            Path(name).unlink()
        except OSError:
            continue


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or not a pid: leave the file alone
    return True


def write_new(path: Path, text: str) -> None:
    """Create ``path`` with ``text`` (UTF-8, line endings as given); ``FileExistsError`` when
    anything is there already: nothing is overwritten."""
    with path.open("xb") as handle:
        handle.write(text.encode("utf-8"))


def write_output(path: Path, text: str) -> None:
    """Write one file of the built site, as the engines write theirs (plainly: the build
    writes it again); a link left in the output is replaced, never followed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        path.unlink()
    path.write_text(text, encoding="utf-8")
