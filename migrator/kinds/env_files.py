"""``.env`` and ``.env.*`` files: ``KEY=value`` lines whose value is exactly a model ID.

The syntax is the one python-dotenv, docker compose and most shells agree on: ``# comments``,
an optional ``export``, values unquoted (an inline comment starts at `` #``), or in single or
double quotes (which may span lines). Keys are variable names, never model IDs.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from migrator.config import Settings
from migrator.kinds.scalars import (
    Scalar,
    VerifyError,
    finish,
    model_candidates,
    open_document,
    tree_changes,
)
from migrator.results import SourceResult

_ASSIGNMENT = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*", re.MULTILINE
)
_COMMENT = re.compile(r"[ \t]#")


def check_env(source: bytes, path: str, settings: Settings, *, fix: bool) -> SourceResult:
    doc = open_document(source, settings)
    if isinstance(doc, SourceResult):
        return doc
    scalars = scan(doc.text)
    candidates = model_candidates(doc.text, scalars, settings)
    return finish(doc, candidates, path, settings, fix=fix, verify=verify_env, comments=True)


def scan(text: str) -> list[Scalar]:
    """The value of each assignment, with the variable's name as its key."""
    out: list[Scalar] = []
    pos = 0
    while True:
        match = _ASSIGNMENT.search(text, pos)
        if match is None:
            return out
        key, start = match.group("key"), match.end()
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        quote = text[start : start + 1]
        if quote in ("'", '"'):
            end = _closing_quote(text, start)
            if end < 0:  # unterminated: not a value anyone reads the same way
                pos = line_end
                continue
            body = text[start + 1 : end - 1]
            value = None if quote == '"' and "\\" in body else body
            out.append(Scalar(start, end, value, parent_key=key, style=quote))
            pos = end
        else:
            raw = text[start:line_end]
            comment = _COMMENT.search(raw)
            value = (raw[: comment.start()] if comment else raw).rstrip()
            if raw.startswith("#"):
                value = ""
            out.append(Scalar(start, start + len(value), value, parent_key=key, style="plain"))
            pos = line_end
        if pos >= len(text):
            return out


def _closing_quote(text: str, start: int) -> int:
    """The offset just past the quote that closes the one at ``start``; -1 if none does."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and quote == '"':
            i += 2
            continue
        if ch == quote:
            return i + 1
        i += 1
    return -1


def verify_env(old: str, new: str) -> Counter[tuple[Any, Any]]:
    before = [[s.parent_key, s.value] for s in scan(old)]
    after = [[s.parent_key, s.value] for s in scan(new)]
    if len(before) != len(after):
        raise VerifyError("the fix would change which variables the file sets")
    return tree_changes(before, after)
