"""The dirty-tree guard of ``fix``: which files hold edits that git has not been given yet.

Rewriting such a file would mix the user's own edits with the codemod's in one unstaged change
that no one can take apart again. Staged edits are fine: the index keeps them, and ``git diff``
then shows exactly what the codemod did (this is also the pre-commit case, where pre-commit has
stashed the unstaged edits before the hook runs).

git is asked once per repository per run (three listings), never once per file, and only when
there is a file to write. It runs with every command the repository's configuration could name
switched off: the scanned tree is data, never code.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrator.ruleset import RuleSet

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

HIDDEN = (
    "not written: git is told not to look at this file's changes (skip-worktree or "
    "assume-unchanged), so local edits cannot be told apart from the fix; clear the flag "
    f"(git update-index --no-skip-worktree --no-assume-unchanged) first, {ALLOW_HINT}"
)

# The environment git runs in: what it needs to find itself, the user's own configuration and
# the index a hook was given; nothing that adds configuration or points at another repository
# (GIT_DIR, GIT_CONFIG_PARAMETERS, GIT_EXTERNAL_DIFF ...).
_KEPT_VARIABLES = (
    "PATH",
    "HOME",
    "XDG_CONFIG_HOME",
    "USER",
    "LOGNAME",
    "TMPDIR",
    "GIT_INDEX_FILE",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_NOSYSTEM",
    "GIT_EXEC_PATH",
    # Windows
    "SYSTEMROOT",
    "SYSTEMDRIVE",
    "TEMP",
    "TMP",
    "WINDIR",
    "COMSPEC",
    "PATHEXT",
    "USERPROFILE",
    "HOMEDRIVE",
    "HOMEPATH",
    "APPDATA",
    "LOCALAPPDATA",
    "PROGRAMDATA",
)
_FIXED_VARIABLES = {
    "LC_ALL": "C",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
}
# Commands a repository's own configuration can make git run. The scanned tree is data: a
# prepared checkout must not run a command of its author's choice when ``fix`` asks git about
# it. Filter and diff drivers have names of the repository's choosing; they are found with
# ``git config`` (which runs nothing) and switched off one by one.
_NO_REPOSITORY_COMMANDS = (
    # Empty, not "false": before git 2.36 the value is a hook path, and "false" a command.
    "core.fsmonitor=",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.editor=false",
    "core.sshCommand=false",
    "diff.external=",
    "credential.helper=",
)
_DRIVER_COMMANDS = {
    "filter": ("clean", "smudge", "process"),
    "diff": ("textconv", "command"),
}


class GitError(Exception):
    """git could not say which files are dirty."""


class DirtyGuard:
    """Says whether ``fix`` may rewrite a file; asks git once per repository.

    git is asked only when a file is about to be written, so a run with nothing to fix costs
    no ``git status``. Files outside any git work tree are not guarded. If git cannot be asked
    about a work tree (git missing, an unsafe-ownership refusal ...), its files are refused: a
    guard that fails open would write exactly when it should not.
    """

    def __init__(self, ruleset: RuleSet | None = None) -> None:
        # With a rule set, unstaged changes that are only this tool's own model-ID rewrites
        # (an earlier fix) do not stop a file from being written.
        self._ruleset = ruleset
        self._roots = _RootFinder()
        self._states: dict[str, dict[str, str] | str] = {}  # root -> state, or why unknown

    def refusal(self, path: Path) -> str | None:
        """Why ``path`` must not be rewritten, or None if it may be."""
        # git reports real paths: a file reached through a symlinked directory is looked up
        # by where it really is (the file itself keeps its name: git tracks a symlink as such).
        absolute = os.path.abspath(path)
        directory = os.path.realpath(os.path.dirname(absolute))
        absolute = os.path.join(directory, os.path.basename(absolute))
        root = self._roots.find(directory)
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
        reason = state.get(absolute)
        ruleset = self._ruleset
        if (
            reason == UNSTAGED
            and ruleset is not None
            and only_our_rewrites(root, absolute, ruleset)
        ):
            return None
        return reason


def only_our_rewrites(root: str, path: str, ruleset: RuleSet) -> bool:
    """Whether the work-tree file differs from its index version only by model-ID rewrites
    that ``fix`` makes (asked only for a dirty file about to be written)."""
    from migrator.rewrites import only_model_rewrites

    staged = index_blob(root, path)
    if staged is None:
        return False
    try:
        current = Path(path).read_bytes()
    except OSError:
        return False
    return only_model_rewrites(staged, current, ruleset)


def index_blob(root: str, path: str) -> bytes | None:
    """The index's version of ``path`` (None when git cannot give it), asked as safely as
    ``work_tree_state`` asks (``cat-file blob`` runs no filter nor textconv in any case)."""
    relative = os.path.relpath(path, root).replace(os.sep, "/")
    try:
        return _git(root, _safe_options(root), "cat-file", "blob", f":{relative}")
    except GitError:
        return None


def work_tree_state(root: str) -> dict[str, str]:
    """Absolute path -> refusal reason, for every file in the work tree at ``root`` that differs
    from the index (modified, deleted, untracked or conflicted) or whose changes git is told to
    overlook (skip-worktree, assume-unchanged)."""
    options = _safe_options(root)
    status = _git(
        root,
        options,
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        # A submodule is its own work tree, asked about with its own configuration.
        "--ignore-submodules=all",
    )
    state = _parse_status(root, status)
    for path in _parse_hidden(root, _git(root, options, "ls-files", "-v", "-z")):
        state.setdefault(path, HIDDEN)
    return state


def _safe_options(root: str) -> list[str]:
    """``-c`` options that switch off every command the repository's configuration names."""
    options = [arg for setting in _NO_REPOSITORY_COMMANDS for arg in ("-c", setting)]
    pattern = "^(" + "|".join(_DRIVER_COMMANDS) + ")[.]"
    # Exit 1 means no such keys; the name-only listing needs no parsing of values.
    listing = _git(root, [], "config", "--null", "--name-only", "--get-regexp", pattern, ok=(0, 1))
    drivers = set()
    for key in os.fsdecode(listing).split("\0"):
        section, _, rest = key.partition(".")
        name, _, variable = rest.rpartition(".")
        if variable in _DRIVER_COMMANDS.get(section, ()):
            drivers.add((section, name))
    for section, name in sorted(drivers):
        if "=" in name or "\n" in name:
            # -c splits at the first "=": such a driver could not be switched off.
            raise GitError(f"the repository configures a {section} driver named {name!r}")
        for command in _DRIVER_COMMANDS[section]:
            options += ["-c", f"{section}.{name}.{command}="]
        if section == "filter":
            options += ["-c", f"filter.{name}.required=false"]
    return options


def _git(root: str, options: list[str], *arguments: str, ok: tuple[int, ...] = (0,)) -> bytes:
    env = {k: v for k, v in os.environ.items() if k in _KEPT_VARIABLES}
    env.update(_FIXED_VARIABLES)
    command = [
        "git",
        "--no-pager",
        # pre-commit runs hooks in parallel while it holds the index: never take its lock.
        "--no-optional-locks",
        "-C",
        root,
        *options,
        *arguments,
    ]
    try:
        done = subprocess.run(command, capture_output=True, env=env, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from exc
    if done.returncode not in ok:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(message[0] if message else f"git {arguments[0]} exited {done.returncode}")
    return done.stdout


def _parse_hidden(root: str, output: bytes) -> list[str]:
    # "git ls-files -v": a lower-case tag is assume-unchanged, S (or s) is skip-worktree.
    hidden = []
    for entry in output.split(b"\0"):
        if len(entry) >= 3 and (entry[:1].islower() or entry[:1] == b"S"):
            hidden.append(os.path.join(root, os.fsdecode(entry[2:])))
    return hidden


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
