"""Which ``[tool.migrator]`` table each file uses: the nearest one above it, as in Ruff.

A monorepo's sub-projects keep their own ``pyproject.toml``; a run from the root (a pre-commit
hook, a CI job) must judge each file by its own project's settings. The search looks for one
file per directory and reads each config once: both are cached per directory, so a walk costs
one ``stat`` per directory more than before.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from migrator.config import CONFIG_FILE, ConfigError, Settings, has_migrator_table, load_settings
from migrator.discovery import Problem, Selection


class ConfigTree:
    """Settings per directory.

    ``overrides`` are the command line's options (``load_settings`` keywords), applied over
    every config found. Without them (``--config`` was given, or a caller built its own
    ``Settings``) every file uses ``base``.
    """

    def __init__(self, base: Settings, overrides: Mapping[str, Any] | None = None) -> None:
        self.base = base
        self._overrides = dict(overrides) if overrides is not None else None
        self._nearest: dict[str, str | None] = {}  # directory -> its config file, if any
        self._loaded: dict[str, Settings | Problem] = {}
        self._by_folder: dict[str, Settings | Problem] = {}  # for_file's, by folder as written
        if base.config_path is not None:  # found and read already
            path = os.path.abspath(base.config_path)
            self._loaded[path] = base
            self._nearest[os.path.dirname(path)] = path

    def for_directory(self, directory: str) -> Settings | Problem:
        """The settings of files in ``directory`` (absolute), or why its config is unusable."""
        if self._overrides is None:
            return self.base
        config = self._config_of(directory)
        if config is None:
            return self.base
        loaded = self._loaded.get(config)
        if loaded is None:
            try:
                loaded = load_settings(Path(config), **self._overrides)
            except ConfigError as exc:
                message = str(exc)
                loaded = Problem(Path(config), message.removeprefix(f"{config}: "))
            self._loaded[config] = loaded
        return loaded

    def for_file(self, path: str | os.PathLike[str]) -> Settings | Problem:
        if self._overrides is None:  # asked for every file: spare it the path arithmetic
            return self.base
        # Asked for every file of a run, whose paths are written from one current directory:
        # remembered by the folder as written, so that a relative one is made absolute (a
        # system call for the current directory) once per folder, not once per file.
        folder = os.path.dirname(os.fspath(path))
        found = self._by_folder.get(folder)
        if found is None:
            found = self._by_folder[folder] = self.for_directory(
                os.path.dirname(os.path.abspath(path))
            )
        return found

    def selection(self, directory: str) -> Selection | Problem:
        """What a walk checks in ``directory``: for ``migrator.discovery``."""
        settings = self.for_directory(directory)
        if isinstance(settings, Problem):
            return settings
        return Selection(
            str(settings.root),
            settings.exclude,
            settings.walk_patterns,
            settings.force_exclude,
        )

    def nearest(self, directory: str) -> str | None:
        """The config file nearest above ``directory`` (absolute), if any; each read once."""
        return self._config_of(directory)

    def _config_of(self, directory: str) -> str | None:
        found = self._nearest.get(directory, "")
        if found != "":
            return found
        candidate = os.path.join(directory, CONFIG_FILE)
        if os.path.isfile(candidate) and has_migrator_table(Path(candidate)):
            found = candidate
        else:
            parent = os.path.dirname(directory)
            found = None if parent == directory else self._config_of(parent)
        self._nearest[directory] = found
        return found
