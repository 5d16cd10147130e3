"""The end of a ``fix`` run: what was fixed per code, and what was left and why."""

from __future__ import annotations

import re
from collections import Counter

from migrator.engine import Mode, RunResult
from migrator.findings import DISPLAY_ONLY, SAFE, Finding
from migrator.project.coupling import COUPLED

# A reason names the key, model or deployment of its site: a large tree would get one line per
# name. Quoted names are folded so that the lines group by the reason itself.
_QUOTED = re.compile(r"'[^'\n]*'")


def details(result: RunResult) -> str:
    """Lines to print after the one-line summary; empty when there is nothing to detail."""
    lines = []
    fixed = Counter(f.code for f in result.fixed)
    if fixed:
        per_code = ", ".join(f"{code} {n}" for code, n in sorted(fixed.items()))
        verb = "Would fix" if result.mode is Mode.DIFF else "Fixed"
        lines.append(f"{verb} per code: {per_code}")
    errors = {e.path: e.message for e in result.errors}
    left = Counter((f.code, _QUOTED.sub("'...'", left_reason(f, errors))) for f in result.findings)
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
    if finding.fix.applicability == DISPLAY_ONLY:
        return f"fix shown, never applied: {finding.fix.reason}"
    if finding.fix.applicability != SAFE:
        reason = finding.fix.reason
        if reason.startswith(COUPLED):
            reason = COUPLED + " a lookup or catalogue of the same model (each finding names them)"
        return f"unsafe fix, applied only with --unsafe-fixes: {reason}"
    return "not fixed"
