"""The end of a ``fix`` run: what was fixed per code, and what was left and why."""

from __future__ import annotations

from collections import Counter

from migrator.engine import RunResult
from migrator.findings import Finding
from migrator.project.coupling import COUPLED


def details(result: RunResult) -> str:
    """Lines to print after the one-line summary; empty when there is nothing to detail."""
    lines = []
    fixed = Counter(f.code for f in result.fixed)
    if fixed:
        per_code = ", ".join(f"{code} {n}" for code, n in sorted(fixed.items()))
        lines.append(f"Fixed per code: {per_code}")
    errors = {e.path: e.message for e in result.errors}
    left = Counter((f.code, left_reason(f, errors)) for f in result.findings)
    if left:
        lines.append("Left:")
        width = max(len(str(n)) for n in left.values())
        for (code, reason), n in sorted(left.items()):
            lines.append(f"  {code}  {n:>{width}}  {reason}")
    return "".join(line + "\n" for line in lines)


def left_reason(finding: Finding, errors: dict[str, str]) -> str:
    """Why ``fix`` did not fix a finding it reports."""
    if finding.fix is None:
        return "no automatic fix: a person has to make this change"
    if finding.path in errors:
        return "not written: " + errors[finding.path].removeprefix("not written: ")
    if finding.fix.display_only:
        return f"fix shown, never applied: {finding.fix.reason}"
    if not finding.fix.safe:
        reason = finding.fix.reason
        if reason.startswith(COUPLED):
            reason = COUPLED + " a lookup or catalogue of the same model (each finding names them)"
        return f"unsafe fix, applied only with --unsafe-fixes: {reason}"
    return "not fixed"
