"""The Python kind's expensive stage: one LibCST parse of a source, one walk with every
selected check, then positions, suppression comments and the fix.

Imported only for a file the screens let through (``kinds.python``): LibCST's import costs more
than a whole warm run, or a pre-commit run whose staged files name no model.
"""

from __future__ import annotations

import ast
import codecs
import dataclasses

import libcst as cst

from migrator.catalogue_module import check_catalogue
from migrator.checks import selected_checks
from migrator.checks.base import CheckContext, Report
from migrator.config import Settings
from migrator.findings import Finding
from migrator.nesting import nesting_problem
from migrator.positions import positions
from migrator.results import SourceResult
from migrator.suppression import may_suppress, suppressing_line, suppressions
from migrator.traversal import replace_nodes, walk

# LibCST's grammar is not CPython's in every corner (a backslash continuation with CRLF at the
# end of the file): the user's code is not wrong there, the parser is.
UNSUPPORTED = "not supported by the parser: Python accepts this file, LibCST cannot parse it"


def python_accepts(source: bytes) -> bool:
    """Whether this interpreter parses ``source`` (only asked once LibCST has refused it)."""
    try:
        compile(source, "<source>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except Exception:  # SyntaxError, ValueError (null bytes), MemoryError on a giant file ...
        return False
    return True


def check_module(
    source: bytes,
    path: str,
    settings: Settings,
    *,
    fix: bool,
    comments: bytes | None = None,
    used: set[tuple[int, str]] | None = None,
) -> SourceResult:
    """``comments``: the file whose ``# noqa`` comments count, when ``source`` is pruned (a
    pruned item loses the comments inside it). ``used`` collects the (line, code) of each
    suppression comment that dropped a finding."""
    quick = check_catalogue(source, path, settings, fix=fix, comments=comments, used=used)
    if quick is not None:  # a big module of literal data, read without LibCST
        return quick
    problem = nesting_problem(source)  # LibCST's parser would crash or crawl on it
    if problem is not None:
        return SourceResult(error=problem)
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return syntax_error(source, exc.raw_line, exc.raw_column + 1)
    except (UnicodeDecodeError, LookupError) as exc:
        return SourceResult(error=f"cannot decode source: {exc}")
    except SyntaxError as exc:  # decoding was checked above: e.g. bytes "b" "s" concatenated
        if python_accepts(source):
            return SourceResult(error=f"{UNSUPPORTED} (LibCST: {exc}); file left unchanged")
        return SourceResult(error=f"syntax error: {exc}")
    except RecursionError:
        return SourceResult(error="too deeply nested to parse")

    context = CheckContext(settings.ruleset, settings.snapshot)
    selected = settings.selected_codes
    checks = [check(context) for check in selected_checks(selected)]
    try:
        walk(module, [*context.providers.values(), *checks], context.parents)
    except RecursionError:
        return SourceResult(error="too deeply nested to check")
    reports = [r for r in context.reports if r.code in selected]
    if not reports:
        return SourceResult()

    findings = _position(module, reports, path, comments or source, settings, used)
    result = SourceResult(encoding=module.encoding)
    replacements: dict[int, cst.CSTNode] = {}
    for report, finding in findings:
        applies = report.fix is not None and report.fix.applies(settings.unsafe_fixes)
        if fix and applies and report.new_node is not None:
            replacements[id(report.node)] = report.new_node
            result.fixed.append(finding)
        else:
            result.findings.append(finding)
    if replacements:
        if module.bytes != source:
            # LibCST drops a few bytes it cannot place (a form feed before a statement): its
            # output would change more than the literals.
            return SourceResult(
                findings=[f for _, f in findings],
                error="LibCST cannot reproduce this file byte for byte (a form feed or stray "
                "whitespace before a statement?); file left unchanged",
            )
        new_source = replace_nodes(module, replacements).bytes
        try:
            cst.parse_module(new_source)
        except (cst.ParserSyntaxError, SyntaxError, RecursionError):
            return SourceResult(
                findings=[f for _, f in findings],
                error="the fixed source would not parse; file left unchanged",
            )
        if new_source != source:
            result.new_source = new_source
    return result


def source_text(source: bytes, encoding: str) -> str:
    """The source as LibCST read it (without regenerating it from the tree, which costs)."""
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"  # LibCST drops a byte-order mark
    return source.decode(encoding, errors="replace")


def syntax_error(source: bytes, line: int, column: int) -> SourceResult:
    """One position and a short message, as Python words it; not LibCST's list of tokens.

    Python's own parser is asked (on this error path alone) for the message and position; a
    file it accepts is one LibCST cannot parse (newer syntax): said so, at LibCST's position.
    """
    import warnings

    message = "invalid syntax"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like
            compile(source, "<source>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        if exc.lineno:
            line, column = exc.lineno, exc.offset or 1
        message = exc.msg or message
    except Exception:  # ValueError (null bytes), MemoryError on a giant file ...
        pass
    else:
        return SourceResult(
            error=f"{UNSUPPORTED} (LibCST: {line}:{column}); file left unchanged",
            error_at=(line, column),
        )
    return SourceResult(
        error=f"syntax error at {line}:{column}: {message}", error_at=(line, column)
    )


def _position(
    module: cst.Module,
    reports: list[Report],
    path: str,
    comments: bytes,
    settings: Settings,
    used: set[tuple[int, str]] | None = None,
) -> list[tuple[Report, Finding]]:
    """Attach line/column to reports and drop the suppressed ones.

    Positions are resolved only here, for files that have findings, and only for the reported
    nodes: LibCST's metadata pass over every node costs several times the parse.
    """
    where_is = positions(module, [report.node for report in reports])
    noqa = suppressions(source_text(comments, module.encoding)) if may_suppress(comments) else {}
    out = []
    for report in reports:
        where = where_is[report.node]
        lines = range(where.start.line, where.end.line + 1)
        if noqa:
            line = suppressing_line(noqa, report.code, lines)
            if line is not None:
                if used is not None:
                    used.add((line, report.code))
                continue
        if settings.verdicts is not None and report.fix is not None:
            # The project view can only make a fix stricter (coupled, catalogue, deployment).
            fix = settings.verdicts.fix_at(report.fix, where.start.line, where.start.column + 1)
            if fix is not report.fix:
                report = dataclasses.replace(report, fix=fix)
        finding = Finding(
            path=path,
            line=where.start.line,
            column=where.start.column + 1,
            end_line=where.end.line,
            end_column=where.end.column + 1,
            code=report.code,
            message=report.message,
            fix=report.fix,
        )
        out.append((report, finding))
    out.sort(key=lambda pair: pair[1].sort_key)
    return out
