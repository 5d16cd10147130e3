"""Which checker a file gets: its kind (``migrator.filekinds``) names it.

Every checker takes the file's bytes and returns a ``results.SourceResult``, so the engine's
diff and write code serves all kinds. A name no kind claims is Python (``kinds.python``).
"""

from __future__ import annotations

import dataclasses
import importlib
from dataclasses import replace
from pathlib import PurePath
from typing import Any, Protocol

from migrator import recorded
from migrator.config import Settings
from migrator.filekinds import FileKind, file_kind
from migrator.findings import Finding, Fix
from migrator.results import SourceResult
from migrator.ruleset import RuleSet
from migrator.screen import Screen
from migrator.suppression import UNUSED_SUPPRESSION, Directive, file_directives, unused_finding


class Checker(Protocol):
    def __call__(
        self, source: bytes, path: str, settings: Settings, *, fix: bool
    ) -> SourceResult: ...


class FragmentChecker(Protocol):
    """A checker of a kind that holds Python code: it takes the run's screen."""

    def __call__(
        self, source: bytes, path: str, settings: Settings, *, fix: bool, screen: Screen | None
    ) -> SourceResult: ...


def kind_of(path: str | PurePath) -> str:
    """``python``, ``notebook``, ``json``, ``jsonl``, ``yaml``, ``toml``, ``env`` or ``docs``."""
    return file_kind(path).name


def checker_for(path: str | PurePath) -> Checker:
    checker: Checker = _load(file_kind(path).checker)
    return checker


def _load(checker: tuple[str, str]) -> Any:
    # Imported on first use, so a run loads only the kinds its files have.
    module, function = checker
    return getattr(importlib.import_module(f"migrator.kinds.{module}"), function)


def check_file(
    source: bytes, path: str, settings: Settings, *, fix: bool, screen: Screen | None = None
) -> SourceResult:
    """Check one file's bytes with the checker for its kind.

    The ``screen`` (built once per run) is for Python code: ``.py`` files, notebook cells and
    code blocks in docs; the data kinds have their own cheap "does it mention a model" test
    before they parse anything. Recorded data (see ``migrator.recorded``) is not checked, only
    counted; with ``include_recorded`` its findings are reported with display-only fixes.
    """
    if settings.verdicts is None:  # judged as a project of its own
        from migrator.project.view import file_verdicts

        settings = replace(settings, verdicts=file_verdicts(source, path, settings))
    off = settings.ignores_for(path)
    found = file_directives(source)
    for directive in found:
        off += tuple(directive.codes)
    if "*" in off:
        result = SourceResult()
    else:
        if off:
            # Ignored codes are neither reported nor fixed, as with --ignore.
            settings = dataclasses.replace(settings, ignore=settings.ignore + off)
        result = _dispatch(source, path, settings, fix=fix, screen=screen)
    if found and UNUSED_SUPPRESSION in settings.selected_codes:
        result.findings += _unused_file_directives(source, path, settings, found)
        result.findings.sort(key=lambda f: f.sort_key)
    return result


def _dispatch(
    source: bytes, path: str, settings: Settings, *, fix: bool, screen: Screen | None
) -> SourceResult:
    kind = file_kind(path)
    record = recorded_kind(source, path, settings, kind)
    if record is None:
        return _check(kind, source, path, settings, fix=fix, screen=screen)
    if not settings.include_recorded:
        return SourceResult(recorded=record)
    result = _check(kind, source, path, settings, fix=False, screen=screen)
    result.recorded = record
    reason = recorded.recorded_reason(record)
    result.findings = [
        f if f.fix is None else replace(f, fix=_display_only(f.fix, reason))
        for f in result.findings
    ]
    return result


def _check(
    kind: FileKind,
    source: bytes,
    path: str,
    settings: Settings,
    *,
    fix: bool,
    screen: Screen | None,
) -> SourceResult:
    if kind.fragments:
        fragments: FragmentChecker = _load(kind.checker)
        return fragments(source, path, settings, fix=fix, screen=screen)
    checker: Checker = _load(kind.checker)
    return checker(source, path, settings, fix=fix)


def recorded_kind(
    source: bytes, path: str, settings: Settings, kind: FileKind | None = None
) -> str | None:
    """The kind of recorded data the file is, or None; cheap for the files that are not.

    Python and TOML files are recorded data only when generated, which their first bytes say;
    a data file is read only when it mentions a retiring model.
    """
    name = (kind or file_kind(path)).name
    if name in recorded.HEADER_KINDS:
        if not recorded.may_be_generated(source[: recorded.HEADER_SIZE]):
            return None
    elif name not in recorded.DATA_KINDS:
        return None
    if not any(model in source for model in _model_bytes(settings.ruleset)):
        return None
    return recorded.recorded_kind(source.decode("utf-8", errors="replace"), path, name)


_encoded: tuple[RuleSet | None, tuple[bytes, ...]] = (None, ())


def _model_bytes(ruleset: RuleSet) -> tuple[bytes, ...]:
    """The retiring model IDs (each MIG001/MIG002 value holds one), encoded once per run; an ID
    that holds another (``gpt-4o-mini`` holds ``gpt-4o``) is left out: the shorter finds both."""
    global _encoded
    if _encoded[0] is not ruleset:
        ids = {*ruleset.sources, *ruleset.no_replacement}
        kept = [m for m in ids if not any(o != m and o in m for o in ids)]
        _encoded = (ruleset, tuple(sorted(m.encode() for m in kept)))
    return _encoded[1]


def _display_only(fix: Fix, reason: str) -> Fix:
    return replace(fix, safe=False, display_only=True, reason=reason)


def _unused_file_directives(
    source: bytes, path: str, settings: Settings, found: list[Directive]
) -> list[Finding]:
    """MIG100 for a ``# migrator: noqa`` line that suppresses nothing: the file is checked
    again with every code (only files holding one, only when MIG100 is selected)."""
    every = dataclasses.replace(settings, select=("MIG",), ignore=())
    audit = _dispatch(source, path, every, fix=False, screen=None)
    if audit.error is not None:
        return []
    reported = {f.code for f in audit.findings}
    out = []
    for directive in found:
        if "*" in directive.codes:
            unused = [] if reported else ["*"]
        else:
            unused = sorted(c for c in directive.codes if c not in reported)
        if unused:
            out.append(unused_finding(path, directive.line, directive, unused))
    return out
