"""Human-readable output: one ``path:line:col: CODE message`` line per finding, then a summary."""

from __future__ import annotations

from typing import Any

import click

from migrator.engine import Mode, RunResult
from migrator.findings import DISPLAY_ONLY, SAFE, UNSAFE, Finding
from migrator.recorded import summary as recorded_summary
from migrator.shown_paths import printable


def finding_line(finding: Finding, colour: bool = False) -> str:
    mark = ""
    if finding.fix is not None and finding.fix.safe:
        mark = _style("[*]", colour, fg="cyan") + " "
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    where = f"{printable(finding.path)}:{cell}{finding.line}:{finding.column}:"
    return (
        f"{_style(where, colour, bold=True)} {_style(finding.code, colour, fg='red', bold=True)} "
        f"{mark}{finding.message}{unsafe_note(finding)}"
    )


def unsafe_note(finding: Finding) -> str:
    """What a finding with an unsafe or display-only fix says about it (empty for others)."""
    if finding.fix is None or finding.fix.applicability == SAFE:
        return ""
    if finding.fix.applicability == DISPLAY_ONLY:
        return f" (fix shown, never applied: {finding.fix.reason})"
    return f" (unsafe fix, with --unsafe-fixes: {finding.fix.reason})"


def count_applicability(findings: list[Finding], applicability: str) -> int:
    return sum(1 for f in findings if f.fix is not None and f.fix.applicability == applicability)


def render(result: RunResult, colour: bool = False) -> str:
    lines = [finding_line(f, colour) for f in result.findings]
    return "\n".join(lines) + ("\n" if lines else "")


def _style(text: str, colour: bool, **styles: Any) -> str:
    return click.style(text, **styles) if colour else text


def summary(result: RunResult) -> str:
    text = _findings_summary(result)
    problems = []
    if result.errors:
        problems.append(f"{_files(len({e.path for e in result.errors}))} with errors")
    if result.notices:
        problems.append(f"{_files(len(result.notices))} skipped")
    if problems:
        text += f" Not covered: {', '.join(problems)} (see above)."
    if result.recorded:
        text += " " + recorded_line(result)
    return text


def recorded_line(result: RunResult) -> str:
    """The sentence that counts the files of recorded data (see ``migrator.recorded``)."""
    return recorded_summary(len(result.recorded), result.included_recorded)


def _findings_summary(result: RunResult) -> str:
    left = len(result.findings)
    safe = count_applicability(result.findings, SAFE)
    # Left unsafe only because --unsafe-fixes was not given: with it, they were not written.
    unsafe = 0 if result.unsafe_fixes else count_applicability(result.findings, UNSAFE)
    checked = f"({_files(result.files_checked)} checked)"
    if result.mode is Mode.LINT:
        if not left:
            head = "No findings" if result.errors or result.notices else "All clear: no findings"
            return f"{head} {checked}."
        parts = [f"{_count(left)} {checked}"]
        if safe:
            parts.append(f"{safe} fixable with 'migrator fix'")
        if unsafe:
            parts.append(f"{unsafe} more with 'migrator fix --unsafe-fixes'")
        return ", ".join(parts) + "."
    done = len(result.fixed)
    verb = "Would fix" if result.mode is Mode.DIFF else "Fixed"
    changed = len(result.changed_files)
    head = f"{verb} {_count(done)} in {_files(changed)} {checked}"
    if not left:
        return head + "; nothing left."
    tail = f"{_count(left)} left"
    if unsafe:
        tail += f", {unsafe} with an unsafe fix (--unsafe-fixes)"
    return f"{head}; {tail}."


def _count(n: int) -> str:
    return f"{n} finding" + ("" if n == 1 else "s")


def _files(n: int) -> str:
    return f"{n} file" + ("" if n == 1 else "s")
