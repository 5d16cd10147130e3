"""The dirty-tree guard of ``fix``: which files hold edits that git has not been given yet.

Rewriting such a file would mix the user's own edits with the codemod's in one unstaged change
that no one can take apart again. Staged edits are fine: the index keeps them, and ``git diff``
then shows exactly what the codemod did (this is also the pre-commit case, where pre-commit has
stashed the unstaged edits before the hook runs).

git is asked once per repository per run, never once per file, and only when there is a file
to write.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ALLOW_HINT = "or pass --allow-dirty"
UNSTAGED = (
    "not written: the file has unstaged changes, and the fix would mix with your own edits; "
    f"stage them (git add) or stash them first, {ALLOW_HINT}"
)
UNTRACKED = (
    "not written: git does not track the file yet, so the fix could not be told apart from "
    f"your own edits; git add it first, {ALLOW_HINT}"
)
CONFLICTED = (
    f"not written: the file has unresolved merge conflicts; resolve them first, {ALLOW_HINT}"
)

# Variables that would point git at another repository than the one we name with -C.
_REPOSITORY_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE")


class GitError(Exception):
    """git could not say which files are dirty."""


class DirtyGuard:
    """Says whether ``fix`` may rewrite a file; asks git at most once per repository.

    git is asked only when a file is about to be written, so a run with nothing to fix costs
    no ``git status``. Files outside any git work tree are not guarded. If git cannot be asked
    about a work tree (git missing, an unsafe-ownership refusal ...), its files are refused: a
    guard that fails open would write exactly when it should not.
    """

    def __init__(self) -> None:
        self._roots = _RootFinder()
        self._states: dict[str, dict[str, str] | str] = {}  # root -> state, or why unknown

    def refusal(self, path: Path) -> str | None:
        """Why ``path`` must not be rewritten, or None if it may be."""
        absolute = os.path.abspath(path)
        root = self._roots.find(os.path.dirname(absolute))
        if root is None:
            return None
        state = self._states.get(root)
        if state is None:
            try:
                state = work_tree_state(root)
            except GitError as exc:
                state = (
                    "not written: cannot ask git whether the file has unstaged changes "
                    f"({exc}); {ALLOW_HINT}"
                )
            self._states[root] = state
        if isinstance(state, str):
            return state
        return state.get(absolute)


def work_tree_state(root: str) -> dict[str, str]:
    """Absolute path -> refusal reason, for every file in the work tree at ``root`` that differs
    from the index (modified, deleted, untracked or conflicted)."""
    env = {k: v for k, v in os.environ.items() if k not in _REPOSITORY_VARIABLES}
    command = [
        "git",
        # pre-commit runs hooks in parallel while it holds the index: never take its lock.
        "--no-optional-locks",
        "-C",
        root,
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
    ]
    try:
        done = subprocess.run(command, capture_output=True, env=env, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(message[0] if message else f"git status exited {done.returncode}")
    return _parse_status(root, done.stdout)


def _parse_status(root: str, output: bytes) -> dict[str, str]:
    # Entries are "XY path\0"; a rename or copy is followed by its source path "\0orig\0".
    # X is the index against HEAD, Y the work tree against the index.
    state: dict[str, str] = {}
    entries = output.split(b"\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        x, y = chr(entry[0]), chr(entry[1])
        path = os.path.join(root, os.fsdecode(entry[3:]))
        if x in "RC":
            i += 1  # skip the source path of the rename or copy
        if x == "?" and y == "?":
            state[path] = UNTRACKED
        elif x == "U" or y == "U" or (x, y) in {("A", "A"), ("D", "D")}:
            state[path] = CONFLICTED
        elif y != " ":
            state[path] = UNSTAGED
    return state


class _RootFinder:
    """The git work tree a directory belongs to (the nearest ancestor holding ``.git``)."""

    def __init__(self) -> None:
        self._cache: dict[str, str | None] = {}

    def find(self, directory: str) -> str | None:
        visited = []
        current = directory
        while True:
            if current in self._cache:
                root = self._cache[current]
                break
            visited.append(current)
            if os.path.exists(os.path.join(current, ".git")):
                root = current
                break
            parent = os.path.dirname(current)
            if parent == current:
                root = None
                break
            current = parent
        for seen in visited:
            self._cache[seen] = root
        return root
