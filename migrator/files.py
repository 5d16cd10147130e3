"""Reading sources and writing them back without ever leaving a half-written file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from migrator.interrupts import deferred

_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


class WriteError(Exception):
    """The file was not written; the original is intact."""


def read_bytes(path: Path) -> bytes:
    return path.read_bytes()


def write_atomic(path: Path, data: bytes, *, expected: bytes) -> None:
    """Replace ``path`` with ``data`` if it still holds ``expected``.

    The new content goes to a temporary file in the same directory (same file system), gets
    the original's permission bits, and is renamed over the original: a reader, a crash or an
    interrupt sees either the old file or the new one, never a mix. Bytes are written as given,
    so line endings, encoding and BOM are whatever the fixed source kept. A symbolic link is
    written through: its target gets the new content and the link stays a link.
    """
    if path.is_symlink():
        # Replacing the link would turn it into a copy; writing through it would change a
        # file that may lie outside the paths the user gave.
        raise WriteError("a symbolic link; not written (run fix on the file it points to)")
    try:
        info = path.stat()
    except OSError as exc:
        raise WriteError(f"cannot stat: {exc.strerror}") from exc
    # Root may write anything: the permission bits say what the owner meant.
    if not os.access(path, os.W_OK) or not info.st_mode & _WRITE_BITS:
        raise WriteError("file is read-only; not changed")
    with deferred():
        _replace(path, data, expected, info)


def _replace(path: Path, data: bytes, expected: bytes, info: os.stat_result) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".migrator")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode))
        _keep_owner(tmp, info)
        # Someone else may have edited the file while we worked on it: theirs wins.
        if path.read_bytes() != expected:
            raise WriteError("file changed on disk while it was being fixed; not overwritten")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WriteError(f"cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _keep_owner(tmp: Path, info: os.stat_result) -> None:
    """A file fixed by root (say, in a CI container) keeps its owner."""
    if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
        # Not allowed to give the file away: it stays ours, as an editor would leave it.
        with contextlib.suppress(OSError):
            os.chown(tmp, info.st_uid, info.st_gid)
