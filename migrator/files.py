"""Reading sources and writing them back without ever leaving a half-written file."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


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
    path = Path(os.path.realpath(path))
    try:
        info = path.stat()
    except OSError as exc:
        raise WriteError(f"cannot stat: {exc.strerror}") from exc
    if not os.access(path, os.W_OK):
        raise WriteError("file is read-only; not changed")
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".migrator")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode))
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
