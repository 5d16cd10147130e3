"""What every data-file kind shares: scalar values found in the text, MIG001/MIG002 on them,
and a fix that edits only those values and proves it did.

A format module scans its text into ``Scalar``s (where each value or key is written, and what it
decodes to); this module decides the findings and, with ``fix``, replaces the tokens in the
original text, so quoting, comments and layout stay as they were. The result is accepted only if
the format's own parser reads the new text and sees exactly the intended values changed.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from migrator.checks import wording
from migrator.checks.wording import (
    migration_message,
    near_shutdown_ids,
    retirement_message,
    shutdown_message,
)
from migrator.config import Settings
from migrator.findings import Finding, Fix
from migrator.results import SourceResult
from migrator.ruleset import Migration, RuleSet
from migrator.suppression import comment_codes

BOM = "\ufeff"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


@dataclass(frozen=True)
class Scalar:
    """A value or key as written in a data file.

    ``start``/``end`` are offsets of the whole token (quotes included) in the text. ``style`` is
    how a fresh token is written when the old one cannot be edited in place: ``"`` and ``'`` for
    quoted strings, ``plain`` for unquoted values (YAML, .env), ``bare`` for TOML bare keys.
    """

    start: int
    end: int
    value: Any
    key: bool = False
    parent_key: str | None = None  # the mapping key a value sits under
    array: int | None = None  # identity of the list holding the value directly
    path: tuple[Any, ...] = ()
    style: str = '"'


@dataclass(frozen=True)
class Candidate:
    """A finding before it has a line and column."""

    scalar: Scalar
    code: str
    message: str
    fix: Fix | None = None
    new_value: Any = None  # the value after the fix, for the check that only it changed


class VerifyError(Exception):
    """The fixed text does not parse, or more than the migrated values changed."""


Verify = Callable[[str, str], "Counter[tuple[Any, Any]]"]


@dataclass
class Document:
    """A data file's text, without its BOM (put back on write)."""

    text: str
    bom: bool = False
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def decode(cls, source: bytes) -> Document | str:
        """The decoded file, or why it cannot be read as UTF-8."""
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"not UTF-8 ({exc.reason} at byte {exc.start})"
        if text.startswith(BOM):
            return cls(text[1:], bom=True)
        return cls(text)

    def encode(self, text: str) -> bytes:
        return ((BOM if self.bom else "") + text).encode("utf-8")


def open_document(source: bytes, settings: Settings) -> Document | SourceResult:
    """The file's text when it may hold a finding; otherwise the result to return as it is."""
    doc = Document.decode(source)
    if isinstance(doc, str):
        return skipped(doc)
    if not mentions_model(doc.text, settings.ruleset, also=dated_ids(settings)):
        return SourceResult()
    return doc


def skipped(reason: str) -> SourceResult:
    """A file left unchecked, with a warning that says why; the run's exit status is unchanged."""
    return SourceResult(warnings=[f"{reason}: not checked"])


def mentions_model(text: str, ruleset: RuleSet, also: Iterable[str] = ()) -> bool:
    """A cheap screen: could any string in ``text`` be a retiring model ID (or one of ``also``)?

    Every MIG001/MIG002 value holds a source or no-replacement ID as a substring (fine-tuned
    IDs hold their base), so a file with none of them has no such finding.
    """
    return any(model in text for model in (*ruleset.sources, *ruleset.no_replacement, *also))


def dated_ids(settings: Settings) -> tuple[str, ...]:
    """The models MIG005 may report, when it is selected: a screen must let them through."""
    if not settings.is_selected("MIG005"):
        return ()
    return near_shutdown_ids(settings.ruleset)


def model_offsets(text: str, ruleset: RuleSet, also: Iterable[str] = ()) -> list[int] | None:
    """Where ``text`` holds a retiring model ID (sorted). Every MIG001/MIG002 value is written
    around one, unless a ``\\u`` escape spells it: then None (nothing may be skipped)."""
    if "\\u" in text:
        return None
    offsets = set()
    for model in (*ruleset.sources, *ruleset.no_replacement, *also):
        at = text.find(model)
        while at != -1:
            offsets.add(at)
            at = text.find(model, at + 1)
    return sorted(offsets)


def deployment_key(key: str | None, ruleset: RuleSet) -> bool:
    """A key whose value names an Azure deployment: ``deployment_name``, ``AZURE_DEPLOYMENT``..."""
    if not key:
        return False
    normal = key.lower().replace("-", "_")
    words = ruleset.requests.deployment_parameters
    return any(normal == word or normal.endswith("_" + word) for word in words)


def model_candidates(text: str, scalars: Sequence[Scalar], settings: Settings) -> list[Candidate]:
    """MIG001/MIG002 for every string scalar whose whole value is a retiring model ID; MIG005,
    when selected, for one naming a model of the rule set that shuts down soon or has."""
    ruleset, snapshot = settings.ruleset, settings.snapshot
    dates = settings.is_selected("MIG005")
    verdicts = settings.verdicts
    positions = Positions(text) if verdicts is not None and verdicts.by_site else None
    found = []
    for scalar in scalars:
        if not isinstance(scalar.value, str):
            continue
        if dates:
            message = shutdown_message(scalar.value, ruleset)
            if message is not None:
                found.append(Candidate(scalar, "MIG005", message))
        kind = ruleset.classify(scalar.value, snapshot)
        if kind is None:
            continue
        if not isinstance(kind, Migration):
            found.append(Candidate(scalar, "MIG002", retirement_message(kind)))
            continue
        reason = _unsafe_reason(scalar, kind, scalars, settings)
        token = rewrite_token(text, scalar, kind.new_text)
        fix: Fix | None = Fix(token, safe=reason is None, reason=reason or "")
        if positions is not None and verdicts is not None:
            fix = verdicts.fix_at(fix, *positions.at(scalar.start))
        found.append(Candidate(scalar, "MIG001", migration_message(kind), fix, kind.new_text))
    return found


