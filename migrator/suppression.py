"""``# noqa`` and ``# migrator: ignore[...]`` comments."""

from __future__ import annotations

import io
import re
import tokenize

# Flat character classes only: these run on every comment of a file with findings.
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z0-9,\s]+))?", re.I)
_IGNORE = re.compile(r"#\s*migrator:\s*ignore\[(?P<codes>[A-Z0-9,\s]*)\]", re.I)
# Tokenizing a whole file costs a fifth of its parse: skip it when no comment could match.
_ANY = re.compile(rb"noqa|migrator:", re.I)

ALL = frozenset({"*"})


def suppressions(source: str) -> dict[int, frozenset[str]]:
    """Line number -> codes suppressed there (``{"*"}`` for a bare ``# noqa``).

    Comments are found with ``tokenize`` so that a ``# noqa`` inside a string does not count.
    Only called for files that have findings.
    """
    found: dict[int, frozenset[str]] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return found
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        codes = comment_codes(token.string)
        if codes:
            line = token.start[0]
            found[line] = found.get(line, frozenset()) | codes
    return found


def comment_codes(comment: str) -> frozenset[str]:
    """The codes a ``#`` comment suppresses (``{"*"}`` for a bare ``# noqa``); empty if none.

    Also used for the ``#`` comments of YAML, TOML and .env files.
    """
    codes: set[str] = set()
    for pattern in (_NOQA, _IGNORE):
        for match in pattern.finditer(comment):
            listed = match.group("codes")
            if listed is None:
                codes.add("*")
            else:
                codes.update(c.upper() for c in re.split(r"[\s,]+", listed) if c)
    return frozenset(codes)


def may_suppress(source: bytes) -> bool:
    """False when ``source`` holds no suppression comment: then there is nothing to tokenize."""
    return _ANY.search(source) is not None


def is_suppressed(table: dict[int, frozenset[str]], code: str, lines: range) -> bool:
    """A finding spanning ``lines`` is suppressed by a comment on its first or last line."""
    for line in (lines.start, lines.stop - 1):
        codes = table.get(line)
        if codes and ("*" in codes or code in codes):
            return True
    return False
