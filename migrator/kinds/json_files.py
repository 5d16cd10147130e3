"""``*.json``: string values (and keys) that are exactly a retiring model ID."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from migrator.config import Settings
from migrator.kinds import jsonscan
from migrator.kinds.scalars import (
    VerifyError,
    dated_ids,
    finish,
    model_candidates,
    model_offsets,
    open_document,
    skipped,
    tree_changes,
)
from migrator.results import SourceResult


def check_json(source: bytes, path: str, settings: Settings, *, fix: bool) -> SourceResult:
    doc = open_document(source, settings)
    if isinstance(doc, SourceResult):
        return doc
    try:
        json.loads(doc.text)
    except ValueError as exc:  # JSONC (comments, trailing commas) lands here too
        return skipped(f"not valid JSON ({exc})")
    try:
        within = model_offsets(doc.text, settings.ruleset, also=dated_ids(settings))
        scalars = jsonscan.scan(doc.text, within=within)
    except jsonscan.JSONScanError as exc:
        return skipped(f"cannot locate values ({exc})")
    candidates = model_candidates(doc.text, scalars, settings)
    return finish(doc, candidates, path, settings, fix=fix, verify=verify_json, comments=False)


def verify_json(old: str, new: str) -> Counter[tuple[Any, Any]]:
    try:
        parsed = json.loads(new)
    except ValueError as exc:
        raise VerifyError(f"the fixed file would not be valid JSON ({exc})") from None
    return tree_changes(json.loads(old), parsed)
