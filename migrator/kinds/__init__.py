"""File kinds beyond Python: which checker a file gets, chosen by its name.

Every checker takes the file's bytes and returns a ``runner.SourceResult``, so the engine's
diff and write code serves all kinds. A name no kind claims is Python.
"""

from __future__ import annotations

import importlib
import os
from pathlib import PurePath
from typing import Any, Protocol

from migrator.config import Settings
from migrator.runner import SourceResult, check_source
from migrator.screen import Screen


class Checker(Protocol):
    def __call__(
        self, source: bytes, path: str, settings: Settings, *, fix: bool
    ) -> SourceResult: ...


class FragmentChecker(Protocol):
    """A checker of a kind that holds Python code: it takes the run's screen."""

    def __call__(
        self, source: bytes, path: str, settings: Settings, *, fix: bool, screen: Screen | None
    ) -> SourceResult: ...


# kind -> (module under migrator.kinds, function): imported on first use, so a run over Python
# files alone never loads them.
_CHECKERS = {
    "notebook": ("notebooks", "check_notebook"),
    "jsonl": ("jsonl", "check_jsonl"),
    "json": ("json_files", "check_json"),
    "yaml": ("yaml_files", "check_yaml"),
    "toml": ("toml_files", "check_toml"),
    "env": ("env_files", "check_env"),
    "docs": ("docs", "check_docs"),
}
# Kinds whose checker runs Python fragments and so takes the screen.
_PYTHON_FRAGMENTS = frozenset({"notebook", "docs"})
_SUFFIXES = (
    (".ipynb", "notebook"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".json", "json"),
    (".yaml", "yaml"),
    (".yml", "yaml"),
    (".toml", "toml"),
    (".env", "env"),
    (".md", "docs"),
    (".markdown", "docs"),
    (".mdx", "docs"),
    (".rst", "docs"),
    (".rest", "docs"),
)


def kind_of(path: str | PurePath) -> str:
    """``python``, ``notebook``, ``json``, ``jsonl``, ``yaml``, ``toml``, ``env`` or ``docs``."""
    name = os.path.basename(path)
    if name.endswith(".py") and not name.startswith(".env."):  # most files: no table lookup
        return "python"
    lower = name.lower()
    for suffix, kind in _SUFFIXES:
        if lower.endswith(suffix):
            return kind
    if name.startswith(".env."):  # .env.example, .env.local, .env.production
        return "env"
    return "python"


def checker_for(path: str | PurePath) -> Checker:
    kind = kind_of(path)
    if kind == "python":
        return check_source
    checker: Checker = _load(kind)
    return checker


def _load(kind: str) -> Any:
    module, function = _CHECKERS[kind]
    return getattr(importlib.import_module(f"migrator.kinds.{module}"), function)


def check_file(
    source: bytes, path: str, settings: Settings, *, fix: bool, screen: Screen | None = None
) -> SourceResult:
    """Check one file's bytes with the checker for its kind.

    The ``screen`` (built once per run) is for Python code: ``.py`` files, notebook cells and
    code blocks in docs; the data kinds have their own cheap "does it mention a model" test
    before they parse anything.
    """
    kind = kind_of(path)
    if kind == "python":
        return check_source(source, path, settings, fix=fix, screen=screen)
    if kind in _PYTHON_FRAGMENTS:
        fragments: FragmentChecker = _load(kind)
        return fragments(source, path, settings, fix=fix, screen=screen)
    checker: Checker = _load(kind)
    return checker(source, path, settings, fix=fix)
