"""Unified diffs of a file's bytes, as `fix --diff` shows them and `git apply` takes them."""

from __future__ import annotations

import os
from pathlib import PurePath


def unified_diff(path: str, old: bytes, new: bytes) -> bytes:
    """A unified diff from ``old`` to ``new`` that ``git apply`` takes, byte for byte.

    Made of the files' own bytes, never decoded: a byte-order mark, a latin-1 file's bytes and
    CRLF line ends stay as they are, so applying the diff writes what ``fix`` writes.
    """
    import difflib  # only `fix --diff` needs it

    lines = difflib.diff_bytes(
        difflib.unified_diff, _lines(old), _lines(new), diff_path("a", path), diff_path("b", path)
    )
    # A last line without a newline (common in JSON files) is marked as git marks it, so the
    # next line of the diff does not run on from it.
    return b"".join(
        line if line.endswith(b"\n") else line + b"\n\\ No newline at end of file\n"
        for line in lines
    )


def _lines(source: bytes) -> list[bytes]:
    # Lines end at "\n" only, as in git: bytes.splitlines would also split at a lone "\r".
    lines = source.split(b"\n")
    return [line + b"\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


# Bytes git quotes in a file name, and how (git's quote_c_style).
_C_ESCAPES = {7: b"\\a", 8: b"\\b", 9: b"\\t", 10: b"\\n", 11: b"\\v", 12: b"\\f", 13: b"\\r"}


def diff_path(side: str, path: str) -> bytes:
    """``side/path`` as git writes it in a diff header: its bytes, C-quoted when it holds a
    control character, a quote or a backslash (which ``git apply`` unquotes)."""
    raw = os.fsencode(f"{side}/{PurePath(path).as_posix()}")
    if not any(byte < 0x20 or byte in b'"\\\x7f' for byte in raw):
        return raw
    quoted = bytearray(b'"')
    for byte in raw:
        if byte in _C_ESCAPES:
            quoted += _C_ESCAPES[byte]
        elif byte in b'"\\':
            quoted += b"\\" + bytes([byte])
        elif byte < 0x20 or byte >= 0x7F:
            quoted += b"\\%03o" % byte
        else:
            quoted.append(byte)
    return bytes(quoted + b'"')
