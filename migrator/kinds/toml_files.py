"""``*.toml``: string values (and keys) that are exactly a retiring model ID.

``tomllib`` checks the file and the fix; a small scanner finds where each string and key is
written. The ``[tool.migrator]`` table is skipped: it is this tool's own mapping.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from migrator import tomlcompat as tomllib
from migrator.config import Settings
from migrator.kinds.scalars import (
    Scalar,
    VerifyError,
    finish,
    model_candidates,
    open_document,
    skipped,
    tree_changes,
)
from migrator.results import SourceResult

OWN_TABLE = ("tool", "migrator")
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BARE_VALUE = re.compile(r"[^\s,\]\}#]+")


def check_toml(source: bytes, path: str, settings: Settings, *, fix: bool) -> SourceResult:
    doc = open_document(source, settings)
    if isinstance(doc, SourceResult):
        return doc
    try:
        tomllib.loads(doc.text)
    except tomllib.TOMLDecodeError as exc:
        return skipped(f"not valid TOML ({exc})")
    scalars = scan(doc.text)
    candidates = model_candidates(doc.text, scalars, settings)
    return finish(doc, candidates, path, settings, fix=fix, verify=verify_toml, comments=True)


def verify_toml(old: str, new: str) -> Counter[tuple[Any, Any]]:
    try:
        parsed = tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:
        raise VerifyError(f"the fixed file would not be valid TOML ({exc})") from None
    return tree_changes(tomllib.loads(old), parsed)


@dataclass
class _Context:
    array: int | None  # offset of the '[' of an array; None for an inline table
    parent_key: str | None


def scan(text: str) -> list[Scalar]:
    """Strings and keys of a TOML text that ``tomllib`` has accepted, outside [tool.migrator]."""
    out: list[Scalar] = []
    stack: list[_Context] = []
    expect_key = True
    parent_key: str | None = None
    table: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r":
            i += 1
        elif ch == "\n":
            if not stack:
                expect_key = True
            i += 1
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif ch == "[" and not stack and expect_key:
            i, table, keys = _header(text, i)
            if tuple(table[: len(OWN_TABLE)]) != OWN_TABLE:
                out.extend(keys)
        elif ch == "[":
            stack.append(_Context(i, parent_key))
            i += 1
        elif ch == "{":
            stack.append(_Context(None, parent_key))
            expect_key = True
            i += 1
        elif ch in "]}":
            if stack:
                parent_key = stack.pop().parent_key
            expect_key = False
            i += 1
        elif ch == "=":
            expect_key = False
            i += 1
        elif ch == ",":
            if stack and stack[-1].array is None:
                expect_key = True
            i += 1
        elif ch == ".":
            i += 1
        elif ch in "\"'":
            end = _string_end(text, i)
            value = _string_value(text[i:end])
            if tuple(table[: len(OWN_TABLE)]) != OWN_TABLE:
                array = stack[-1].array if stack else None
                out.append(
                    Scalar(
                        i,
                        end,
                        value,
                        key=expect_key,
                        parent_key=None if expect_key else parent_key,
                        array=None if expect_key else array,
                        style=ch,
                    )
                )
            if expect_key:
                parent_key = value
            i = end
        elif expect_key:
            match = _BARE.match(text, i)
            if match is None:  # pragma: no cover - tomllib accepted the text
                i += 1
                continue
            if tuple(table[: len(OWN_TABLE)]) != OWN_TABLE:
                out.append(Scalar(i, match.end(), match.group(), key=True, style="bare"))
            parent_key = match.group()
            i = match.end()
        else:
            match = _BARE_VALUE.match(text, i)  # numbers, booleans, dates
            i = match.end() if match else i + 1
    return out


def _header(text: str, i: int) -> tuple[int, list[str], list[Scalar]]:
    """A ``[table]`` or ``[[array.of.tables]]`` header: its end, path and key scalars."""
    i += 2 if text.startswith("[[", i) else 1
    path: list[str] = []
    keys: list[Scalar] = []
    while i < len(text) and text[i] != "]":
        ch = text[i]
        if ch in "\"'":
            end = _string_end(text, i)
            value = _string_value(text[i:end])
            keys.append(Scalar(i, end, value, key=True, style=ch))
            path.append(value)
            i = end
        elif ch in " \t.":
            i += 1
        else:
            match = _BARE.match(text, i)
            end = match.end() if match else i + 1
            keys.append(Scalar(i, end, text[i:end], key=True, style="bare"))
            path.append(text[i:end])
            i = end
    while i < len(text) and text[i] == "]":
        i += 1
    return i, path, keys


def _string_end(text: str, i: int) -> int:
    """The offset just past the string token that starts at ``i``."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        return _multiline_end(text, i, quote)
    j = i + 1
    while text[j] != quote:
        j += 2 if quote == '"' and text[j] == "\\" else 1
    return j + 1


def _multiline_end(text: str, i: int, quote: str) -> int:
    # The closing delimiter may be preceded by up to two quotes that belong to the content:
    # the string ends at the last quote of the first run of three or more (at most five).
    j = i + 3
    while True:
        if quote == '"' and text[j] == "\\":
            j += 2
            continue
        if text.startswith(quote * 3, j):
            run = 3
            while run < 5 and j + run < len(text) and text[j + run] == quote:
                run += 1
            return j + run
        j += 1


def _string_value(raw: str) -> str:
    simple = "\\" not in raw and "\n" not in raw and not raw.startswith(('"""', "'''"))
    if simple and len(raw) >= 2 and raw[0] == raw[-1]:
        return raw[1:-1]
    value = tomllib.loads(f"v = {raw}")["v"]
    assert isinstance(value, str)
    return value
