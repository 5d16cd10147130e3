"""A run over many files: discover, read, check, then report, diff or write."""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from migrator.config import Settings
from migrator.discovery import Missing, iter_paths
from migrator.files import WriteError, write_atomic
from migrator.findings import FileError, Finding
from migrator.limits import internal_error, oversize_notice
from migrator.runner import check_source


class Mode(Enum):
    LINT = "lint"
    FIX = "fix"
    DIFF = "diff"  # fix in memory, show the change, write nothing


@dataclass
class RunResult:
    mode: Mode
    findings: list[Finding] = field(default_factory=list)  # left after the run
    fixed: list[Finding] = field(default_factory=list)  # applied (or, with DIFF, pending)
    errors: list[FileError] = field(default_factory=list)
    notices: list[FileError] = field(default_factory=list)  # files skipped on purpose
    files_checked: int = 0
    changed_files: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    def sort(self) -> None:
        self.findings.sort(key=lambda f: f.sort_key)
        self.fixed.sort(key=lambda f: f.sort_key)
        self.errors.sort(key=lambda e: e.path)
        self.notices.sort(key=lambda e: e.path)


@dataclass
class FileOutcome:
    """What checking one file gave: plain data, so a worker process can send it back."""

    path: str
    checked: bool = False
    findings: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notices: list[FileError] = field(default_factory=list)
    changed: bool = False
    diff: str | None = None


def run(paths: Sequence[Path], settings: Settings, mode: Mode) -> RunResult:
    result = RunResult(mode)
    for item in iter_paths(paths, root=settings.root, exclude=settings.exclude):
        if isinstance(item, Missing):
            shown = display_path(item.path)
            missing = "a broken or looping symbolic link" if item.path.is_symlink() else None
            result.errors.append(FileError(shown, missing or "no such file or directory"))
            continue
        add_outcome(result, process_file(item, settings, mode))
    result.sort()
    return result


def add_outcome(result: RunResult, outcome: FileOutcome) -> None:
    result.files_checked += outcome.checked
    result.findings.extend(outcome.findings)
    result.fixed.extend(outcome.fixed)
    result.errors.extend(outcome.errors)
    result.notices.extend(outcome.notices)
    if outcome.changed:
        result.changed_files.append(outcome.path)
    if outcome.diff:
        result.diffs.append(outcome.diff)


def process_file(path: Path, settings: Settings, mode: Mode) -> FileOutcome:
    """Check one file; with FIX, write it back; with DIFF, describe the change."""
    outcome = FileOutcome(display_path(path))
    try:
        too_large = oversize_notice(path, settings.max_file_size)
        source = b"" if too_large else path.read_bytes()
    except OSError as exc:
        outcome.errors.append(FileError(outcome.path, f"cannot read: {exc.strerror or exc}"))
        return outcome
    if too_large:
        outcome.notices.append(FileError(outcome.path, too_large))
        return outcome
    outcome.checked = True
    try:
        checked = check_source(source, outcome.path, settings, fix=mode is not Mode.LINT)
    except Exception as exc:  # a bug in a check must cost one file, not the run
        outcome.errors.append(FileError(outcome.path, internal_error(exc)))
        return outcome
    outcome.findings = checked.findings
    if checked.error is not None:
        outcome.errors.append(FileError(outcome.path, checked.error))
    if checked.new_source is None:
        return outcome
    if mode is Mode.DIFF:
        outcome.diff = unified_diff(outcome.path, source, checked.new_source, checked.encoding)
    else:
        try:
            write_atomic(path, checked.new_source, expected=source)
        except WriteError as exc:
            outcome.errors.append(FileError(outcome.path, str(exc)))
            outcome.findings.extend(checked.fixed)
            return outcome
    outcome.fixed = checked.fixed
    outcome.changed = True
    return outcome


def unified_diff(path: str, old: bytes, new: bytes, encoding: str) -> str:
    a = old.decode(encoding, errors="replace").splitlines(keepends=True)
    b = new.decode(encoding, errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, fromfile=f"a/{path}", tofile=f"b/{path}"))


def display_path(path: Path) -> str:
    """Relative to the current directory when the file is under it, as the user would type it."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute.startswith(cwd + os.sep):
        return os.path.relpath(absolute, cwd)
    return str(path)
