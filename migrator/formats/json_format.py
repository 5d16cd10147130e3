"""``--format json``: a JSON array, one object per finding, for scripts and editors."""

from __future__ import annotations

import json
from typing import Any

from migrator.engine import RunResult
from migrator.findings import Finding
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
    return json.dumps([finding_dict(f) for f in result.findings], indent=2) + "\n"
