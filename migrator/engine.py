"""A run over many files: discover, read, check, then report, diff or write."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Union

from migrator import ast_trees, isolation
from migrator.config import Settings
from migrator.config_tree import ConfigTree
from migrator.diffs import unified_diff
from migrator.discovery import Missing, NotRegular, Problem, iter_paths
from migrator.files import FileTooLarge, WriteError, read_regular_stat, write_atomic
from migrator.findings import FileError, Finding
from migrator.gitstate import DirtyGuard
from migrator.interrupts import in_worker, orphaned
from migrator.kinds import check_file
from migrator.lifecycle import TargetShutdown, written_model
from migrator.limits import internal_error, oversize_notice, too_large_to_check
from migrator.outcome import FileOutcome, Seen
from migrator.pool import in_pool
from migrator.project.facts import FileFacts
from migrator.project.gather import Gatherer
from migrator.project.verdicts import NONE
from migrator.project.view import (
    ProjectView,
    Read,
    build_view,
    facts_of,
    judged,
    key,
    read_facts,
)
from migrator.recorded import RecordedFile
from migrator.results import SourceResult
from migrator.run_cache import RunCache
from migrator.screen import Screen

# Below this many files a run stays in this process: starting workers costs more than it saves
# (a pre-commit hook passes a handful of files)...
POOL_THRESHOLD = 50
# ... unless they are big: the files the project view judges, checked after it, are a
# project's catalogues and registries (tree 1: 38 files, 5.8 MB, 3.8 s on one core). Counted
# without the largest file, which one worker takes whatever the others do.
POOL_BYTES = 512 * 1024


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
    recorded: list[RecordedFile] = field(default_factory=list)  # recorded data, left as is
    included_recorded: bool = False  # with --include-recorded: its findings are reported
    files_checked: int = 0
    changed_files: list[str] = field(default_factory=list)
    diffs: list[bytes] = field(default_factory=list)  # each in its file's own encoding
    unsafe_fixes: bool = False  # whether unsafe fixes were applied (or, with DIFF, shown)
    # Models the run moves code to (MIG001 fixes, applied or not) that have announced
    # shutdown dates themselves: every output format ends with a note about them.
    target_shutdowns: list[TargetShutdown] = field(default_factory=list)
    display_name: str = ""  # the rule set's, for help text in the output (SARIF rules)
    remarks: list[str] = field(default_factory=list)  # about the run, not a file (the cache)

    def sort(self) -> None:
        self.findings.sort(key=lambda f: f.sort_key)
        self.fixed.sort(key=lambda f: f.sort_key)
        self.errors.sort(key=lambda e: e.path)
        self.warnings.sort(key=lambda e: e.path)
        self.notices.sort(key=lambda e: e.path)
        self.recorded.sort(key=lambda r: r.path)


def run(
    paths: Sequence[Path],
    settings: Settings,
    mode: Mode,
    *,
    allow_dirty: bool = False,
    on_file: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
    screens: bool = True,
    configs: ConfigTree | None = None,
    cache: bool = False,
) -> RunResult:
    """Check every file under ``paths``; ``on_file(done, total)`` follows progress.

    With FIX and without ``allow_dirty``, files with unstaged edits are not rewritten.
    ``jobs`` worker processes (default: one per CPU; 1, or a run of fewer than POOL_THRESHOLD
    files, stays in this process); each worker reads one file at a time, so sources are never
    all in memory. ``screens=False`` parses every file with LibCST (for tests that prove the
    screens drop nothing). ``configs`` gives each file the settings of its nearest config
    (default: ``settings`` for every file). ``cache``: use and update the project's cache
    (``migrator.run_cache``); a cache that cannot be written is a notice, never an error.
    """
    result = RunResult(
        mode,
        included_recorded=settings.include_recorded,
        unsafe_fixes=settings.unsafe_fixes,
        display_name=settings.ruleset.display_name,
    )
    configs = configs or ConfigTree(settings)
    stores = RunCache.open(settings, fix=mode is not Mode.LINT) if cache else RunCache()
    listing = stores.listing()
    walk = iter_paths(paths, root=settings.root, selection_for=configs.selection, listing=listing)
    items = list(walk)  # paths only, cheap to hold; the view lists the project from them
    jobs = jobs or os.cpu_count() or 1
    guard = DirtyGuard(settings.ruleset) if mode is Mode.FIX and not allow_dirty else None
    work = _Work(configs, mode, guard, screens, caching=stores.enabled)
    progress = _Progress(on_file, len(items))
    # Two phases: the facts of the whole project first (every model ID and its role), so that
    # each file's fixes are decided knowing what else names the same model. A file is read
    # once: the first phase also checks it as if the view had no verdict on it, which holds
    # for nearly every file; only the rest are checked again, knowing their verdicts.
    cwd = os.getcwd()
    keyed = [(item, key(item, cwd) if isinstance(item, Path) else "") for item in items]
    first = _FirstPass(work, jobs, {k for _, k in keyed if k}, on_decided=progress.step)
    view, project = build_view(paths, settings, first.read, configs, stores, listed=items)
    stores.keep(project)
    work = replace(work, view=view)
    for outcome in _outcomes(keyed, work, jobs, stores, first, progress):
        add_outcome(result, outcome)
    result.remarks.extend(stores.save())
    result.sort()
    result.target_shutdowns = target_shutdowns(result, settings)
    return result


def target_shutdowns(result: RunResult, settings: Settings) -> list[TargetShutdown]:
    """The models this run's MIG001 fixes write that have an announced shutdown date."""
    ruleset = settings.ruleset
    found: dict[str, TargetShutdown] = {}
    # A tree has thousands of findings and a handful of distinct replacements.
    written = {
        finding.fix.replacement
        for finding in (*result.fixed, *result.findings)
        if finding.code == "MIG001" and finding.fix is not None
    }
    for replacement in sorted(written):
        resolved = ruleset.resolve(written_model(replacement))
        if resolved is None or resolved[1] in found:
            continue
        model = resolved[1]
        shutdown = ruleset.shutdown(model)
        if shutdown is not None and shutdown.date is not None:
            days = ruleset.calendar.days_left(shutdown.date)
            found[model] = TargetShutdown(model, shutdown.date, days)
    return sorted(found.values(), key=lambda t: (t.date, t.model))


