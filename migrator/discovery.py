"""Which files a run checks: explicit files always; directories walked like git would."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pathspec

# Never project sources, and walking them would dominate the run.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        "build",
        "dist",
        ".tox",
        ".nox",
        ".eggs",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class Missing:
    """A path named on the command line that does not exist."""

    path: Path


class _Ignores:
    """.gitignore files met on the way down plus the config's ``exclude`` patterns."""

    def __init__(self, root: Path, exclude: Sequence[str]) -> None:
        self._loaded: set[Path] = set()
        self._specs: dict[Path, pathspec.GitIgnoreSpec] = {}
        self._exclude_root = root
        self._exclude = pathspec.GitIgnoreSpec.from_lines(exclude) if exclude else None

    def load(self, directory: Path) -> None:
        if directory in self._loaded:
            return
        ignore_file = directory / ".gitignore"
        try:
            lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        self._loaded.add(directory)
        if lines:
            self._specs[directory] = pathspec.GitIgnoreSpec.from_lines(lines)

    def ignored(self, path: Path, is_dir: bool) -> bool:
        suffix = "/" if is_dir else ""
        if self._exclude is not None and _under(path, self._exclude_root):
            rel = path.relative_to(self._exclude_root).as_posix() + suffix
            if self._exclude.match_file(rel):
                return True
        if not self._specs:  # most walks: no .gitignore anywhere above or below
            return False
        decision = False
        # Deeper .gitignore files override shallower ones, as in git. Compared as strings: this
        # runs for every file, and Path.parents builds a Path per level.
        text = str(path)
        for directory, spec in sorted(self._specs.items(), key=lambda item: len(item[0].parts)):
            prefix = os.path.join(str(directory), "")
            if not text.startswith(prefix):
                continue
            relative = text[len(prefix) :].replace(os.sep, "/")
            result = spec.check_file(relative + suffix)
            if result.include is not None:
                decision = result.include
        return decision


def iter_paths(
    paths: Sequence[Path],
    *,
    root: Path,
    exclude: Sequence[str] = (),
    suffixes: Sequence[str] = PYTHON_SUFFIXES,
) -> Iterator[Path | Missing]:
    """Yield files to check, in a stable order, each once.

    A file named explicitly is always checked, whatever its name or the ignore rules.
    """
    ignores = _Ignores(root.resolve(), exclude)
    seen: set[Path] = set()
    cwd = os.path.join(os.getcwd(), "")
    for given in paths:
        absolute = Path(os.path.abspath(given))
        if absolute.is_file():
            if absolute not in seen:
                seen.add(absolute)
                yield given
        elif absolute.is_dir():
            for found in _walk(absolute, ignores, tuple(suffixes)):
                if found not in seen:
                    seen.add(found)
                    yield Path(os.path.relpath(found)) if str(found).startswith(cwd) else found
        else:
            yield Missing(given)


def _walk(top: Path, ignores: _Ignores, suffixes: tuple[str, ...]) -> Iterator[Path]:
    for ancestor in reversed(_repo_ancestors(top)):
        ignores.load(ancestor)
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        ignores.load(here)
        kept = []
        for name in sorted(dirnames):
            child = here / name
            if name in SKIPPED_DIRS or (child / "pyvenv.cfg").exists():
                continue
            if child.is_symlink() or ignores.ignored(child, is_dir=True):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.endswith(suffixes):
                continue
            child = here / name
            if child.is_symlink() or ignores.ignored(child, is_dir=False):
                continue
            yield child


def _repo_ancestors(top: Path) -> list[Path]:
    """Directories above ``top`` up to its git work tree root, whose .gitignore also apply."""
    out = []
    for parent in top.parents:
        out.append(parent)
        if (parent / ".git").exists():
            return out
    return []  # not in a git work tree: only .gitignore files inside the walked tree count


def _under(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory)
    except ValueError:
        return False
    return True
