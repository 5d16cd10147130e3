"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` describes every check's rule (from the Rule objects), each result
points at its rule and region, and a finding with a fix carries it as a SARIF ``fix`` (a
replacement of the literal). Files that could not be checked become tool notifications.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrator import __version__
from migrator.checks import all_rules
from migrator.engine import RunResult
from migrator.explain import FIX_SAFETY, explain, explain_markdown
from migrator.findings import Finding
from migrator.formats.text import unsafe_note
from migrator.lifecycle import shutdown_note
from migrator.recorded import RecordedFile
from migrator.shown_paths import uri_path

if TYPE_CHECKING:
    from migrator.checks.base import Rule  # for typing only: checks.base imports LibCST

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"


def render(result: RunResult) -> str:
    rules = [rule.for_family(result.display_name) for rule in all_rules()]
    index = {rule.code: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "migrator",
                "version": __version__,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        # Paths are relative to the directory migrator ran in; viewers resolve them from here.
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path(os.getcwd()).as_uri() + "/"}},
        # LibCST counts columns in characters, not in UTF-16 code units (SARIF's default).
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index.get(f.code)) for f in result.findings],
        "invocations": [
            {
                "executionSuccessful": not result.errors,
                "toolExecutionNotifications": [
                    {
                        "level": "error",
                        "message": {"text": error.message},
                        "locations": [
                            {"physicalLocation": {"artifactLocation": _artifact(error.path)}}
                        ],
                    }
                    for error in result.errors
                ]
                + [_recorded(record, result.included_recorded) for record in result.recorded]
                + _shutdown_notifications(result),
            }
        ],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2) + "\n"


def _recorded(record: RecordedFile, included: bool) -> dict[str, Any]:
    """A file of recorded data, as a note: its findings (if any) are not results."""
    done = "reported, never rewritten" if included else "left as recorded"
    return {
        "level": "note",
        "descriptor": {"id": "recorded-data"},
        "message": {"text": f"recorded data ({record.kind}): {done}"},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(record.path)}}],
    }


def _shutdown_notifications(result: RunResult) -> list[dict[str, Any]]:
    """The run's note on target shutdown dates, as a SARIF note-level notification."""
    note = shutdown_note(result.target_shutdowns)
    if not note:
        return []
    return [
        {
            "level": "note",
            "message": {"text": note},
            "descriptor": {"id": "target-shutdown"},
            "properties": {"targetShutdowns": [t.as_dict() for t in result.target_shutdowns]},
        }
    ]


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        # The rule's fix key ("sometimes") is for `migrator rules`; the help says it in words.
        "help": {
            "text": explain(rule).replace(f"Fix: {rule.fix}: ", "Fix: ", 1),
            "markdown": explain_markdown(rule),
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {"fix": rule.fix, "fixDescription": FIX_SAFETY.get(rule.fix, rule.fix)},
    }


def _result(finding: Finding, rule_index: int | None) -> dict[str, Any]:
    location = _artifact(finding.path)
    region = {
        "startLine": finding.line,
        "startColumn": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column,
    }
    out: dict[str, Any] = {
        "ruleId": finding.code,
        "level": "error",
        "message": {"text": finding.cell_prefix + finding.message + unsafe_note(finding)},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
    }
    if rule_index is not None:
        out["ruleIndex"] = rule_index
    if finding.cell is not None:
        # A notebook's lines count within a cell, not the .ipynb file: no region, no edit.
        out["locations"] = [{"physicalLocation": {"artifactLocation": location}}]
        return out
    if finding.fix is not None:
        applicability = finding.fix.applicability
        safety = (
            applicability if applicability == "safe" else f"{applicability}: {finding.fix.reason}"
        )
        out["fixes"] = [
            {
                "description": {"text": f"Replace with {finding.fix.replacement} ({safety})"},
                "artifactChanges": [
                    {
                        "artifactLocation": location,
                        "replacements": [
                            {
                                "deletedRegion": region,
                                "insertedContent": {"text": finding.fix.replacement},
                            }
                        ],
                    }
                ],
            }
        ]
        out["properties"] = {"fixSafe": finding.fix.safe, "fixApplicability": applicability}
    return out


def _artifact(path: str) -> dict[str, str]:
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": uri_path(path), "uriBaseId": SOURCE_ROOT}