# Not files to read: reported as they are.
_Special = (Missing, Problem, NotRegular)
_Item = Union[Path, Missing, Problem, NotRegular]


@dataclass(frozen=True)
class _Work:
    """A run's settings for checking one file, sent once to each worker."""

    configs: ConfigTree
    mode: Mode
    guard: DirtyGuard | None
    screens: bool
    view: ProjectView = field(default_factory=ProjectView)
    caching: bool = False  # whether outcomes say what the cache may stamp them with


class _Screens:
    """One screen per settings (a sub-project's config may select other checks or bring its own
    rule set), built on first use."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._built: dict[int, tuple[Settings, Screen]] = {}  # id(settings) -> (it, its screen)
        self._unjudged: dict[int, tuple[Settings, Settings]] = {}  # -> (it, with NONE verdicts)

    def unjudged(self, settings: Settings) -> Settings:
        """``settings`` for a file the project view has no verdict on."""
        made = self._unjudged.get(id(settings))
        if made is None:
            made = self._unjudged[id(settings)] = (settings, replace(settings, verdicts=NONE))
        return made[1]

    def get(self, settings: Settings) -> Screen | None:
        if not self._enabled:
            return None
        built = self._built.get(id(settings))
        if built is None:
            built = self._built[id(settings)] = (settings, Screen.for_settings(settings))
        return built[1]


def _outcomes(
    keyed: list[tuple[_Item, str]],
    work: _Work,
    jobs: int,
    cache: RunCache,
    first: _FirstPass,
    progress: _Progress,
) -> Iterator[FileOutcome]:
    """Each item's outcome (``keyed``: each with its ``key``, "" for one that is not a path):
    as the first pass decided it, from ``cache`` when it holds one, else by checking the file
    (in worker processes for a run with enough of them)."""
    undecided: list[_Item] = []
    for item, k in keyed:
        outcome = first.outcome(k, item, work.view) if isinstance(item, Path) else None
        if outcome is None:
            undecided.append(item)
            continue
        if outcome.seen is not None and isinstance(item, Path):
            _record(cache, work, item, outcome, k)
        yield outcome
    rest: Iterator[_Item] = iter(undecided)
    if cache.enabled:
        answered: list[FileOutcome] = []
        rest = iter(list(_answer_from(cache, rest, work, answered)))
        for outcome in answered:
            progress.step()
            yield outcome
    cwd = os.getcwd()
    for item, outcome in _checked(rest, work, jobs):
        if outcome.seen is not None and isinstance(item, Path):
            _record(cache, work, item, outcome, key(item, cwd))
        progress.step()
        yield outcome


def _record(cache: RunCache, work: _Work, item: Path, outcome: FileOutcome, k: str) -> None:
    settings = work.configs.for_file(item)
    if isinstance(settings, Settings):
        cache.record_outcome(k, settings, work.view.verdicts.get(k, NONE), outcome)


def _answer_from(
    cache: RunCache, items: Iterator[_Item], work: _Work, answered: list[FileOutcome]
) -> Iterator[_Item]:
    """The items the cache cannot answer; the answers go to ``answered``."""
    cwd = os.getcwd()
    for item in items:
        settings = work.configs.for_file(item) if isinstance(item, Path) else None
        if isinstance(item, Path) and isinstance(settings, Settings):
            k = key(item, cwd)
            verdicts = work.view.verdicts.get(k, NONE)
            hit = cache.outcome_for(k, item, display_path(item), settings, verdicts)
            if hit is not None:
                answered.append(hit)
                continue
        yield item


class _Progress:
    """Drives ``on_file(done, total)``: files decided by either pass, up to the total (a file
    the view judges is checked twice, and counted once)."""

    def __init__(self, on_file: Callable[[int, int], None] | None, total: int) -> None:
        self._on_file = on_file
        self._total = total
        self._done = 0

    def step(self) -> None:
        if self._on_file is not None:
            self._done = min(self._done + 1, self._total)
            self._on_file(self._done, self._total)


# What the first pass says of one file: its key, its facts for the view (None: the view
# cannot read it), what the cache stamps them with, and its outcome as if the view had no
# verdict on it (None: not one the run checks, or one that `fix` must write).
_FirstRead = tuple[str, Union[FileFacts, None], Union[Seen, None], Union[FileOutcome, None]]
# A decided outcome as the first pass keeps it: a clean file (most) as its stamp, or True.
_Decided = Union[FileOutcome, Seen, bool]


class _FirstPass:
    """Reads the files the project view needs (``read``, its ``Reader``) and checks, in the
    same read, those the run checks; ``outcome`` gives an item's, where the view's verdicts
    leave it as it was."""

    def __init__(
        self, work: _Work, jobs: int, run_keys: set[str], on_decided: Callable[[], None]
    ) -> None:
        self._work = work
        self._jobs = jobs
        self._run_keys = run_keys
        self._on_decided = on_decided
        self._decided: dict[str, _Decided] = {}

    def read(self, files: list[tuple[str, str]]) -> list[Read]:
        tasks = [(k, name, k in self._run_keys) for k, name in files]
        facts: list[Read] = []
        for k, found, seen, outcome in _first_reads(tasks, self._work, self._jobs):
            if outcome is not None:
                self._decided[k] = (outcome.seen or True) if outcome.clean else outcome
                self._on_decided()
            if found is not None:
                facts.append((k, found.interned(), seen))
        return facts

    def outcome(self, k: str, item: Path, view: ProjectView) -> FileOutcome | None:
        decided = self._decided.pop(k, None)
        if decided is None or view.verdicts.get(k, NONE).by_site:
            return None
        shown = display_path(item)
        if isinstance(decided, FileOutcome):
            return decided.shown_as(shown)
        return FileOutcome(shown, checked=True, seen=decided if isinstance(decided, Seen) else None)


def _first_reads(
    tasks: list[tuple[str, str, bool]], work: _Work, jobs: int
) -> Iterator[_FirstRead]:
    if jobs > 1 and len(tasks) >= POOL_THRESHOLD:
        _share_before_fork(work)
        for _, read in in_pool(tasks, jobs, _first_batch, _init_worker, (work,)):
            yield read
        return
    checker = _Checker(work)
    for k, name, checked in tasks:
        yield checker.read(k, name, checked)


def _checked(items: Iterator[_Item], work: _Work, jobs: int) -> Iterator[tuple[_Item, FileOutcome]]:
    head = list(itertools.islice(items, POOL_THRESHOLD))
    if jobs > 1 and (len(head) >= POOL_THRESHOLD or _big(head)):
        _share_before_fork(work)
        sent = (
            item if isinstance(item, _Special) else os.fspath(item)
            for item in itertools.chain(head, items)
        )
        # What the first pass left is mostly what the view judged, a project's catalogues and
        # registries, some of them big: a file a batch at first, so no worker waits on the
        # other's batch of them.
        checked = in_pool(sent, jobs, _check_batch, _init_worker, (work,), first=1)
        for sent_item, outcome in checked:
            path = sent_item if isinstance(sent_item, _Special) else Path(sent_item)
            # A clean file: only counted, so its path is left as discovery gave it.
            yield path, outcome or FileOutcome(str(sent_item), checked=True)
        return
    checker = _Checker(work)
    for item in itertools.chain(head, items):
        yield item, checker.check(item)


def _big(items: list[_Item]) -> bool:
    """Whether ``items`` hold enough bytes besides their largest file to be worth workers."""
    sizes = [0]
    for item in items:
        if isinstance(item, Path):
            with contextlib.suppress(OSError):  # reported when the file is checked
                sizes.append(os.stat(item).st_size)
    return sum(sizes) - max(sizes) >= POOL_BYTES


class _Checker:
    """What one process needs to check files: the run's work, a screen per settings, and the
    view's gatherer (built on first use)."""

    def __init__(self, work: _Work) -> None:
        self.work = work
        self.screens = _Screens(work.screens)
        self._gatherer: Gatherer | None = None

    def check(self, item: _Item) -> FileOutcome:
        return _process_item(item, self.work, self.screens)

    def read(self, k: str, name: str, checked: bool) -> _FirstRead:
        """The facts of the file ``name`` (keyed ``k``) and, if ``checked`` (the run checks
        it), its outcome as if the view had no verdict on it: one read for both."""
        base = self.work.configs.base
        gatherer = self._gatherer = self._gatherer or Gatherer(base.ruleset)
        settings = self.work.configs.for_file(name) if checked else None
        # The view reads a file within the top-level size limit: where the file's own limit
        # differs, the two reads differ too.
        if not isinstance(settings, Settings) or settings.max_file_size != base.max_file_size:
            found = read_facts(name, base, gatherer, self.work.caching)
            return (k, *found, None) if found is not None else (k, None, None, None)
        outcome = FileOutcome(display_path(name))
        read = _read(name, settings, outcome)
        if read is None:  # unreadable or too large: for the view too
            return k, None, None, outcome
        source, info = read
        seen = Seen.of(info, source) if self.work.caching else None
        # The facts and the screen read one `ast` of the file.
        with ast_trees.one_parse():
            facts = facts_of(name, source, gatherer)
            fix = self.work.mode is Mode.FIX
            # Checked once the view has spoken, once: a file the view will judge (a catalogue,
            # a lookup or a deployment name always is), and with `fix`, which writes a file
            # only then, any file that names a retiring model (the kind it writes). Any other
            # that the view judges or `fix` writes (few) is checked again then.
            if (fix and gatherer.mentions(source)) or (facts is not None and judged(facts)):
                return k, facts, seen, None
            screen = self.screens.get(settings)
            unjudged = self.screens.unjudged(settings)
            outcome = _judged(
                name, source, seen, outcome, unjudged, self.work.mode, None, screen, write=False
            )
        return k, facts, seen, None if fix and outcome.changed else outcome


