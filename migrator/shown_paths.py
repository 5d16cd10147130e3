"""File names as the output formats can carry them.

A file name is whatever the file system allows: control characters (a terminal escape sequence,
a newline that forges a line of output), bidirectional overrides that reorder what is shown,
and bytes that are not UTF-8, which Python holds as lone surrogates that no UTF-8 output can
encode. Every format writes each name through one of these functions.
"""

from __future__ import annotations

import os
from pathlib import PurePath
from urllib.parse import quote


def printable(name: str) -> str:
    """``name`` as one line of printable text.

    Each character that is not printable (controls, format characters such as bidi overrides,
    line separators, unassigned code points) is written as a Python-style escape (``\\x1b``,
    ``\\u202e``), and each byte that is not UTF-8 as ``\\xNN``. A backslash is left as it is:
    it separates directories on Windows.
    """
    if name.isprintable():
        return name
    return "".join(char if char.isprintable() else _escape(char) for char in name)


def well_formed(name: str) -> str:
    """``name`` as valid Unicode: only bytes that are not UTF-8 escaped (``\\xNN``).

    For formats that escape everything else themselves, losslessly (JSON).
    """
    if not any("\ud800" <= char <= "\udfff" for char in name):
        return name
    return "".join(_escape(char) if "\ud800" <= char <= "\udfff" else char for char in name)


def uri_path(name: str) -> str:
    """``name`` (relative) as a percent-encoded URI path: the file's own bytes, so lossless."""
    posix = PurePath(name).as_posix()
    try:
        raw = os.fsencode(posix)
    except UnicodeEncodeError:  # a surrogate no file system decoding gave: keep its code point
        raw = posix.encode("utf-8", "surrogatepass")
    return quote(raw)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
