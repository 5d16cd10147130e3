"""``*.jsonl``: one JSON value a line; a line with a ``body`` object is a Batch API request.

Every line gets the JSON file checks (MIG001/MIG002 on values and keys). A Batch API request
line (``{"custom_id": ..., "url": ..., "body": {...}}``) also gets MIG003 and MIG004 on its body.
Lines are parsed one at a time with the C decoder; positions are worked out only for lines with
something to report.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from migrator.config import Settings
from migrator.kinds import jsonscan
from migrator.kinds.batch_requests import request_candidates
from migrator.kinds.scalars import (
    Candidate,
    Document,
    VerifyError,
    dated_ids,
    finish,
    mentions_model,
    model_candidates,
    skipped,
    tree_changes,
)
from migrator.results import SourceResult

BODY = "body"


def check_jsonl(source: bytes, path: str, settings: Settings, *, fix: bool) -> SourceResult:
    doc = Document.decode(source)
    if isinstance(doc, str):
        return skipped(doc)
    text = doc.text
    ruleset = settings.ruleset
    dated = dated_ids(settings)
    if f'"{BODY}"' not in text and not mentions_model(text, ruleset, also=dated):
        return SourceResult()  # no request and no model ID: nothing to find, nothing to parse
    candidates: list[Candidate] = []
    for number, start, line in _lines(text):
        try:
            item = json.loads(line)
        except ValueError as exc:
            doc.warnings.append(f"line {number} is not valid JSON ({exc}): not checked")
            continue
        body = item.get(BODY) if isinstance(item, dict) else None
        named = mentions_model(line, ruleset, also=dated)
        if not named and not isinstance(body, dict):
            continue
        try:
            scalars = jsonscan.scan(text, start)
        except jsonscan.JSONScanError as exc:
            doc.warnings.append(f"line {number}: cannot locate values ({exc}): not checked")
            continue
        if named:
            candidates.extend(model_candidates(text, scalars, settings))
        if isinstance(body, dict):
            values = {s.path: s for s in scalars if not s.key}
            keys = {s.path: s for s in scalars if s.key}
            candidates.extend(request_candidates(body, values, keys, (BODY,), ruleset))
    return finish(doc, candidates, path, settings, fix=fix, verify=verify_jsonl, comments=False)


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(line number, offset, text) of each non-blank line."""
    out = []
    offset = 0
    # Only "\n" ends a line: JSON strings may hold other line separators (U+2028) as they are.
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            out.append((number, offset, line))
        offset += len(line) + 1
    return out


def _parsed(text: str) -> list[Any]:
    items: list[Any] = []
    for _, _, line in _lines(text):
        try:
            items.append(json.loads(line))
        except ValueError:
            items.append(("not JSON", line))  # left as it was; compared as text
    return items


def verify_jsonl(old: str, new: str) -> Counter[tuple[Any, Any]]:
    before, after = _parsed(old), _parsed(new)
    if len(before) != len(after):
        raise VerifyError("the fix would change the number of lines")
    for was, now in zip(before, after):
        if isinstance(now, tuple) and not isinstance(was, tuple):
            raise VerifyError("the fixed file would have a line that is not valid JSON")
    return tree_changes(before, after)