# A worker's run-wide state, set once by _init_worker (the screen is built once per worker).
_worker: _Checker | BaseException | None = None


def _init_worker(work: _Work) -> None:
    global _worker
    in_worker()
    try:
        checker = _Checker(work)
        checker.screens.get(work.configs.base)  # built now: an error in it shows at once
        _worker = checker
    except Exception as exc:  # raised from _work instead: a failing initializer loops forever
        _worker = exc


def _checker() -> _Checker:
    if not isinstance(_worker, _Checker):
        raise RuntimeError("worker not initialised") from _worker
    return _worker


def _check_batch(batch: list[str | Missing | Problem | NotRegular]) -> list[FileOutcome | None]:
    """Check a batch; None stands for a file checked and found clean (most of them)."""
    checker = _checker()
    outcomes: list[FileOutcome | None] = []
    for item in batch:
        if orphaned():  # no one is left to report to, and no one asked for more writes
            os._exit(128 + signal.SIGTERM)
        outcome = checker.check(item if isinstance(item, _Special) else Path(item))
        # A clean file the cache need not hear about costs nothing to send back.
        outcomes.append(None if outcome.clean and outcome.seen is None else outcome)
    return outcomes


def _first_batch(batch: list[tuple[str, str, bool]]) -> list[_FirstRead]:
    checker = _checker()
    reads = []
    for k, name, checked in batch:
        if orphaned():
            os._exit(128 + signal.SIGTERM)
        reads.append(checker.read(k, name, checked))
    return reads


