"""The project a run belongs to, read whole before any fix is decided.

The project is the git work tree, or the folder of the ``[tool.migrator]`` configuration,
around each path given (the nearest of the two): ``migrator fix a.py`` judges a.py against the
same project as ``migrator fix .`` does, as a pre-commit hook that names a few files needs.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Union

from migrator import collector, isolation
from migrator.config import Settings, find_config
from migrator.config_tree import ConfigTree
from migrator.discovery import SelectionFor, iter_found
from migrator.files import read_regular_stat
from migrator.kinds import kind_of
from migrator.listing import Listing
from migrator.outcome import Seen
from migrator.project.coupling import Graph, ProjectFile, decide
from migrator.project.facts import VALUE, FileFacts
from migrator.project.gather import Gatherer
from migrator.project.verdicts import NONE, FileVerdicts
from migrator.run_cache import RunCache, facts_digest, project_digest

_TEST_DIRS = frozenset({"test", "tests", "testing"})


@dataclass(frozen=True)
class ProjectView:
    """The verdicts of every file of the project that has any, by ``key`` of its path."""

    verdicts: dict[str, FileVerdicts] = field(default_factory=dict)

    def for_path(self, path: str | os.PathLike[str]) -> FileVerdicts:
        return self.verdicts.get(key(path), NONE) if self.verdicts else NONE


def key(path: str | os.PathLike[str], cwd: str | None = None) -> str:
    """How the view names a file: its absolute path, as the file system compares them.
    ``cwd``: the current directory, when the caller has asked for it already (a run names
    tens of thousands of files, and asking costs a system call)."""
    return os.path.normcase(_absolute(os.fspath(path), cwd))


def _absolute(path: str, cwd: str | None = None) -> str:
    # os.path.abspath normalises too, which costs more than the rest of a file's bookkeeping
    # on a warm run; the walk's paths are normal already (relative to the current directory
    # when under it), so most need only a join. Any "." part ("./a", "a/../b", ".git/x")
    # or empty part ("a//b", "a/") is left to abspath.
    if (
        os.sep == "/"
        and path
        and "//" not in path
        and "/." not in path
        and path[0] != "."
        and path[-1] != "/"
    ):
        return path if path[0] == "/" else os.path.join(cwd or os.getcwd(), path)
    return os.path.abspath(path)


def project_root(
    path: Path,
    cache: dict[Path, Path] | None = None,
    nearest_config: Callable[[str], str | None] | None = None,
) -> Path:
    """The git work tree or configuration folder around ``path``, whichever is nearer; outside
    both, the folder named (or the named file's folder): never the current directory, which
    may be /tmp or a home folder. ``cache``: by folder, for a run that names many files in
    few folders (find_config reads TOML); ``nearest_config``: the run's own search (each
    config read once per run), else ``find_config``."""
    absolute = Path(os.path.abspath(path))
    start = absolute if absolute.is_dir() else absolute.parent
    if cache is None:
        return _root_of(start, nearest_config)
    if start not in cache:
        cache[start] = _root_of(start, nearest_config)
    return cache[start]


def _root_of(start: Path, nearest_config: Callable[[str], str | None] | None) -> Path:
    if nearest_config is not None:
        found = nearest_config(os.fspath(start))
        config = Path(found) if found is not None else None
    else:
        config = find_config(start)
    for directory in (start, *start.parents):
        if (directory / ".git").exists() or (config is not None and config.parent == directory):
            return directory
    return start


def project_files(
    paths: Sequence[Path],
    settings: Settings,
    configs: ConfigTree | None = None,
    listed: Sequence[object] | None = None,
    listing: Listing | None = None,
) -> Iterator[tuple[str, str, str]]:
    """Every file of the projects ``paths`` belong to, as ``(key, path, name)`` (its name is
    its path from its project's root, with "/"), each once; and the named files themselves
    (a file named on the command line is always checked). ``configs``: the run's configs
    (each folder walked with its own patterns). ``listed``: what the run's own walk of
    ``paths`` found; when the one path named is its project's root (``migrator lint .`` at
    the top, as CI runs it), that is the project, not walked again. ``listing``: what earlier
    walks found."""
    present = [p for p in paths if os.path.lexists(p)]
    cache: dict[Path, Path] = {}
    nearest = configs.nearest if configs is not None else None
    selection_for = configs.selection if configs is not None else None
    roots = {p: project_root(p, cache, nearest) for p in present}
    walks: list[tuple[Iterable[object], Path]] = []
    if listed is not None and len(paths) == 1 and present:
        named = present[0]
        if os.path.isdir(named) and Path(os.path.abspath(named)) == roots[named]:
            walks.append((listed, roots[named]))
    if not walks:
        walks = [
            (_walk(root, settings, selection_for, listing), root)
            for root in sorted(set(roots.values()))
        ]
        walks += [(_walk(p, settings, selection_for, listing), roots[p]) for p in present]
    seen: set[str] = set()
    cwd = os.getcwd()
    for found, root in walks:
        top = os.fspath(root)
        for item in found:
            if isinstance(item, tuple):  # from a walk of ours: both paths at hand
                absolute, name = item
            elif isinstance(item, Path):  # from the run's walk
                name = os.fspath(item)
                absolute = _absolute(name, cwd)
            else:  # missing, or a broken config: the run reports it
                continue
            k = os.path.normcase(absolute)
            if k not in seen:
                seen.add(k)
                yield k, name, _relative(absolute, top)


def _walk(
    top: Path, settings: Settings, selection_for: SelectionFor | None, listing: Listing | None
) -> Iterator[object]:
    return iter_found(
        [top],
        root=settings.root,
        exclude=settings.exclude,
        include=settings.walk_patterns,
        selection_for=selection_for,
        listing=listing,
    )


# Reads files, given as (key, path), for the view: (key, facts, what the cache stamps them
# with) for each that could be read. The run supplies it: it checks the files it reads then.
Reader = Callable[[list[tuple[str, str]]], Iterable["Read"]]
Read = tuple[str, FileFacts, Union[Seen, None]]


def build_view(
    paths: Sequence[Path],
    settings: Settings,
    read: Reader,
    configs: ConfigTree | None = None,
    cache: RunCache | None = None,
    listed: Sequence[object] | None = None,
) -> tuple[ProjectView, list[str]]:
    """The view of the projects ``paths`` belong to, and the keys of their files.

    Files unchanged since ``cache`` recorded them are not read; ``read`` reads the others.
    When no file's facts changed, the view is the one recorded. ``listed``: as for
    ``project_files``.
    """
    cache = cache or RunCache()
    names: dict[str, str] = {}
    digests: dict[str, str] = {}
    missing: list[tuple[str, str]] = []
    for k, name, relative in project_files(paths, settings, configs, listed, cache.listing()):
        names[k] = relative
        digest = cache.facts_digest(k, name)
        if digest is not None:
            digests[k] = digest
        else:
            missing.append((k, name))
    read_now: dict[str, FileFacts] = {}
    found = read(missing)
    if not cache.enabled:
        every = {k: (names[k], facts) for k, facts, _ in found}
        return ProjectView(decide_view(every, settings)), list(names)
    for k, facts, seen in found:
        read_now[k] = facts
        digests[k] = facts_digest(facts)
        if seen is not None:
            cache.record_digest(k, seen, digests[k])
    project = project_digest(names, digests, settings.snapshot.value)
    verdicts = cache.view(project)
    if verdicts is None:
        verdicts = decide_view(_all_facts(names, digests, read_now, settings, cache), settings)
        cache.record_view(project, verdicts)
    return ProjectView(verdicts), list(names)


def _all_facts(
    names: dict[str, str],
    digests: dict[str, str],
    read: dict[str, FileFacts],
    settings: Settings,
    cache: RunCache,
) -> dict[str, tuple[str, FileFacts]]:
    """Every file's facts: as read, else as recorded, else (a store that lost them) read now."""
    found: dict[str, tuple[str, FileFacts]] = {}
    gatherer: Gatherer | None = None
    for k, digest in digests.items():
        facts = read.get(k) or cache.stored_facts(k, digest)
        if facts is None:
            gatherer = gatherer or Gatherer(settings.ruleset)
            # The key is the file's absolute path (normcased: the same file where that matters).
            again = read_facts(k, settings, gatherer)
            if again is None:
                continue
            facts, digest = again[0], facts_digest(again[0])
        cache.record_facts(k, digest, facts)
        found[k] = (names[k], facts)
    return found


