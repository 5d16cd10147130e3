"""The Python kind: screen a source, then parse what the screens let through once with
LibCST and walk it once with every selected check, fixing if asked (``libcst_pass``)."""

from __future__ import annotations

import dataclasses

from migrator import collector
from migrator.catalogue_module import check_catalogue
from migrator.config import Settings
from migrator.findings import Finding
from migrator.results import SourceResult
from migrator.screen import Screen
from migrator.suppression import UNUSED_SUPPRESSION, directives, may_suppress, unused_finding


def check_source(
    source: bytes, path: str, settings: Settings, *, fix: bool, screen: Screen | None = None
) -> SourceResult:
    """Run the selected checks over ``source``; with ``fix``, also apply the allowed fixes.

    With a ``screen`` (built once per run), a file it rules out is not parsed at all, and of a
    file it admits, LibCST parses only what the checks look at (see ``pruning``).
    """
    result = _screened(source, path, settings, fix=fix, screen=screen)
    if UNUSED_SUPPRESSION in settings.selected_codes and may_suppress(source):
        result.findings.extend(unused_suppressions(source, path, settings))
        result.findings.sort(key=lambda f: f.sort_key)
    return result


def _screened(
    source: bytes, path: str, settings: Settings, *, fix: bool, screen: Screen | None
) -> SourceResult:
    with collector.paused():  # the parses build up to millions of objects, none in a cycle
        return _screened_checked(source, path, settings, fix=fix, screen=screen)


def _screened_checked(
    source: bytes, path: str, settings: Settings, *, fix: bool, screen: Screen | None
) -> SourceResult:
    try:
        if screen is None:
            return _check(source, path, settings, fix=fix)
        quick = check_catalogue(source, path, settings, fix=fix, screen=screen)
        if quick is not None:  # a big module of literal data: read once, without LibCST
            return quick
        admission = screen.admit(source)
        if admission is None:
            return SourceResult()
        # A fix is made on a whole parse: a file the screen expects to fix is parsed whole at
        # once (model strings are fixable; with --unsafe-fixes, token limits too).
        expect_fix = fix and (admission.strings or settings.unsafe_fixes)
        pruned = None if expect_fix else screen.prune(source, admission)
        if pruned is not None:
            result = _check(pruned, path, settings, fix=False, comments=source)
            # A fix is made on the whole file (the pruned one is only read); an error is
            # reported as the whole file gives it.
            if result.error is None and not (fix and _fixable(result, settings)):
                return result
        return _check(source, path, settings, fix=fix)
    except RecursionError:
        # Every later pass (positions, the fix, the re-parse) recurses like the walk, a little
        # deeper: a tree the walk just managed can still be too deep for them.
        return SourceResult(error="too deeply nested to check")


def _fixable(result: SourceResult, settings: Settings) -> bool:
    return any(f.fix is not None and f.fix.applies(settings.unsafe_fixes) for f in result.findings)


def unused_suppressions(source: bytes, path: str, settings: Settings) -> list[Finding]:
    """MIG100 findings: the MIG codes of suppression comments that suppress nothing.

    Judged against every check, selected or not (``--select MIG100`` alone works), on a whole
    parse: only files holding a suppression comment pay for it, and only when MIG100 is selected.
    """
    from migrator.kinds.libcst_pass import source_text

    used: set[tuple[int, str]] = set()
    every = dataclasses.replace(settings, select=("MIG",), ignore=())
    audit = _check(source, path, every, fix=False, used=used)
    if audit.error is not None:
        return []
    lines_used = {line for line, _ in used}
    out = []
    for directive in directives(source_text(source, audit.encoding)):
        if not directive.ours:
            continue
        if "*" in directive.codes:
            unused = [] if directive.line in lines_used else ["*"]
        else:
            unused = sorted(
                code
                for code in directive.codes
                if code.startswith("MIG") and (directive.line, code) not in used
            )
        if unused:
            out.append(unused_finding(path, directive.line, directive, unused))
    return out


def _check(
    source: bytes,
    path: str,
    settings: Settings,
    *,
    fix: bool,
    comments: bytes | None = None,
    used: set[tuple[int, str]] | None = None,
) -> SourceResult:
    """``libcst_pass.check_module``, imported here, for a file the screens let through: a run
    whose files they all turn away never imports LibCST."""
    from migrator.kinds.libcst_pass import check_module

    return check_module(source, path, settings, fix=fix, comments=comments, used=used)
