"""Proof that a fix changed literals (strings, and numbers MIG003 clamps) and nothing else.

Used by the property tests and the ecosystem check (benchmarks/ecosystem.py): both sources are
tokenized with the stdlib tokenizer, the token streams must match except for STRING and NUMBER
tokens, and
putting the changed literals into the old source must give the new source exactly (so that a
lost form feed, a changed comment or a moved newline is caught as well).
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class LiteralChange:
    line: int  # 1-based, of the literal's start
    column: int  # 1-based, as findings count
    old: str
    new: str


class NotOnlyLiterals(Exception):
    """The sources differ somewhere other than inside string literals."""


def changed_literals(old: bytes, new: bytes) -> list[LiteralChange]:
    """The literals ``new`` rewrote in ``old``; raises NotOnlyLiterals for anything else.

    Raises ``tokenize.TokenError`` or ``SyntaxError`` if ``old`` cannot be tokenized.
    """
    old_encoding, old_text = _decode(old)
    new_encoding, new_text = _decode(new)
    if old_encoding != new_encoding:
        raise NotOnlyLiterals(f"encoding changed: {old_encoding} -> {new_encoding}")
    old_tokens = _tokens(old_text)
    new_tokens = _tokens(new_text)
    changes: list[tuple[tokenize.TokenInfo, str]] = []
    for before, after in zip(old_tokens, new_tokens):
        if before.type != after.type:
            raise NotOnlyLiterals(
                f"token at {_where(before)}: {before.string!r} -> {after.string!r}"
            )
        if before.string != after.string:
            if before.type not in (tokenize.STRING, tokenize.NUMBER):
                raise NotOnlyLiterals(
                    f"{tokenize.tok_name[before.type]} at {_where(before)}: "
                    f"{before.string!r} -> {after.string!r}"
                )
            changes.append((before, after.string))
    if len(old_tokens) != len(new_tokens):
        raise NotOnlyLiterals(f"{len(old_tokens)} tokens became {len(new_tokens)}")
    expected = _splice(old_text, changes)
    if expected != new_text:
        at = next(
            (i for i, (a, b) in enumerate(zip(expected, new_text)) if a != b),
            min(len(expected), len(new_text)),
        )
        raise NotOnlyLiterals(
            f"text outside the literals differs at offset {at}: "
            f"{expected[at : at + 40]!r} -> {new_text[at : at + 40]!r}"
        )
    return [
        LiteralChange(token.start[0], token.start[1] + 1, token.string, replacement)
        for token, replacement in changes
    ]


def _decode(source: bytes) -> tuple[str, str]:
    encoding = tokenize.detect_encoding(io.BytesIO(source).readline)[0]
    return encoding, source.decode(encoding)


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(text).readline))


def _splice(text: str, changes: list[tuple[tokenize.TokenInfo, str]]) -> str:
    # Rows are counted the way the tokenizer read them: lines split at "\n" only.
    starts = [0]
    for line in io.StringIO(text):
        starts.append(starts[-1] + len(line))
    pieces, position = [], 0
    for token, replacement in changes:
        begin = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        pieces += [text[position:begin], replacement]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _where(token: tokenize.TokenInfo) -> str:
    return f"{token.start[0]}:{token.start[1] + 1}"
