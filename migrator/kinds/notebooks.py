"""Jupyter notebooks (``.ipynb``): every code cell through the Python checks.

The fix edits the notebook's text, not a re-serialised notebook: only the JSON strings of the
source lines that changed are replaced, so indent, key order, escaping, the trailing newline,
metadata and outputs stay byte for byte, and ``git diff`` shows just the changed lines.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from migrator.config import Settings
from migrator.findings import Finding
from migrator.kinds import jsonscan
from migrator.kinds.ipython import check_fragment, split_lines
from migrator.kinds.scalars import Document, Scalar, apply_edits, skipped
from migrator.results import SourceResult
from migrator.screen import Screen

PYTHON = "python"


def check_notebook(
    source: bytes, path: str, settings: Settings, *, fix: bool, screen: Screen | None = None
) -> SourceResult:
    doc = Document.decode(source)
    if isinstance(doc, str):
        return SourceResult(error=f"not a valid notebook: {doc}")
    try:
        notebook = json.loads(doc.text)
    except ValueError as exc:
        return SourceResult(error=f"not a valid notebook: not JSON ({exc})")
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        major = notebook.get("nbformat") if isinstance(notebook, dict) else None
        if isinstance(major, int) and major < 4:
            return skipped(f"an nbformat {major} notebook (only nbformat 4 is checked)")
        return SourceResult(error="not a valid notebook: no 'cells' list")
    language = _language(notebook)
    if language is not None and language.lower() != PYTHON:
        return skipped(f"a notebook in {language}, not Python")
    code_cells = [
        (index, cell)
        for index, cell in enumerate(cells)
        if isinstance(cell, dict)
        and cell.get("cell_type") == "code"
        and isinstance(cell.get("source"), (str, list))
    ]
    if not code_cells:
        return SourceResult()
    # Where each source string stands in the text: found only once a cell needs an edit, as
    # scanning the whole notebook costs more than screening every cell.
    chunks: dict[int, list[Scalar]] | None = None
    result = SourceResult()
    edits: list[tuple[int, int, str]] = []
    expected: dict[int, str] = {}  # cell index -> its code once fixed, as a .py file fixes it
    for index, cell in code_cells:
        text = cell["source"]
        if not isinstance(text, str) and not all(isinstance(line, str) for line in text):
            result.warnings.append(f"cell {index + 1} skipped: its source is not text")
            continue
        code = text if isinstance(text, str) else "".join(text)
        expected[index] = code
        in_cell = settings
        if settings.verdicts is not None and settings.verdicts.by_site:
            in_cell = replace(settings, verdicts=settings.verdicts.in_cell(index + 1))
        fragment = check_fragment(code, path, in_cell, fix=fix, screen=screen)
        if fragment.skipped is not None:
            result.warnings.append(f"cell {index + 1} skipped: {fragment.skipped}")
            continue
        checked = fragment.result
        number = index + 1
        result.findings.extend(_in_cell(checked.findings, number))
        result.fixed.extend(_in_cell(checked.fixed, number))
        if checked.error is not None:  # the Python kind's message ends "file left unchanged"
            return _unchanged(result, f"cell {number}: {checked.error}")
        if fragment.new_code is not None:
            expected[index] = fragment.new_code
            if chunks is None:
                chunks = _source_tokens(doc.text)
            tokens = chunks.get(index, [])
            try:
                if "".join(str(t.value) for t in tokens) != code:
                    raise ValueError("its source strings could not be told apart")
                edits.extend(_source_edits(doc.text, tokens, fragment.new_code))
            except ValueError as exc:
                return _unchanged(result, f"cell {number}: {exc}; file left unchanged")
    if edits:
        new_text = apply_edits(doc.text, edits)
        if not _only_sources_changed(notebook, new_text, expected):
            return _unchanged(
                result,
                "the fixed notebook would not hold the fixed code of every cell "
                "(an internal error); file left unchanged",
            )
        result.new_source = doc.encode(new_text)
    return result


def _language(notebook: dict[str, Any]) -> str | None:
    metadata = notebook.get("metadata")
    if not isinstance(metadata, dict):
        return None
    for section, key in (("kernelspec", "language"), ("language_info", "name")):
        table = metadata.get(section)
        if isinstance(table, dict) and isinstance(table.get(key), str):
            return str(table[key])
    return None


def _source_tokens(text: str) -> dict[int, list[Scalar]]:
    """Cell index -> the JSON strings that make up its source, in order."""

    def want(path: tuple[Any, ...]) -> bool:
        if not path:
            return True
        if path[0] != "cells":
            return False
        return len(path) <= 2 or path[2] == "source"

    out: dict[int, list[Scalar]] = {}
    for scalar in jsonscan.scan(text, want=want):
        path = scalar.path
        if scalar.key or len(path) < 3 or path[2] != "source":
            continue
        out.setdefault(path[1], []).append(scalar)
    return out


def _in_cell(findings: Sequence[Finding], number: int) -> list[Finding]:
    return [replace(f, cell=number) for f in findings]


def _source_edits(text: str, tokens: Sequence[Scalar], new_code: str) -> list[tuple[int, int, str]]:
    """Edits to the source strings that turn the cell's code into ``new_code``.

    Every changed span is found in the old code first, then each string is rebuilt from its
    own old value: one string may hold many lines (nbformat allows a single string per cell),
    so offsets must never be taken from a string an earlier edit already grew. A span that
    crosses strings goes into the string where it starts and is cut from the rest.
    """
    old_code = "".join(str(t.value) for t in tokens)
    old_lines, new_lines = split_lines(old_code), split_lines(new_code)
    if len(old_lines) != len(new_lines):
        raise ValueError("the fix would change the number of lines")
    changes: list[tuple[int, int, str]] = []  # (start, end) in the old code, and what goes there
    line_start = 0
    for old, new in zip(old_lines, new_lines):
        if old != new:
            head = _common_prefix(old, new)
            tail = _common_prefix(old[head:][::-1], new[head:][::-1])
            changes.append(
                (line_start + head, line_start + len(old) - tail, new[head : len(new) - tail])
            )
        line_start += len(old)
    values = [str(t.value) for t in tokens]
    rebuilt = _rebuild(values, changes)
    return [
        (t.start, t.end, _encode_like(text[t.start : t.end], old, new))
        for t, old, new in zip(tokens, values, rebuilt)
        if new != old
    ]


def _rebuild(values: Sequence[str], changes: Sequence[tuple[int, int, str]]) -> list[str]:
    """``values`` (consecutive pieces of one text) with ``changes`` (sorted, disjoint spans of
    that text and their replacements) applied, each piece keeping its place."""
    starts = list(itertools.accumulate((len(v) for v in values[:-1]), initial=0))

    def owner(position: int) -> int:
        # The last piece starting at or before the position: a span at a boundary goes into
        # the piece that follows it, and one at the very end into the last piece.
        return max(bisect.bisect_right(starts, position) - 1, 0)

    out = []
    for index, (start, value) in enumerate(zip(starts, values)):
        end = start + len(value)
        parts = []
        kept_from = start
        for span_start, span_end, middle in changes:
            owned = owner(span_start) == index
            if span_start >= end and not owned:
                break
            low, high = max(span_start, start), min(span_end, end)
            if low > kept_from:
                parts.append(value[kept_from - start : low - start])
            if owned:
                parts.append(middle)
            kept_from = max(kept_from, high)
        parts.append(value[kept_from - start :])
        out.append("".join(parts))
    return out


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _encode_like(raw: str, old: str, new: str) -> str:
    """``new`` as a JSON string, escaped the way ``raw`` (which encodes ``old``) was."""
    for ascii_only in (False, True):
        if json.dumps(old, ensure_ascii=ascii_only) == raw:
            return json.dumps(new, ensure_ascii=ascii_only)
    return json.dumps(new, ensure_ascii=False)


def _only_sources_changed(
    notebook: dict[str, Any], new_text: str, expected: dict[int, str]
) -> bool:
    """The last guard before a write: the new text parses to the old notebook but for the
    code cells' sources, and each cell's code is exactly what fixing it alone gives."""
    try:
        new = json.loads(new_text)
    except ValueError:
        return False
    if not isinstance(new, dict) or not isinstance(new.get("cells"), list):
        return False
    if len(new["cells"]) != len(notebook["cells"]):
        return False
    want = dict(notebook)
    want["cells"] = list(notebook["cells"])
    for index, code in expected.items():
        cell = new["cells"][index]
        if not isinstance(cell, dict):
            return False
        source = cell.get("source")
        joined = source if isinstance(source, str) else "".join(map(str, source or []))
        if joined != code:
            return False
        want["cells"][index] = {**notebook["cells"][index], "source": source}
    return bool(new == want)


def _unchanged(result: SourceResult, error: str) -> SourceResult:
    result.findings = sorted(result.findings + result.fixed, key=lambda f: f.sort_key)
    result.fixed = []
    result.new_source = None
    result.error = error
    return result