def read_facts(
    path: str, settings: Settings, gatherer: Gatherer, caching: bool = False
) -> tuple[FileFacts, Seen | None] | None:
    """The file's facts, and with ``caching`` what the cache stamps them with; None for a file
    the view cannot read (it is judged on its own)."""
    try:
        # Regular files only: a FIFO or a device named on the command line must not block
        # the view (the run reports it). A file over the size limit is not read (FileTooLarge).
        source, info = read_regular_stat(path, settings.max_file_size)
    except OSError:
        return None
    facts = facts_of(path, source, gatherer)
    if facts is None:
        return None
    return facts, (Seen.of(info, source) if caching else None)


def facts_of(path: str, source: bytes, gatherer: Gatherer) -> FileFacts | None:
    """The facts of ``source``, read from ``path``; None when the view cannot read it."""
    try:
        with collector.paused():  # a parse's objects, none in a cycle, as for the checks
            return _facts_of(path, source, gatherer)
    except Exception:  # a file the view cannot read is judged on its own, never fatal
        return None


def _facts_of(path: str, source: bytes, gatherer: Gatherer) -> FileFacts:
    big = len(source) > isolation.ISOLATE_ABOVE and isolation.supported()
    # (A file that names no model has no facts to parse for: no child for it.)
    if big and kind_of(path) != "python" and gatherer.mentions(source, python=True):
        # A big data file's parse takes tens of megabytes a process would keep for the rest
        # of the run (the allocator seldom gives them back): a child's go with it. (A big
        # module's facts are gathered from `ast` nodes, and sending back the facts of a
        # catalogue module costs more than it saves.)
        return isolation.run_bounded(lambda: gatherer.facts(path, source))
    return gatherer.facts(path, source)


