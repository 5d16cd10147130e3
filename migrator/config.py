"""``[tool.migrator]`` settings: found, read, validated and merged with the command line."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrator import tomlcompat as tomllib
from migrator.codes import known_codes, opt_in_codes
from migrator.filekinds import DEFAULT_INCLUDE, DOCS_INCLUDE
from migrator.files import MAX_CONFIG_FILE, read_regular
from migrator.lifecycle import DEFAULT_WARN_WITHIN_DAYS, Calendar, DateError, today_from
from migrator.project.verdicts import FileVerdicts
from migrator.ruleset import RuleSet, RuleSetError, SnapshotMode

CONFIG_FILE = "pyproject.toml"
# Larger files are generated data, not code anyone migrates by hand; parsing one takes seconds
# per megabyte and a lot of memory.
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024


class ConfigError(Exception):
    """A configuration problem the user must fix; the CLI exits 2 with this message."""


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, after config and command line are merged."""

    ruleset: RuleSet
    snapshot: SnapshotMode = SnapshotMode.AUTO
    select: tuple[str, ...] = ("MIG",)
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    root: Path = field(default_factory=Path.cwd)  # exclude patterns are relative to this
    config_path: Path | None = None
    include: tuple[str, ...] = DEFAULT_INCLUDE  # non-Python files a walk checks
    include_docs: bool = False  # also Markdown/reST (fenced Python blocks, report only)
    include_recorded: bool = False  # report recorded data (cassettes ...), never rewrite it
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; 0 means no limit
    # Files named on the command line are checked only if a walk would check them (Ruff's
    # force-exclude): pre-commit names every staged file.
    force_exclude: bool = False
    # (glob, codes): as Ruff's per-file-ignores, globs relative to ``root`` or a file's name
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    cache_dir: str | None = None  # the cache-dir key, relative to ``root``
    # The project view's verdicts for the file being checked (set per file by the run); None:
    # the file is judged as a project of its own.
    verdicts: FileVerdicts | None = field(default=None, compare=False)

    @property
    def walk_patterns(self) -> tuple[str, ...]:
        return self.include + (DOCS_INCLUDE if self.include_docs else ())

    def is_selected(self, code: str) -> bool:
        if not code.startswith(self.select) or code.startswith(self.ignore or ("\0",)):
            return False
        # An opt-in rule (Rule.opt_in: MIG005, MIG100) counts only when a select names it more
        # closely than the whole family "MIG".
        return code not in opt_in_codes() or any(
            code.startswith(p) and p != "MIG" for p in self.select
        )

    def ignores_for(self, path: str) -> tuple[str, ...]:
        """The codes ``per-file-ignores`` turns off for ``path`` (as given on the command line)."""
        if not self.per_file_ignores:
            return ()
        import fnmatch
        import os

        relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        name = os.path.basename(path)
        out: list[str] = []
        for pattern, codes in self.per_file_ignores:
            glob = pattern.removeprefix("./")
            under = glob.endswith("/") and relative.startswith(glob)  # a directory
            if under or fnmatch.fnmatchcase(relative, glob) or fnmatch.fnmatchcase(name, glob):
                out.extend(codes)
        return tuple(out)

    @property
    def calendar(self) -> Calendar:
        return self.ruleset.calendar

    @functools.cached_property
    def selected_codes(self) -> frozenset[str]:
        # Asked once per file or more: worked out once per Settings.
        return frozenset(code for code in known_codes() if self.is_selected(code))


# key in [tool.migrator] -> (expected type, description for error messages)
_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "snapshot": (str, 'one of "auto", "always", "never"'),
    "select": (list, "a list of finding codes"),
    "ignore": (list, "a list of finding codes"),
    "exclude": (list, "a list of gitignore-style patterns"),
    "include": (list, "a list of gitignore-style patterns"),
    "unsafe-fixes": (bool, "true or false"),
    "rules": (str, "a bundled rule set's name or a path to a rule file"),
    "warn-within-days": (int, "a number of days (MIG005 reports shutdowns this near)"),
    "models": (dict, 'a table of "old-model" = "new-model"'),
    "max-file-size": (int, "a number of bytes (0: no limit)"),
    "force-exclude": (bool, "true or false"),
    "cache-dir": (str, "a folder for the cache (relative to the config's folder)"),
    "per-file-ignores": (dict, 'a table of "glob" = ["CODE", ...]'),
}


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.migrator] table, searching upward."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file() and has_migrator_table(candidate):
            return candidate
    return None


