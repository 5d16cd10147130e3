"""Reading sources and writing them back without ever leaving a half-written file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from migrator.interrupts import deferred

_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
# Config and rule files are written by hand: one larger than this is a mistake (or /dev/zero).
MAX_CONFIG_FILE = 1024 * 1024


class WriteError(Exception):
    """The file was not written; the original is intact."""


class NotRegularFile(OSError):
    """A named pipe, device, socket or directory where a file was expected: never read, since
    reading a FIFO blocks forever and a device such as /dev/zero never ends."""


class FileTooLarge(OSError):
    """More bytes than the caller's bound: not read (or not to the end)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"larger than {limit:,} bytes; not read")
        self.size = size  # as the file's status gave it, or the bytes read so far
        self.limit = limit


def describe_mode(mode: int) -> str | None:
    """What a non-regular file is, for messages; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kinds = (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def read_regular(path: str | os.PathLike[str], limit: int = 0) -> bytes:
    """The bytes of a regular file (following symbolic links); ``limit`` > 0 bounds the size."""
    return read_regular_stat(path, limit)[0]


def read_regular_stat(path: str | os.PathLike[str], limit: int = 0) -> tuple[bytes, os.stat_result]:
    """``read_regular``, with the file's status taken before its bytes were read (what a cache
    entry may be stamped with: a change made during the read shows in the next status).

    The type is checked before opening (opening a device can have effects of its own) and
    again on the open descriptor, which is opened non-blocking so that a file swapped for a
    FIFO in between cannot block the open.
    """
    what = describe_mode(os.stat(path).st_mode)
    if what is not None:
        raise NotRegularFile(f"{what}, not a regular file; not read")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        what = describe_mode(info.st_mode)
        if what is not None:
            raise NotRegularFile(f"{what}, not a regular file; not read")
        if limit and info.st_size > limit:  # known too large: none of it is read
            raise FileTooLarge(info.st_size, limit)
        chunks: list[bytes] = []
        size = 0
        while True:
            # The whole file in one read when it does not grow meanwhile, then a read of one
            # byte that finds the end (a short read is not the end on every file system).
            want = info.st_size + 1 - size
            chunk = os.read(fd, want if want > 0 else 1 << 16)
            if not chunk:
                return b"".join(chunks), info
            size += len(chunk)
            if limit and size > limit:
                raise FileTooLarge(size, limit)
            chunks.append(chunk)
    finally:
        os.close(fd)


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
    link = linked_directory(path)
    if link is not None:  # the same for a link to a directory (``fix *`` names every one)
        raise WriteError(
            f"behind the symbolic link {link!r} (a directory); not written "
            "(run fix on the path it points to)"
        )
    try:
        info = path.stat()
    except OSError as exc:
        raise WriteError(f"cannot stat: {exc.strerror}") from exc
    # Root may write anything: the permission bits say what the owner meant.
    if not os.access(path, os.W_OK) or not info.st_mode & _WRITE_BITS:
        raise WriteError("file is read-only; not changed")
    with deferred():
        _replace(path, data, expected, info)


def linked_directory(path: Path) -> str | None:
    """The first directory of ``path`` as written that is a symbolic link, or None.

    The walk never follows links, so only a path given on the command line can lead through
    one; where it leads may lie outside every tree the user meant to fix.
    """
    parent = os.path.dirname(os.fspath(path))
    if os.path.realpath(parent or ".") == os.path.abspath(parent or "."):
        return None  # no link anywhere on the way (one system call per component, once)
    walked = ""
    for part in Path(parent).parts:
        walked = os.path.join(walked, part)
        if os.path.islink(walked):
            return walked
    return None


def _replace(path: Path, data: bytes, expected: bytes, info: os.stat_result) -> None:
    try:
        fd, tmp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{_short(path.name)}.", suffix=".migrator"
        )
    except OSError as exc:  # a read-only directory or file system, no space, no descriptors
        reason = exc.strerror or exc
        raise WriteError(f"cannot create a temporary file beside it: {reason}") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode))
        _keep_owner(tmp, info)
        # Someone else may have edited the file while we worked on it: theirs wins. The
        # content tells of an edit since migrator read it; the file's identity, looked at
        # again right before the rename, of one landing during this comparison.
        if read_regular(path) != expected or _identity(os.stat(path)) != _identity(info):
            raise WriteError("file changed on disk while it was being fixed; not overwritten")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WriteError(f"cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _identity(info: os.stat_result) -> tuple[int, int, int, int]:
    """What changes when a file is edited or replaced (the timestamp to the nanosecond, where
    the file system keeps it)."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _short(name: str) -> str:
    """The file's name as the temporary file's prefix, shortened so that the temporary name
    stays within the 255 bytes a file name may have."""
    return name if len(os.fsencode(name)) <= 200 else name[:48]


def _keep_owner(tmp: Path, info: os.stat_result) -> None:
    """A file fixed by root (say, in a CI container) keeps its owner."""
    if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
        # Not allowed to give the file away: it stays ours, as an editor would leave it.
        with contextlib.suppress(OSError):
            os.chown(tmp, info.st_uid, info.st_gid)