def judged(facts: FileFacts) -> bool:
    """Whether the view is bound to judge a file with these facts, whatever the rest of the
    project holds: every catalogue entry, lookup and deployment name of a migrating model
    gets a verdict (a plain value only when something elsewhere is coupled with it)."""
    return any(o.role != VALUE for o in facts.occurrences)


def decide_view(
    facts: dict[str, tuple[str, FileFacts]], settings: Settings
) -> dict[str, FileVerdicts]:
    """Decide every file's verdicts from the facts of the whole project."""
    files = {k: ProjectFile(name, f, is_test(name)) for k, (name, f) in facts.items()}
    graph = Graph(lambda: _edges(files))
    return decide(files, graph, settings.ruleset, settings.snapshot)


def file_verdicts(source: bytes, path: str, settings: Settings) -> FileVerdicts:
    """The verdicts of a file judged alone (a project of one file)."""
    try:
        facts = Gatherer(settings.ruleset).facts(path, source)
    except Exception:  # too deep to walk, say: the checks judge it alone, as before
        return NONE
    if not facts.occurrences:
        return NONE
    name = PurePosixPath(path.replace(os.sep, "/")).as_posix()
    files = {name: ProjectFile(name, facts, is_test(name))}
    return decide(files, Graph(dict), settings.ruleset, settings.snapshot).get(name, NONE)


def is_test(name: str) -> bool:
    """Test code: under a tests folder, or a test module by pytest's naming."""
    parts = name.split("/")
    stem = parts[-1]
    if any(part in _TEST_DIRS for part in parts[:-1]):
        return True
    return stem.startswith("test_") or stem.endswith("_test.py") or stem == "conftest.py"


def _relative(absolute: str, root: str) -> str:
    if absolute.startswith(root) and absolute[len(root) : len(root) + 1] == os.sep:
        return absolute[len(root) + 1 :].replace(os.sep, "/")  # the common case, and cheap
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive
        relative = absolute
    return relative.replace(os.sep, "/")


def _module(name: str) -> list[str] | None:
    if kind_of(name) != "python" or not name.endswith((".py", ".pyi")):
        return None
    parts = name.rsplit(".", 1)[0].split("/")
    return parts[:-1] if parts[-1] == "__init__" else parts


def _edges(files: dict[str, ProjectFile]) -> dict[str, set[str]]:
    """File -> files it imports, or data files it names (by base name)."""
    modules: dict[str, list[str]] = defaultdict(list)  # every dotted suffix -> files
    data: dict[str, list[str]] = defaultdict(list)  # base name -> data files
    parts_of: dict[str, list[str]] = {}
    for k, file in files.items():
        parts = _module(file.name)
        if parts is not None:
            parts_of[k] = parts
            for i in range(len(parts)):
                modules[".".join(parts[i:])].append(k)
        elif kind_of(file.name) != "notebook":
            data[file.name.rsplit("/", 1)[-1]].append(k)
    edges: dict[str, set[str]] = defaultdict(set)
    for k, file in files.items():
        parts = parts_of.get(k, [])
        package = parts if file.name.endswith(("__init__.py", "__init__.pyi")) else parts[:-1]
        for written in file.facts.imports:
            name = written.lstrip(".")
            level = len(written) - len(name)
            full = name if level == 0 else _relative_import(package, level, name)
            if full:
                edges[k].update(t for t in modules.get(full, ()) if t != k)
        for base in file.facts.names_files:
            edges[k].update(data.get(base, ()))
    return edges


def _relative_import(package: list[str], level: int, name: str) -> str | None:
    if level - 1 > len(package):
        return None
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, *([name] if name else [])]) or None
