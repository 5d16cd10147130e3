"""``# noqa``, ``# migrator: ignore[...]`` and file-level ``# migrator: noqa`` comments."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from migrator.findings import Finding

# Flat character classes only: these run on every comment of a file with findings.
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z0-9,\s]+))?", re.I)
# A bare ``# migrator: ignore`` means every code; ``ignore[`` left unclosed means none.
_IGNORE = re.compile(r"#\s*migrator:\s*ignore(?:\[(?P<codes>[A-Z0-9,\s]*)\]|(?![\[\w]))", re.I)
# File level, as Ruff's file-level exemption: a comment line of its own, anywhere in the file.
_FILE_NOQA = re.compile(
    r"^[ \t]*#[ \t]*migrator:[ \t]*noqa(?::(?P<codes>[A-Z0-9, \t]*))?\r?$", re.I | re.M
)

ALL = frozenset({"*"})

# Unused suppression comments: reported only when selected by name (see checks.unused_suppression).
UNUSED_SUPPRESSION = "MIG100"


@dataclass(frozen=True)
class Directive:
    """A suppression comment: where it is and the codes it names (``{"*"}``: every code).

    ``ours`` is False for a ``# noqa`` that names no MIG code: it may well be there for another
    linter, so it is never reported as unused.
    """

    line: int
    column: int  # 1-based
    end_column: int  # 1-based, exclusive
    codes: frozenset[str]
    ours: bool


def suppressions(source: str) -> dict[int, frozenset[str]]:
    """Line number -> codes suppressed there (``{"*"}`` for a bare ``# noqa``).

    Comments are found with ``tokenize`` so that a ``# noqa`` inside a string does not count.
    Only called for files that have findings.
    """
    found: dict[int, frozenset[str]] = {}
    for directive in directives(source):
        found[directive.line] = found.get(directive.line, frozenset()) | directive.codes
    return found


def directives(source: str) -> list[Directive]:
    """Every line-level suppression comment of a Python source, in order."""
    found: list[Directive] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return found
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        codes = comment_codes(token.string)
        if codes:
            line, column = token.start
            ours = _IGNORE.search(token.string) is not None or any(
                code.startswith("MIG") for code in codes
            )
            end = column + len(token.string) + 1
            found.append(Directive(line, column + 1, end, codes, ours))
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
    # Tokenizing a whole file costs a fifth of its parse: skipped when no comment can match.
    # (Lowered, then scanned: several times faster than a case-insensitive pattern.)
    lowered = source.lower()
    return b"noqa" in lowered or b"migrator:" in lowered


def file_directives(source: bytes) -> list[Directive]:
    """``# migrator: noqa`` and ``# migrator: noqa: MIG001`` lines: they hold for the whole file.

    Matched line by line (not tokenized) so that every kind with ``#`` comments (Python, YAML,
    TOML, .env) shares them; the cheap byte search keeps files without one at no cost.
    """
    if b"migrator:" not in source.lower():
        return []
    text = source.decode("utf-8", errors="replace")
    found = []
    for match in _FILE_NOQA.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        start = text.rfind("\n", 0, match.start()) + 1
        listed = match.group("codes")
        named = frozenset(c.upper() for c in re.split(r"[\s,]+", listed or "") if c)
        codes = named or ALL
        column = match.group(0).index("#") + match.start() - start + 1
        end = len(match.group(0).rstrip()) + match.start() - start + 1
        found.append(Directive(line, column, end, codes, True))
    return found


def is_suppressed(table: dict[int, frozenset[str]], code: str, lines: range) -> bool:
    """A finding spanning ``lines`` is suppressed by a comment on its first or last line."""
    return suppressing_line(table, code, lines) is not None


def suppressing_line(table: dict[int, frozenset[str]], code: str, lines: range) -> int | None:
    """The line whose comment suppresses a finding spanning ``lines``, or None."""
    for line in (lines.start, lines.stop - 1):
        codes = table.get(line)
        if codes and ("*" in codes or code in codes):
            return line
    return None


def unused_finding(path: str, line: int, directive: Directive, unused: list[str]) -> Finding:
    """The MIG100 finding for ``directive``, whose ``unused`` codes suppress nothing."""
    what = "every code" if unused == ["*"] else ", ".join(unused)
    return Finding(
        path=path,
        line=line,
        column=directive.column,
        end_line=line,
        end_column=directive.end_column,
        code=UNUSED_SUPPRESSION,
        message=f"Unused suppression comment (suppresses nothing: {what})",
    )