def _process_item(item: _Item, work: _Work, screens: _Screens) -> FileOutcome:
    if isinstance(item, Missing):
        outcome = FileOutcome(display_path(item.path))
        missing = "a broken or looping symbolic link" if item.path.is_symlink() else None
        outcome.errors.append(FileError(outcome.path, missing or "no such file or directory"))
        return outcome
    if isinstance(item, NotRegular):  # found by the walk, which would have checked it by name
        outcome = FileOutcome(display_path(item.path))
        outcome.notices.append(FileError(outcome.path, f"skipped: {item.what}, not a regular file"))
        return outcome
    # A broken config is reported once, by the walk; the files it governs are not checked.
    if isinstance(item, Problem):
        return _config_error(item)
    settings = work.configs.for_file(item)
    if isinstance(settings, Problem):
        return _config_error(settings)
    screen = screens.get(settings)  # by the file's own settings: one screen per config
    verdicts = work.view.for_path(item)
    # Most files have no verdicts: their settings are made once per config, not per file.
    settings = (
        screens.unjudged(settings) if verdicts is NONE else replace(settings, verdicts=verdicts)
    )
    return process_file(item, settings, work.mode, work.guard, screen, caching=work.caching)


def _config_error(problem: Problem) -> FileOutcome:
    outcome = FileOutcome(display_path(problem.path))
    outcome.errors.append(FileError(outcome.path, problem.message))
    return outcome