def _unsafe_reason(
    scalar: Scalar, migration: Migration, scalars: Sequence[Scalar], settings: Settings
) -> str | None:
    if scalar.key:
        return wording.KEY
    if migration.deployment:
        return wording.DEPLOYMENT_NAME
    key = scalar.parent_key
    if key is not None and deployment_key(key, settings.ruleset):
        return wording.deployment_value(key)
    if scalar.array is not None:
        for other in scalars:
            if other is scalar or other.array != scalar.array or not isinstance(other.value, str):
                continue
            found = settings.ruleset.classify(other.value, settings.snapshot)
            after = found.new_text if isinstance(found, Migration) else other.value
            if after == migration.new_text:
                return wording.duplicate(migration.new_text)
    return None


def rewrite_token(text: str, scalar: Scalar, new_value: str) -> str:
    """The scalar's token with ``new_value`` in place of its value, written as it was written.

    The value is replaced inside the token when it appears there once as written (no escapes),
    which keeps quotes, block-scalar indicators and the like; otherwise a fresh token in the
    same style. Model IDs need no escaping in any of these formats.
    """
    raw = text[scalar.start : scalar.end]
    old = str(scalar.value)
    if scalar.style == "bare" and not _BARE_KEY.match(new_value):
        return json.dumps(new_value)  # "gpt-4.1" is a dotted key when bare
    if old and raw.count(old) == 1:
        return raw.replace(old, new_value)
    if scalar.style == "'":
        return f"'{new_value}'"
    if scalar.style in ("plain", "bare"):
        return new_value
    return json.dumps(new_value)


class Positions:
    """Offsets in a text to 1-based line and column."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def line_end(self, offset: int) -> int:
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end


def finish(
    doc: Document,
    candidates: Iterable[Candidate],
    path: str,
    settings: Settings,
    *,
    fix: bool,
    verify: Verify,
    comments: bool,
) -> SourceResult:
    """Findings with positions; with ``fix``, the edited text, if it verifies.

    ``comments``: the format has ``#`` comments, so ``# noqa`` after a value suppresses it.
    """
    text = doc.text
    positions = Positions(text)
    result = SourceResult(warnings=list(doc.warnings))
    edits: list[tuple[int, int, str]] = []
    expected: Counter[tuple[Any, Any]] = Counter()
    for candidate in sorted(candidates, key=lambda c: (c.scalar.start, c.code)):
        if not settings.is_selected(candidate.code):
            continue
        scalar = candidate.scalar
        if comments and _suppressed(text, positions, scalar.end, candidate.code):
            continue
        line, column = positions.at(scalar.start)
        end_line, end_column = positions.at(scalar.end)
        finding = Finding(
            path,
            line,
            column,
            end_line,
            end_column,
            candidate.code,
            candidate.message,
            candidate.fix,
        )
        applies = candidate.fix is not None and candidate.fix.applies(settings.unsafe_fixes)
        if fix and applies and candidate.fix is not None:
            edits.append((scalar.start, scalar.end, candidate.fix.replacement))
            expected[(scalar.value, candidate.new_value)] += 1
            result.fixed.append(finding)
        else:
            result.findings.append(finding)
    if not edits:
        return result
    new_text = apply_edits(text, edits)
    try:
        changed = verify(text, new_text)
    except VerifyError as exc:
        problem = str(exc)
    else:
        if changed == expected:
            result.new_source = doc.encode(new_text)
            return result
        problem = "the fix would change other values than the migrated ones"
    result.findings = sorted(result.findings + result.fixed, key=lambda f: f.sort_key)
    result.fixed = []
    result.error = f"{problem}; file left unchanged"
    return result


def _suppressed(text: str, positions: Positions, end: int, code: str) -> bool:
    tail = text[end : positions.line_end(end)]
    hash_at = tail.find("#")
    if hash_at < 0:
        return False
    codes = comment_codes(tail[hash_at:])
    return "*" in codes or code in codes


def apply_edits(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """Replace ``text[start:end]`` spans (not overlapping) with new text."""
    out = []
    last = 0
    for start, end, new in sorted(edits):
        out.append(text[last:start])
        out.append(new)
        last = end
    out.append(text[last:])
    return "".join(out)


def tree_changes(old: Any, new: Any) -> Counter[tuple[Any, Any]]:
    """The scalar values that differ between two parsed documents of the same shape.

    Mapping keys count like values (compared in order: a fix never reorders). Raises
    VerifyError if the shapes differ, or if anything but a string or an integer changed.
    """
    out: Counter[tuple[Any, Any]] = Counter()
    try:
        _diff(old, new, out)
    except RecursionError:
        raise VerifyError("the file is too deeply nested to verify the fix") from None
    return out


def _diff(old: Any, new: Any, out: Counter[tuple[Any, Any]]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        if len(old) != len(new):
            raise VerifyError("the fix would add or remove keys")
        for (old_key, old_value), (new_key, new_value) in zip(old.items(), new.items()):
            _diff(old_key, new_key, out)
            _diff(old_value, new_value, out)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            raise VerifyError("the fix would add or remove items")
        for old_item, new_item in zip(old, new):
            _diff(old_item, new_item, out)
    elif type(old) is type(new) and (old == new or (old != old and new != new)):  # NaN
        return
    elif (isinstance(old, str) and isinstance(new, str)) or (type(old) is int and type(new) is int):
        out[(old, new)] += 1
    else:
        raise VerifyError("the fix would change the file's structure")
