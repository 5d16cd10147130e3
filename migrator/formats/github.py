"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff.

One ``::error file=...,line=...,col=...,endLine=...,endColumn=...,title=CODE::message`` line per
finding. Values are escaped as the Actions toolkit does: ``%``, CR and LF everywhere, and also
``:`` and ``,`` inside properties, where they would end the value.
"""

from __future__ import annotations

from migrator.engine import RunResult
from migrator.findings import SAFE, FileError, Finding
from migrator.formats.text import recorded_line, unsafe_note
from migrator.lifecycle import shutdown_note
from migrator.shown_paths import printable


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name} {props}::{escape_data(message)}"


def finding_command(finding: Finding) -> str:
    message = finding.cell_prefix + finding.message + unsafe_note(finding)
    if finding.fix is not None and finding.fix.applicability == SAFE:
        message += " (fixable with 'migrator fix')"
    if finding.cell is not None:
        # Lines count within the notebook cell, not the .ipynb file: annotate the file.
        return command("error", message, file=printable(finding.path), title=finding.code)
    return command(
        "error",
        message,
        file=printable(finding.path),
        line=finding.line,
        col=finding.column,
        endLine=finding.end_line,
        endColumn=finding.end_column,
        title=finding.code,
    )


def _error_command(error: FileError) -> str:
    if error.line is None:
        return command("error", error.message, file=printable(error.path), title="migrator")
    return command(
        "error",
        error.message,
        file=printable(error.path),
        line=error.line,
        col=error.column,
        title="migrator",
    )


def render(result: RunResult) -> str:
    lines = [finding_command(f) for f in result.findings]
    lines += [_error_command(e) for e in result.errors]
    if result.recorded:
        lines.append(command("notice", recorded_line(result), title="migrator"))
    note = shutdown_note(result.target_shutdowns)
    if note:
        lines.append(command("notice", note, title="migrator: target shutdown dates"))
    return "".join(line + "\n" for line in lines)
