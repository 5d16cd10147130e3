"""A run over many files: discover, read, check, then report, diff or write."""

from __future__ import annotations

import itertools
import os
import queue
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Union

from migrator.config import Settings
from migrator.discovery import Missing, iter_paths
from migrator.files import WriteError, write_atomic
from migrator.findings import FileError, Finding
from migrator.runner import check_source
from migrator.screen import Screen

# Below this many files a run stays in this process: starting workers costs more than it saves
# (a pre-commit hook passes a handful of files).
POOL_THRESHOLD = 50
# Paths sent to a worker at a time: enough to amortise the round trip, few enough that the
# workers stay evenly busy to the end of a run.
BATCH_SIZE = 8


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


@dataclass
class FileOutcome:
    """What checking one file gave: plain data, so a worker process can send it back."""

    path: str
    checked: bool = False
    findings: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    changed: bool = False
    diff: str | None = None


def run(
    paths: Sequence[Path],
    settings: Settings,
    mode: Mode,
    *,
    jobs: int | None = None,
    screens: bool = True,
) -> RunResult:
    """Check every file under ``paths``.

    ``jobs`` worker processes (default: one per CPU; 1, or a run of fewer than
    POOL_THRESHOLD files, stays in this process). Files are streamed: paths go to the workers
    as they are found and each worker reads one file at a time. ``screens=False`` parses every
    file with LibCST (for tests that prove the screens drop nothing).
    """
    result = RunResult(mode)
    items = iter_paths(paths, root=settings.root, exclude=settings.exclude)
    for outcome in _outcomes(items, settings, mode, jobs or os.cpu_count() or 1, screens):
        add_outcome(result, outcome)
    result.sort()
    return result


_Item = Union[Path, Missing]


def _outcomes(
    items: Iterator[_Item], settings: Settings, mode: Mode, jobs: int, screens: bool
) -> Iterator[FileOutcome]:
    if jobs > 1:
        head = list(itertools.islice(items, POOL_THRESHOLD))
        if len(head) == POOL_THRESHOLD:
            yield from _pooled(itertools.chain(head, items), settings, mode, jobs, screens)
            return
        items = iter(head)
    screen = Screen(settings.ruleset) if screens else None
    for item in items:
        yield _process_item(item, settings, mode, screen)


def _pooled(
    items: Iterable[_Item], settings: Settings, mode: Mode, jobs: int, screens: bool
) -> Iterator[FileOutcome]:
    # Imported here: a run that stays in-process (the pre-commit case) does not pay for it.
    import multiprocessing

    batches = _Batches(items, BATCH_SIZE)
    with multiprocessing.Pool(jobs, _init_worker, (settings, mode, screens)) as pool:
        # imap keeps the order of the batches, so diffs come out in a stable order too.
        for outcomes in pool.imap(_work, batches):
            batch = batches.sent.get()  # put before it was sent, so never waits
            for item, outcome in zip(batch, outcomes):
                # A clean file: only counted, so its path is left as discovery gave it.
                yield outcome or FileOutcome(str(item), checked=True)


class _Batches:
    """Groups paths (as strings, cheap to send) and remembers each batch until it is back."""

    def __init__(self, items: Iterable[_Item], size: int) -> None:
        self._items = iter(items)
        self._size = size
        self.sent: queue.SimpleQueue[list[str | Missing]] = queue.SimpleQueue()

    def __iter__(self) -> Iterator[list[str | Missing]]:
        while True:
            batch = [
                item if isinstance(item, Missing) else os.fspath(item)
                for item in itertools.islice(self._items, self._size)
            ]
            if not batch:
                return
            self.sent.put(batch)
            yield batch


# A worker's run-wide state, set once by _init_worker (the screen is built once per worker).
_worker: tuple[Settings, Mode, Screen | None] | BaseException | None = None


def _init_worker(settings: Settings, mode: Mode, screens: bool) -> None:
    global _worker
    try:
        _worker = (settings, mode, Screen(settings.ruleset) if screens else None)
    except Exception as exc:  # raised from _work instead: a failing initializer loops forever
        _worker = exc


def _work(batch: list[str | Missing]) -> list[FileOutcome | None]:
    """Check a batch; None stands for a file checked and found clean (most of them)."""
    if not isinstance(_worker, tuple):
        raise RuntimeError("worker not initialised") from _worker
    outcomes: list[FileOutcome | None] = []
    for item in batch:
        outcome = _process_item(item if isinstance(item, Missing) else Path(item), *_worker)
        found = outcome.findings or outcome.fixed or outcome.errors or outcome.diff
        outcomes.append(None if outcome.checked and not found else outcome)
    return outcomes


def _process_item(
    item: _Item, settings: Settings, mode: Mode, screen: Screen | None
) -> FileOutcome:
    if isinstance(item, Missing):
        outcome = FileOutcome(display_path(item.path))
        outcome.errors.append(FileError(outcome.path, "no such file or directory"))
        return outcome
    return process_file(item, settings, mode, screen)


def add_outcome(result: RunResult, outcome: FileOutcome) -> None:
    result.files_checked += outcome.checked
    result.findings.extend(outcome.findings)
    result.fixed.extend(outcome.fixed)
    result.errors.extend(outcome.errors)
    if outcome.changed:
        result.changed_files.append(outcome.path)
    if outcome.diff:
        result.diffs.append(outcome.diff)


def process_file(
    path: Path, settings: Settings, mode: Mode, screen: Screen | None = None
) -> FileOutcome:
    """Check one file; with FIX, write it back; with DIFF, describe the change."""
    outcome = FileOutcome(display_path(path))
    try:
        source = path.read_bytes()
    except OSError as exc:
        outcome.errors.append(FileError(outcome.path, f"cannot read: {exc.strerror or exc}"))
        return outcome
    outcome.checked = True
    checked = check_source(source, outcome.path, settings, fix=mode is not Mode.LINT, screen=screen)
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
    import difflib  # only `fix --diff` needs it

    a = old.decode(encoding, errors="replace").splitlines(keepends=True)
    b = new.decode(encoding, errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, fromfile=f"a/{path}", tofile=f"b/{path}"))


def display_path(path: Path) -> str:
    """Relative to the current directory when the file is under it, as the user would type it."""
    text = os.fspath(path)
    if not os.path.isabs(text) and not text.startswith("..") and os.path.normpath(text) == text:
        return text  # what discovery yields for files under the current directory
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute.startswith(cwd + os.sep):
        return os.path.relpath(absolute, cwd)
    return str(path)
