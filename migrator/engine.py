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
    files_checked: int = 0
    changed_files: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    def sort(self) -> None:
        self.findings.sort(key=lambda f: f.sort_key)
        self.fixed.sort(key=lambda f: f.sort_key)
        self.errors.sort(key=lambda e: e.path)


def run(paths: Sequence[Path], settings: Settings, mode: Mode) -> RunResult:
    result = RunResult(mode)
    for item in iter_paths(paths, root=settings.root, exclude=settings.exclude):
        if isinstance(item, Missing):
            result.errors.append(FileError(display_path(item.path), "no such file or directory"))
            continue
        check_file(item, settings, mode, result)
    result.sort()
    return result


def check_file(path: Path, settings: Settings, mode: Mode, result: RunResult) -> None:
    """Check one file and add what it gave to ``result``."""
    shown = display_path(path)
    try:
        source = path.read_bytes()
    except OSError as exc:
        result.errors.append(FileError(shown, f"cannot read: {exc.strerror or exc}"))
        return
    result.files_checked += 1
    checked = check_source(source, shown, settings, fix=mode is not Mode.LINT)
    result.findings.extend(checked.findings)
    if checked.error is not None:
        result.errors.append(FileError(shown, checked.error))
    if checked.new_source is None:
        result.fixed.extend(checked.fixed)
        return
    if mode is Mode.DIFF:
        result.diffs.append(unified_diff(shown, source, checked.new_source, checked.encoding))
    else:
        try:
            write_atomic(path, checked.new_source, expected=source)
        except WriteError as exc:
            result.errors.append(FileError(shown, str(exc)))
            result.findings.extend(checked.fixed)
            return
    result.fixed.extend(checked.fixed)
    result.changed_files.append(shown)


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
