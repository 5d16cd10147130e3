"""``--format json``: a JSON array, one object per finding, for scripts and editors.

A MIG001 finding whose fix writes a model with an announced shutdown date carries it as
``target_shutdown`` (``{"model", "date", "days_left"}``): a key added to the finding objects,
so the array and the keys it always had stay as they were.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any

from migrator.engine import RunResult
from migrator.findings import FileError, Finding
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
        else {
            "replacement": finding.fix.replacement,
            "safe": finding.fix.safe,
            "applicability": finding.fix.applicability,  # safe, unsafe or display-only
            "reason": finding.fix.reason,  # why it is not safe; empty for a safe fix
        },
    }


def error_dict(error: FileError) -> dict[str, Any]:
    """A file that could not be checked, as an entry of its own (as Ruff reports a syntax
    error): the keys of a finding, with ``code`` null and ``error`` true."""
    return {
        "path": well_formed(error.path),
        "line": error.line,
        "column": error.column,
        "end_line": error.line,
        "end_column": error.column,
        "code": None,
        "message": error.message,
        "fix": None,
        "error": True,
    }


def render(result: RunResult) -> str:
    """``json.dumps(entries, indent=2)``, one entry at a time: the encoder's pieces of a
    whole array of 100,000 findings would take hundreds of megabytes at once."""
    entries = [_entry(finding, result) for finding in result.findings]
    entries += [_encoded(error_dict(e)) for e in result.errors]
    if not entries:
        return "[]\n"
    return "[\n  " + ",\n  ".join(entries) + "\n]\n"


def _entry(finding: Finding, result: RunResult) -> str:
    out = finding_dict(finding)
    shutdown = target_shutdown(finding, result.target_shutdowns)
    if shutdown is not None:
        out["target_shutdown"] = shutdown.as_dict()
    return _encoded(out)


def _encoded(entry: dict[str, Any]) -> str:
    """An item of the array as ``json.dumps(..., indent=2)`` writes it, a level in. That
    encoder is pure Python when it indents; the pieces here are the C encoder's."""
    return _dumped(entry, "  ")


def _dumped(value: Any, indent: str) -> str:
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        items = ",\n".join(
            f"{inner}{encode_basestring_ascii(key)}: {_dumped(item, inner)}"
            for key, item in value.items()
        )
        return "{\n" + items + "\n" + indent + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = indent + "  "
        return (
            "[\n" + ",\n".join(inner + _dumped(item, inner) for item in value) + "\n" + indent + "]"
        )
    if value is None or value is True or value is False:
        return _CONSTANTS[value]
    if isinstance(value, int):
        return int.__repr__(value)
    return json.dumps(value)  # a float


_CONSTANTS = {None: "null", True: "true", False: "false"}


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
