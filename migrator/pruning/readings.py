"""What ``ast`` parses, read as the checks read it with LibCST.

The screens and the pruner see a file through the stdlib ``ast``; the checks see it through
LibCST, which keeps what ``ast`` normalizes away (bytes constants, a literal's quotes, the
spelling of an identifier). These helpers close that gap where it matters to a screen.
"""

from __future__ import annotations

import ast
import re
import unicodedata

# Runs of non-ASCII characters: a plain range, which ``re`` scans several times faster than the
# Unicode word class (a pass over a whole file with that class cost more than parsing it).
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WORD_CHARACTER = re.compile(r"\w")


def constant_text(node: ast.AST | None) -> str | None:
    """A str or bytes constant's text: the checks read both (``strings.literal_value``)."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, bytes):
            return node.value.decode("latin-1")
    return None


def literal_body(source: str) -> str | None:
    """The text between the quotes of one string literal, as LibCST reads a SimpleString."""
    body = source.lstrip("rRbBuU")
    if len(source) - len(body) > 2:
        return None
    for quote in ('"""', "'''", '"', "'"):
        if len(body) >= 2 * len(quote) and body.startswith(quote) and body.endswith(quote):
            return body[len(quote) : -len(quote)]
    return None


def other_spellings(text: str) -> dict[str, list[str]]:
    """Names as ``ast`` reads them -> the other ways ``text`` writes them.

    ``ast`` NFKC-normalizes identifiers (``LIMIT`` in fullwidth letters reads as ``LIMIT``);
    LibCST keeps them as written. A name looked for by its ``ast`` spelling is also looked for
    as written. Only words holding a non-ASCII letter or digit can differ.
    """
    found: dict[str, list[str]] = {}
    if text.isascii():
        return found
    for word in _non_ascii_words(text):
        normal = unicodedata.normalize("NFKC", word)
        if normal != word:
            found.setdefault(normal, []).append(word)
    return found


def _non_ascii_words(text: str) -> set[str]:
    """The words (runs of ``\\w``) of ``text`` that hold a non-ASCII letter or digit."""
    words = set()
    end = 0  # of the last word found: the rest of a run inside it is skipped
    for run in _NON_ASCII.finditer(text):
        for at in range(max(run.start(), end), run.end()):
            if at < end or not _WORD_CHARACTER.match(text, at):
                continue
            start, end = at, at + 1
            while start and _WORD_CHARACTER.match(text, start - 1):
                start -= 1
            while _WORD_CHARACTER.match(text, end):
                end += 1
            words.add(text[start:end])
    return words