def has_migrator_table(path: Path) -> bool:
    """Whether this pyproject.toml configures migrator; a broken one counts, to be reported
    rather than silently skipped."""
    try:
        data = _read_toml(path)
    except ConfigError:
        return True
    tool = data.get("tool")
    return isinstance(tool, dict) and "migrator" in tool


def load_settings(
    config_path: Path | None = None,
    *,
    cwd: Path | None = None,
    snapshot: str | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    unsafe_fixes: bool | None = None,
    rules_path: str | Path | None = None,
    include_docs: bool = False,
    force_exclude: bool | None = None,
    include_recorded: bool = False,
    today: str | None = None,
    check_retired: bool = True,
) -> Settings:
    """Read the config (explicit, or found from ``cwd``) and apply command-line overrides.

    ``check_retired``: refuse a mapping to a model that has shut down (off only for commands
    that move no code, such as ``migrator rules --dates``, which shows what is past).
    """
    cwd = cwd or Path.cwd()
    if config_path is not None and not config_path.exists():
        raise ConfigError(f"config file not found: {config_path}")
    path = config_path or find_config(cwd)
    table: Mapping[str, Any] = {}
    if path is not None:
        data = _read_toml(path)
        tool = data.get("tool", {})
        if isinstance(tool, dict) and "migrator" in tool:
            table = tool["migrator"]
            if not isinstance(table, dict):
                raise ConfigError(f"{path}: [tool.migrator] must be a table")
        elif config_path is not None and path.name != CONFIG_FILE:
            table = data  # a dedicated migrator.toml holds the settings at top level
    where = f"{path}" if path else "command line"
    _check_types(table, where)
    root = path.parent if path else cwd

    # --rules is read from the working directory, the rules key from the config's folder.
    rules, base = (rules_path, cwd) if rules_path is not None else (table.get("rules"), root)
    try:
        calendar = Calendar(
            today_from(today), table.get("warn-within-days", DEFAULT_WARN_WITHIN_DAYS)
        )
        ruleset = RuleSet.load(rules, base=base).seen_on(calendar)
    except (RuleSetError, DateError) as exc:
        raise ConfigError(str(exc)) from exc
    models = table.get("models", {})
    if models:
        _check_models(models, ruleset, where)
        ruleset = ruleset.with_overrides(models)
        _check_chains(ruleset, models, where)

    mode = snapshot if snapshot is not None else table.get("snapshot", "auto")
    try:
        snapshot_mode = SnapshotMode(mode)
    except ValueError:
        raise ConfigError(
            f"{where}: snapshot = {mode!r}: expected one of auto, always, never"
        ) from None

    # An option's error names the option, not the config file that happens to be there.
    if select:
        _check_codes(select, "--select", "command line")
    _check_codes(ignore, "--ignore", "command line")
    _check_codes(table.get("select", ()), "select", where)
    _check_codes(table.get("ignore", ()), "ignore", where)
    if check_retired:
        _check_retired(ruleset, snapshot_mode, models, where)

    chosen = tuple(select) if select else tuple(table.get("select", ("MIG",)))
    ignored = tuple(table.get("ignore", ())) + tuple(ignore)
    per_file = _per_file_ignores(table.get("per-file-ignores", {}), where)
    return Settings(
        ruleset=ruleset,
        snapshot=snapshot_mode,
        select=chosen,
        ignore=ignored,
        exclude=tuple(table.get("exclude", ())),
        unsafe_fixes=bool(table.get("unsafe-fixes", False))
        if unsafe_fixes is None
        else unsafe_fixes,
        root=root.resolve(),
        config_path=path,
        include=tuple(table.get("include", DEFAULT_INCLUDE)),
        include_docs=include_docs,
        include_recorded=include_recorded,
        max_file_size=table.get("max-file-size", DEFAULT_MAX_FILE_SIZE),
        force_exclude=bool(table.get("force-exclude", False))
        if force_exclude is None
        else force_exclude,
        per_file_ignores=per_file,
        cache_dir=table.get("cache-dir"),
    )


