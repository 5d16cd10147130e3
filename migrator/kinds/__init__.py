"""Which checker a file gets: its kind (``migrator.filekinds``) names it.

Every checker takes the file's bytes and returns a ``runner.SourceResult``, so the engine's
diff and write code serves all kinds. A name no kind claims is Python.
"""

from __future__ import annotations

import importlib
from pathlib import PurePath
from typing import Any, Protocol

from migrator.config import Settings
from migrator.filekinds import file_kind
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


def kind_of(path: str | PurePath) -> str:
    """``python``, ``notebook``, ``json``, ``jsonl``, ``yaml``, ``toml``, ``env`` or ``docs``."""
    return file_kind(path).name


def checker_for(path: str | PurePath) -> Checker:
    kind = file_kind(path)
    if kind.checker is None:
        return check_source
    checker: Checker = _load(kind.checker)
    return checker


def _load(checker: tuple[str, str]) -> Any:
    # Imported on first use, so a run over Python files alone never loads the other kinds.
    module, function = checker
    return getattr(importlib.import_module(f"migrator.kinds.{module}"), function)


def check_file(
    source: bytes, path: str, settings: Settings, *, fix: bool, screen: Screen | None = None
) -> SourceResult:
    """Check one file's bytes with the checker for its kind.

    The ``screen`` (built once per run) is for Python code: ``.py`` files, notebook cells and
    code blocks in docs; the data kinds have their own cheap "does it mention a model" test
    before they parse anything.
    """
    kind = file_kind(path)
    if kind.checker is None:
        return check_source(source, path, settings, fix=fix, screen=screen)
    if kind.fragments:
        fragments: FragmentChecker = _load(kind.checker)
        return fragments(source, path, settings, fix=fix, screen=screen)
    checker: Checker = _load(kind.checker)
    return checker(source, path, settings, fix=fix)
