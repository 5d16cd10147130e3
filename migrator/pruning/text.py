"""One file's text as lines, with ``ast`` positions turned into offsets into it.

``ast`` numbers lines split at ``\\r\\n``, ``\\n`` and a lone ``\\r``, and counts columns in
UTF-8 bytes; the pruned text is cut by character offsets.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterator

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class SourceLines:
    """``text`` split into ``lines`` (each with its line break), and where each line starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] = _LINE.findall(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def line_at(self, offset: int) -> int:
        """The line (1-based) holding the character at ``offset``."""
        return bisect.bisect_right(self.starts, offset)

    def source_of(self, node: ast.AST) -> str:
        start, end = self.offsets(node)
        return self.text[start:end]

    def offsets(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def offset(self, line: int, byte_column: int) -> int:
        """ast columns count UTF-8 bytes; the text counts characters."""
        text = self.lines[line - 1]
        column = byte_column if text.isascii() else len(text.encode()[:byte_column].decode())
        return self.starts[line - 1] + column


def word_offsets(text: str, word: str) -> Iterator[int]:
    """Where ``word`` stands in ``text`` as a whole word (also after a dot: ``openai.X``)."""
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        before = text[at - 1] if at else " "
        after = text[end] if end < len(text) else " "
        if not (_is_word_character(before) or _is_word_character(after)):
            yield at
        at = text.find(word, end)


def _is_word_character(character: str) -> bool:
    return character.isidentifier() or character.isdigit()