def _share_before_fork(work: _Work) -> None:
    """Load what every worker loads, here and once: forked workers share these pages with
    this process instead of each holding its own copy (LibCST and the checks)."""
    import gc

    _load_parser()
    _Screens(work.screens).get(work.configs.base)
    # Objects made so far stay out of the collector's passes, which would write to (and so
    # copy) every page holding one.
    gc.freeze()


def _load_parser() -> None:
    """Map LibCST's native parser here, once, so that a child with a memory ceiling inherits
    it rather than failing to map it."""
    import libcst

    libcst.parse_module("")


def add_outcome(result: RunResult, outcome: FileOutcome) -> None:
    result.files_checked += outcome.checked
    result.findings.extend(outcome.findings)
    result.fixed.extend(outcome.fixed)
    result.errors.extend(outcome.errors)
    result.warnings.extend(outcome.warnings)
    result.notices.extend(outcome.notices)
    if outcome.recorded is not None:
        result.recorded.append(RecordedFile(outcome.path, outcome.recorded))
    if outcome.changed:
        result.changed_files.append(outcome.path)
    if outcome.diff:
        result.diffs.append(outcome.diff)


def process_file(
    path: Path,
    settings: Settings,
    mode: Mode,
    guard: DirtyGuard | None = None,
    screen: Screen | None = None,
    *,
    caching: bool = False,
) -> FileOutcome:
    """Check one file; with FIX, write it back (unless ``guard`` refuses); with DIFF, describe
    the change. With ``caching``, an outcome that depends only on the file's bytes and the
    settings says what the file was (``FileOutcome.seen``)."""
    outcome = FileOutcome(display_path(path))
    read = _read(path, settings, outcome)
    if read is None:
        return outcome
    source, info = read
    seen = Seen.of(info, source) if caching else None
    return _judged(path, source, seen, outcome, settings, mode, guard, screen)


