"""A run over many files: discover, read, check, then report, diff or write."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from migrator.config import Settings
from migrator.discovery import Missing, iter_paths
from migrator.files import WriteError, write_atomic
from migrator.findings import FileError, Finding
from migrator.gitstate import DirtyGuard
from migrator.kinds import check_file
from migrator.limits import internal_error, oversize_notice


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
    warnings: list[FileError] = field(default_factory=list)  # parts skipped, and why
    notices: list[FileError] = field(default_factory=list)  # files skipped on purpose
    files_checked: int = 0
    changed_files: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    def sort(self) -> None:
        self.findings.sort(key=lambda f: f.sort_key)
        self.fixed.sort(key=lambda f: f.sort_key)
        self.errors.sort(key=lambda e: e.path)
        self.warnings.sort(key=lambda e: e.path)
        self.notices.sort(key=lambda e: e.path)


@dataclass
class FileOutcome:
    """What checking one file gave: plain data, so a worker process can send it back."""

    path: str
    checked: bool = False
    findings: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    warnings: list[FileError] = field(default_factory=list)
    notices: list[FileError] = field(default_factory=list)
    changed: bool = False
    diff: str | None = None


def run(
    paths: Sequence[Path],
    settings: Settings,
    mode: Mode,
    *,
    allow_dirty: bool = False,
    on_file: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Check every file under ``paths``; ``on_file(done, total)`` follows progress.

    With FIX and without ``allow_dirty``, files with unstaged edits are not rewritten.
    """
    result = RunResult(mode)
    walk = iter_paths(
        paths, root=settings.root, exclude=settings.exclude, include=settings.walk_patterns
    )
    items = list(walk)
    guard = DirtyGuard() if mode is Mode.FIX and not allow_dirty else None
    for done, item in enumerate(items, 1):
        if isinstance(item, Missing):
            shown = display_path(item.path)
            missing = "a broken or looping symbolic link" if item.path.is_symlink() else None
            result.errors.append(FileError(shown, missing or "no such file or directory"))
        else:
            add_outcome(result, process_file(item, settings, mode, guard))
        if on_file is not None:
            on_file(done, len(items))
    result.sort()
    return result


def add_outcome(result: RunResult, outcome: FileOutcome) -> None:
    result.files_checked += outcome.checked
    result.findings.extend(outcome.findings)
    result.fixed.extend(outcome.fixed)
    result.errors.extend(outcome.errors)
    result.warnings.extend(outcome.warnings)
    result.notices.extend(outcome.notices)
    if outcome.changed:
        result.changed_files.append(outcome.path)
    if outcome.diff:
        result.diffs.append(outcome.diff)


def process_file(
    path: Path, settings: Settings, mode: Mode, guard: DirtyGuard | None = None
) -> FileOutcome:
    """Check one file; with FIX, write it back (unless ``guard`` refuses); with DIFF, describe
    the change."""
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
        checked = check_file(source, outcome.path, settings, fix=mode is not Mode.LINT)
    except Exception as exc:  # a bug in a check must cost one file, not the run
        outcome.errors.append(FileError(outcome.path, internal_error(exc)))
        return outcome
    outcome.findings = checked.findings
    outcome.warnings = [FileError(outcome.path, warning) for warning in checked.warnings]
    if checked.error is not None:
        outcome.errors.append(FileError(outcome.path, checked.error))
    if checked.new_source is None:
        return outcome
    if mode is Mode.DIFF:
        outcome.diff = unified_diff(outcome.path, source, checked.new_source, checked.encoding)
    else:
        refusal = guard.refusal(path) if guard is not None else None
        try:
            if refusal is not None:
                raise WriteError(refusal)
            write_atomic(path, checked.new_source, expected=source)
        except WriteError as exc:
            outcome.errors.append(FileError(outcome.path, str(exc)))
            outcome.findings.extend(checked.fixed)
            return outcome
    outcome.fixed = checked.fixed
    outcome.changed = True
    return outcome


def unified_diff(path: str, old: bytes, new: bytes, encoding: str) -> str:
    # Lines end at "\n" only, as in git: str.splitlines would also split at U+2028 and the like,
    # which JSON strings may hold as they are.
    a = old.decode(encoding, errors="replace").split("\n")
    b = new.decode(encoding, errors="replace").split("\n")
    a = [line + "\n" for line in a[:-1]] + ([a[-1]] if a[-1] else [])
    b = [line + "\n" for line in b[:-1]] + ([b[-1]] if b[-1] else [])
    lines = difflib.unified_diff(a, b, fromfile=f"a/{path}", tofile=f"b/{path}")
    # A last line without a newline (common in JSON files) is marked as git marks it, so the
    # next line of the diff does not run on from it.
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def display_path(path: Path) -> str:
    """Relative to the current directory when the file is under it, as the user would type it."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute.startswith(cwd + os.sep):
        return os.path.relpath(absolute, cwd)
    return str(path)
