"""``--format json``: a JSON array, one object per finding, for scripts and editors.

A MIG001 finding whose fix writes a model with an announced shutdown date carries it as
``target_shutdown`` (``{"model", "date", "days_left"}``): a key added to the finding objects,
so the array and the keys it always had stay as they were.
"""

from __future__ import annotations

import json
from typing import Any

from migrator.engine import RunResult
from migrator.findings import Finding
from migrator.lifecycle import TargetShutdown, written_model
from migrator.shown_paths import well_formed


def finding_dict(finding: Finding) -> dict[str, Any]:
    where: dict[str, Any] = {"path": well_formed(finding.path)}
    if finding.cell is not None:
        where["cell"] = finding.cell  # notebooks only: line and column count within the cell
    return {
        **where,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "message": finding.message,
        "fix": None
        if finding.fix is None
        else {"replacement": finding.fix.replacement, "safe": finding.fix.safe},
    }


def render(result: RunResult) -> str:
    findings = []
    for finding in result.findings:
        out = finding_dict(finding)
        shutdown = target_shutdown(finding, result.target_shutdowns)
        if shutdown is not None:
            out["target_shutdown"] = shutdown.as_dict()
        findings.append(out)
    return json.dumps(findings, indent=2) + "\n"


def target_shutdown(finding: Finding, shutdowns: list[TargetShutdown]) -> TargetShutdown | None:
    """The shutdown of the model a MIG001 fix writes (a provider prefix may stand before it)."""
    if finding.code != "MIG001" or finding.fix is None or not shutdowns:
        return None
    written = written_model(finding.fix.replacement)
    for shutdown in shutdowns:
        model = shutdown.model
        if written == model or written.endswith(("/" + model, ":" + model)):
            return shutdown
    return None