def _read(
    path: str | os.PathLike[str], settings: Settings, outcome: FileOutcome
) -> tuple[bytes, os.stat_result] | None:
    """The file's bytes and status; None, said in ``outcome``, if it cannot or must not be
    read (too large)."""
    try:
        # The size is judged on the open file's status: a file over the limit is never read.
        return read_regular_stat(path, settings.max_file_size)
    except FileTooLarge as exc:
        outcome.notices.append(FileError(outcome.path, oversize_notice(exc.size, exc.limit)))
        return None
    except OSError as exc:
        outcome.errors.append(FileError(outcome.path, f"cannot read: {exc.strerror or exc}"))
        return None


def _judged(
    path: str | os.PathLike[str],
    source: bytes,
    seen: Seen | None,
    outcome: FileOutcome,
    settings: Settings,
    mode: Mode,
    guard: DirtyGuard | None,
    screen: Screen | None,
    *,
    write: bool = True,
) -> FileOutcome:
    """``outcome``, filled in from checking ``source``, the bytes of ``path``. Without
    ``write``, a FIX that would write says only ``changed``."""
    outcome.checked = True

    def check() -> SourceResult:
        with ast_trees.one_parse():  # the catalogue reader and the screen share one `ast`
            return check_file(
                source, outcome.path, settings, fix=mode is not Mode.LINT, screen=screen
            )

    try:
        big = len(source) > isolation.ISOLATE_ABOVE and isolation.supported()
        if big:
            _load_parser()
        checked = isolation.run_bounded(check) if big else check()
    except isolation.TooLarge as exc:
        outcome.errors.append(FileError(outcome.path, too_large_to_check(len(source), str(exc))))
        return outcome
    except Exception as exc:  # a bug in a check must cost one file, not the run
        outcome.errors.append(FileError(outcome.path, internal_error(exc)))
        return outcome
    outcome.findings = checked.findings
    outcome.recorded = checked.recorded
    outcome.warnings = [FileError(outcome.path, warning) for warning in checked.warnings]
    if checked.error is not None:
        line, column = checked.error_at or (None, None)
        outcome.errors.append(FileError(outcome.path, checked.error, line, column))
    if checked.new_source is None:
        outcome.seen = seen
        return outcome
    if mode is Mode.DIFF:
        outcome.diff = unified_diff(outcome.path, source, checked.new_source)
    elif not write:
        outcome.changed = True
        return outcome
    else:
        refusal = guard.refusal(Path(path)) if guard is not None else None
        try:
            if refusal is not None:
                raise WriteError(refusal)
            write_atomic(Path(path), checked.new_source, expected=source)
        except (WriteError, OSError) as exc:  # one file not written; the run goes on
            outcome.errors.append(FileError(outcome.path, str(exc)))
            outcome.findings.extend(checked.fixed)
            return outcome
    outcome.fixed = checked.fixed
    outcome.changed = True
    return outcome


def check_stdin(
    source: bytes, path: str, settings: Settings, mode: Mode
) -> tuple[RunResult, bytes]:
    """Check ``source`` as if it were the file ``path`` (an editor's buffer); nothing is
    written. Returns the result and the source as fixed (as given when nothing was fixed)."""
    result = RunResult(mode, unsafe_fixes=settings.unsafe_fixes, files_checked=1)
    shown = display_path(Path(path))
    try:
        checked = check_file(source, shown, settings, fix=mode is not Mode.LINT)
    except Exception as exc:  # a bug in a check: reported as for a file
        result.errors.append(FileError(shown, internal_error(exc)))
        return result, source
    result.findings = checked.findings
    result.warnings = [FileError(shown, warning) for warning in checked.warnings]
    if checked.error is not None:
        line, column = checked.error_at or (None, None)
        result.errors.append(FileError(shown, checked.error, line, column))
    if checked.new_source is None:
        return result, source
    result.fixed = checked.fixed
    result.changed_files.append(shown)
    if mode is Mode.DIFF:
        result.diffs.append(unified_diff(shown, source, checked.new_source))
    return result, checked.new_source


def display_path(path: str | os.PathLike[str]) -> str:
    """Relative to the current directory when the file is under it, as the user would type it."""
    text = os.fspath(path)
    if not os.path.isabs(text) and os.path.normpath(text) == text and not text.startswith(".."):
        return text  # already so (the walk gives such paths): no need to ask the file system
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute.startswith(cwd + os.sep):
        return os.path.relpath(absolute, cwd)
    return str(path)
