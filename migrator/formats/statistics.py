"""``--statistics``: how many findings each code has, instead of the findings themselves."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass

from migrator.checks import rule_by_code
from migrator.engine import RunResult
from migrator.findings import SAFE

FORMATS = ("text", "json")


@dataclass(frozen=True)
class CodeCount:
    code: str
    count: int
    fixable: int  # with a safe fix
    summary: str


def counts(result: RunResult) -> list[CodeCount]:
    total = Counter(f.code for f in result.findings)
    fixable = Counter(
        f.code for f in result.findings if f.fix is not None and f.fix.applicability == SAFE
    )
    out = []
    for code, n in sorted(total.items(), key=lambda item: (-item[1], item[0])):
        rule = rule_by_code(code)
        summary = rule.for_family(result.display_name).summary if rule else ""
        out.append(CodeCount(code, n, fixable[code], summary))
    return out


def render(result: RunResult, output_format: str) -> str:
    rows = counts(result)
    if output_format == "json":
        return json.dumps([asdict(row) for row in rows], indent=2) + "\n"
    if not rows:
        return ""
    width = max(len(str(row.count)) for row in rows)
    code_width = max(len(row.code) for row in rows)
    lines = [
        f"{row.count:>{width}}  {row.code:<{code_width}}  {'[*]' if row.fixable else '   '} "
        f"{row.summary}" + (f" ({row.fixable} fixable)" if 0 < row.fixable < row.count else "")
        for row in rows
    ]
    return "\n".join(lines) + "\n"
