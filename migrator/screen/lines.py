"""Line geometry for the screens: where words stand in the raw bytes, and the nodes on those lines.

The structural screen visits only the nodes whose lines hold a token: walking a large file's
whole tree costs more than the rest of the screen.
"""

from __future__ import annotations

import ast
import bisect
import string
from collections.abc import Iterator

# What ``\w`` matches in a bytes pattern: ASCII letters, digits and the underscore.
_WORD_BYTES = frozenset((string.ascii_letters + string.digits + "_").encode())


def spanning(tree: ast.AST, lines: list[int]) -> Iterator[ast.AST]:
    """The nodes of ``tree`` whose lines include one of ``lines``, parents before children."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            start = getattr(child, "lineno", None)
            end = getattr(child, "end_lineno", None)
            if start is None or end is None:  # arguments, comprehension ...: no lines of its own
                stack.append(child)
                continue
            decorators = getattr(child, "decorator_list", None)
            if decorators:  # a def's lineno is its "def" line, after the decorators
                start = min(start, *(d.lineno for d in decorators))
            at = bisect.bisect_left(lines, start)
            if at < len(lines) and lines[at] <= end:
                stack.append(child)


def lines_of(source: bytes, words: list[bytes]) -> list[int]:
    """The lines (1-based, sorted) where any of ``words`` is written as a whole word.

    ``bytes.find`` and a look at the bytes around: a regex alternation framed by lookarounds
    gets no literal prefix to skip with, and crawls over a large file.
    """
    offsets = set()
    size = len(source)
    for word in words:
        at = source.find(word)
        while at != -1:
            end = at + len(word)
            before = source[at - 1] if at else None
            after = source[end] if end < size else None
            if before not in _WORD_BYTES and after not in _WORD_BYTES:
                offsets.add(at)
            at = source.find(word, at + 1)
    return line_numbers(source, sorted(offsets))


def line_numbers(source: bytes, offsets: list[int]) -> list[int]:
    """The line (1-based) of each of ``offsets`` (sorted), counting line breaks as ``ast`` does:
    ``\\r\\n``, ``\\n`` and a lone ``\\r``."""
    lines = []
    line, previous = 1, 0
    for offset in offsets:
        count = source.count
        line += count(b"\n", previous, offset) + count(b"\r", previous, offset)
        line -= count(b"\r\n", previous, offset)
        previous = offset
        lines.append(line)
    return lines