def _per_file_ignores(
    table: Mapping[str, Any], where: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = []
    for glob, codes in table.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(
                f'{where}: [tool.migrator.per-file-ignores] "{glob}" must be a list of codes'
            )
        upper = tuple(c.strip().upper() for c in codes)
        _check_codes(upper, f'per-file-ignores "{glob}"', where)
        out.append((glob, upper))
    return tuple(out)


def _check_retired(
    ruleset: RuleSet, snapshot: SnapshotMode, models: Mapping[str, Any], where: str
) -> None:
    """No mapping may end at a model that has already shut down: the fix would break calls."""
    for source, model, day in ruleset.retired_mappings(snapshot):
        shutdown = ruleset.shutdowns[model]
        if source.id in models:
            label = f'{where}: [tool.migrator.models] "{source.id}" = {models[source.id]!r}'
        else:
            label = f"rule set {ruleset.name!r}: {source.id!r} maps to {source.replacement!r}"
        raise ConfigError(
            f"{label}: {model!r} shut down on {day.isoformat()} "
            f"({ruleset.calendar.days_phrase(day)}; source: {shutdown.source or 'the rule set'}); "
            "map it to a model that still runs ([tool.migrator.models], or another rule set: "
            "migrator rules --sets)"
        )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = read_regular(path, limit=MAX_CONFIG_FILE).decode("utf-8")
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _check_types(table: Mapping[str, Any], where: str) -> None:
    for key, value in table.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{where}: unknown key [tool.migrator] {key!r} (known: {known})")
        expected, description = _KEYS[key]
        if not isinstance(value, expected) or _bad_number(value, expected):
            raise ConfigError(f"{where}: [tool.migrator] {key} must be {description}")
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}: [tool.migrator] {key} must be {description}")


def _bad_number(value: Any, expected: type | tuple[type, ...]) -> bool:
    # TOML booleans are Python ints; a size is neither a boolean nor negative.
    return expected is int and (isinstance(value, bool) or value < 0)


def _check_codes(codes: Iterable[str], key: str, where: str) -> None:
    known = known_codes()
    for code in codes:
        if not any(k.startswith(code) for k in known):
            raise ConfigError(f"{where}: {key}: unknown code {code!r} (known: {', '.join(known)})")


def _check_models(models: Mapping[str, Any], ruleset: RuleSet, where: str) -> None:
    retiring = set(ruleset.sources) | set(ruleset.no_replacement) | set(models)
    sdk_models: frozenset[str] | None = None
    for old, new in models.items():
        label = f'{where}: [tool.migrator.models] "{old}"'
        if not isinstance(new, str) or not new.strip() or not old.strip():
            raise ConfigError(f"{label} must map to a model ID string")
        if new in retiring:
            raise ConfigError(
                f"{label} = {new!r}: {new!r} is itself a model being migrated away from "
                "(a mapping must end at a model that stays)"
            )
        if ruleset.target_for(new) is not None:
            continue
        if sdk_models is None:
            sdk_models = _sdk_chat_models()
        if new not in sdk_models:
            raise ConfigError(
                f"{label} = {new!r}: unknown model (not a target in the rule set"
                + (
                    " nor in the openai SDK's ChatModel list)"
                    if sdk_models
                    else "; install openai to allow models from its ChatModel list)"
                )
            )


def _check_chains(ruleset: RuleSet, models: Mapping[str, str], where: str) -> None:
    """No override may start where another source ends: that would migrate twice.

    ``"gpt-4.1" = "gpt-4.1-mini"`` would turn gpt-4o into gpt-4.1 on one run and into
    gpt-4.1-mini on the next, so ``fix`` would never settle.
    """
    for source in ruleset.sources.values():
        for mode in SnapshotMode:
            end = ruleset.replacement(source, mode)
            if end in models and end != source.id:
                raise ConfigError(
                    f'{where}: [tool.migrator.models] "{end}": {source.id!r} migrates to '
                    f"{end!r}, which this maps on to {models[end]!r}; a second run would migrate "
                    f'it again (map "{source.id}" directly instead)'
                )


def _sdk_chat_models() -> frozenset[str]:
    """The installed openai SDK's own model list; imported only when a config needs it."""
    try:
        import typing

        from openai.types import ChatModel
    except ImportError:
        return frozenset()
    return frozenset(arg for arg in typing.get_args(ChatModel) if isinstance(arg, str))
