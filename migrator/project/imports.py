"""Which modules and data files a Python file names, read from its bytes without parsing.

Every Python file of a project is read for this (a test file reaches the code it tests through
modules that never mention a model), so it must cost no more than a scan: lines that start
with ``import`` or ``from``, and names ending in a data-file suffix.
"""

from __future__ import annotations

import re

# One import statement, after its line's indent (skipped by hand: a leading [ \t]* would make
# a search over a long run of spaces quadratic). The module's first character is a word
# character: a run of dots is all level, or the pattern could split it in every way before
# failing (quadratic on a line of dots).
_STATEMENT = re.compile(
    rb"from[ \t]+(\.*)(\w[\w.]*)?[ \t]*import[ \t]*(\([^)]*\)|[^\n#;]*)"
    rb"|import[ \t]+([^\n#;]*)"
)
# The names each import line gives, by its bytes: a project repeats the same few hundred
# lines (``import os``, ``from __future__ import annotations``) in every file.
_LINES: dict[bytes, tuple[str, ...]] = {}
_MOST_LINES = 1 << 16
DATA_SUFFIXES = (b".yaml", b".yml", b".json", b".jsonl", b".toml", b".env")
# Where any of them starts: one pattern with a literal head is several times faster than a
# `find` per suffix (each stops at every "." of the file).
_SUFFIX = re.compile(rb"\.(?:ya?ml|json|toml|env)")
_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
_MAX_NAME = 120


def imports(source: bytes) -> tuple[str, ...]:
    """Every module imported, as written: a dotted name, after one dot per level of a relative
    import (``from ..a import b`` gives ``..a`` and ``..a.b``: b may be a module).

    Only the lines that hold ``import`` are matched (from their start): a pattern anchored at
    every line start would be tried at every byte of the file.
    """
    out: list[str] = []
    find = source.find
    last = -1
    at = find(b"import")
    while at != -1:
        start = source.rfind(b"\n", 0, at) + 1
        at = find(b"import", at + 6)
        if start == last:  # "import" twice on one line
            continue
        last = start
        end = find(b"\n", start)
        line = source[start:end] if end != -1 else source[start:]
        names = _LINES.get(line)
        if names is None:
            while source[start : start + 1] in (b" ", b"\t"):
                start += 1
            found = _STATEMENT.match(source, start)
            names = _statement(found) if found is not None else ()
            # A parenthesised import can run on over several lines: only one that ends on its
            # first line is known by that line.
            if found is None or end == -1 or found.end() <= end:
                if len(_LINES) >= _MOST_LINES:
                    _LINES.clear()
                _LINES[line] = names
        out.extend(names)
    return tuple(dict.fromkeys(out))


def _statement(found: re.Match[bytes]) -> tuple[str, ...]:
    listed = found.group(3)
    if listed is None:  # import a, b.c as d
        return tuple(_names(found.group(4)))
    dots = "." * len(found.group(1))
    base = (found.group(2) or b"").decode("ascii", "replace")
    if not base:  # from . import a
        return tuple(dots + name for name in _names(listed))
    return (dots + base, *(f"{dots}{base}.{name}" for name in _names(listed)))


def _names(text: bytes) -> list[str]:
    names = []
    for part in text.strip(b"()").replace(b"\\", b" ").split(b","):
        words = part.split()
        if words and words[0] != b"*":
            names.append(words[0].decode("ascii", "replace"))
    return names


def named_files(source: bytes) -> tuple[str, ...]:
    """Base names of the data files a source names (``"config/bot.yaml"`` gives ``bot.yaml``;
    ``"a.jsonl"`` gives ``a.json`` too)."""
    found: set[str] = set()
    for match in _SUFFIX.finditer(source):
        at = match.start()
        start = at
        while start > 0 and at - start < _MAX_NAME and source[start - 1] in _NAME_BYTES:
            start -= 1
        for suffix in DATA_SUFFIXES:
            if source.startswith(suffix, at):
                name = source[start : at + len(suffix)].rsplit(b"/", 1)[-1]
                if len(name) > len(suffix):
                    found.add(name.decode("ascii", "replace"))
    return tuple(sorted(found))
