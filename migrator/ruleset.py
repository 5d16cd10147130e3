"""The migration rule set: which model IDs move where, and what each target accepts.

The data lives in ``rules/*.toml``; this module only loads it and answers questions about it.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, Union

from migrator import tomlcompat as tomllib
from migrator.files import MAX_CONFIG_FILE, read_regular
from migrator.lifecycle import Calendar, DateError, Shutdown, default_today, read_shutdowns

DEFAULT_RULE_SET = "gpt-4.1"
RULE_SUFFIX = ".toml"
# How deep ``extends`` may chain: far more than any real layering, and a cycle stops here.
MAX_EXTENDS = 8

# Model IDs are short; anything longer is prose or data and can be rejected before any lookup.
MAX_MODEL_REF_LENGTH = 200
_DATED = re.compile(r"-\d{4}-\d{2}-\d{2}\Z")
_PREFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/:")
_FINE_TUNE_MARK = "ft:"


class RuleSetError(Exception):
    """The rule file is missing, malformed or inconsistent."""


class SnapshotMode(str, Enum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


@dataclass(frozen=True)
class Target:
    id: str
    snapshot: str
    max_output_tokens: int
    context_window: int
    inputs: frozenset[str]
    outputs: frozenset[str]


@dataclass(frozen=True)
class Source:
    id: str
    replacement: str
    dated: bool
    max_output_tokens: int | None = None


@dataclass(frozen=True)
class NoReplacement:
    id: str
    reason: str
    inputs: frozenset[str] = frozenset()
    outputs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ModelRef:
    """A string literal's value split into provider prefix (kept on rewrite) and model ID."""

    prefix: str
    model: str

    @property
    def text(self) -> str:
        return self.prefix + self.model


@dataclass(frozen=True)
class Migration:
    """A reference to a source model that has a drop-in replacement (MIG001)."""

    ref: ModelRef
    source: Source
    new_model: str
    deployment: bool
    when: str = "retires"  # "shuts down on 2027-01-14", "shut down on ...": see Calendar.verb

    @property
    def new_text(self) -> str:
        return self.ref.prefix + self.new_model


@dataclass(frozen=True)
class Retirement:
    """A reference to a retiring model with no drop-in replacement (MIG002)."""

    ref: ModelRef
    reason: str
    when: str = "retires"
    family: str = ""  # the rule set's display name: "no drop-in <family> replacement"


Classification = Union[Migration, Retirement]


@dataclass(frozen=True)
class RequestShapes:
    """Where a request names its model, sets its output limit and carries its inputs."""

    model_parameters: frozenset[str] = frozenset()
    output_token_parameters: frozenset[str] = frozenset()
    modalities_parameter: str = "modalities"
    audio_output_parameter: str = "audio"
    audio_output_modality: str = "audio"
    content_type_key: str = "type"
    content_types: Mapping[str, str] = field(default_factory=dict)  # part "type" -> modality
    typed_parts: Mapping[str, str] = field(default_factory=dict)  # constructor name -> modality
    deployment_parameters: frozenset[str] = frozenset()  # their value names a deployment
    azure_clients: frozenset[str] = frozenset()  # their model= names a deployment
    azure_client_marker: str = ""  # a client class whose name holds it: model= is a deployment
    deployment_call_parameters: frozenset[str] = frozenset()  # a call passing one is Azure
    deployment_markers: Mapping[str, str] = field(default_factory=dict)  # such a dict is Azure
    request_callees: frozenset[str] = frozenset()  # calls that send or configure a request


@dataclass(frozen=True)
class RuleSet:
    """A migration: its mapping, targets and facts, the API shapes it extends, and the day it is
    seen from (``calendar``), which decides whether a shutdown date is past."""

    name: str
    description: str
    targets: Mapping[str, Target]
    sources: Mapping[str, Source]
    no_replacement: Mapping[str, NoReplacement]
    fine_tune_bases: frozenset[str]
    deployment_prefixes: tuple[str, ...]
    requests: RequestShapes = field(default_factory=RequestShapes)
    path: Path | None = None
    display_name: str = ""  # how messages and help name the targets ("GPT-4.1")
    shutdowns: Mapping[str, Shutdown] = field(default_factory=dict)  # model ID -> its date
    calendar: Calendar = field(default_factory=lambda: Calendar(default_today()))
    other_families: tuple[str, ...] = ()  # model IDs (or "prefix-") of other families
    _by_snapshot: Mapping[str, Target] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_snapshot", {t.snapshot: t for t in self.targets.values()})

    # -- loading -------------------------------------------------------------------------------

    @classmethod
    def load(cls, rules: str | Path | None = None, *, base: Path | None = None) -> RuleSet:
        """A bundled rule set by name, or a rule file by path; without either, the default.

        A string is a path when it ends in ``.toml`` or holds a path separator (relative to
        ``base``, else the working directory); otherwise it names a bundled set.
        """
        path = rule_path(rules, base)
        data = read_rules(path) if path is not None else bundled_data(_name(rules))
        return cls.from_dict(data, path=path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path | None = None) -> RuleSet:
        where = str(path) if path else f"bundled rule set {data.get('name', '')!r}"
        data = with_bases(data, path, where)
        if "targets" not in data:
            raise RuleSetError(
                f"{where} has no [targets]: it holds API shapes only; use a migration rule set "
                f"that extends it (bundled: {', '.join(bundled_sets())})"
            )
        try:
            targets = {
                tid: Target(
                    id=tid,
                    snapshot=str(t["snapshot"]),
                    max_output_tokens=int(t["max_output_tokens"]),
                    context_window=int(t["context_window"]),
                    inputs=frozenset(t["inputs"]),
                    outputs=frozenset(t.get("outputs", ["text"])),
                )
                for tid, t in data["targets"].items()
            }
            sources = {
                sid: Source(
                    id=sid,
                    replacement=str(s["replacement"]),
                    dated=bool(s.get("dated", _DATED.search(sid) is not None)),
                    max_output_tokens=s.get("max_output_tokens"),
                )
                for sid, s in data.get("sources", {}).items()
            }
            no_replacement = {
                mid: NoReplacement(
                    id=mid,
                    reason=str(group["reason"]),
                    inputs=frozenset(group.get("inputs", ())),
                    outputs=frozenset(group.get("outputs", ())),
                )
                for group in data.get("no_replacement", [])
                for mid in group["ids"]
            }
            bases = frozenset(data.get("fine_tuned", {}).get("bases", []))
            prefixes = tuple(data.get("deployment_prefixes", []))
            req = data.get("requests", {})
            requests = RequestShapes(
                model_parameters=frozenset(req.get("model_parameters", ())),
                output_token_parameters=frozenset(req.get("output_token_parameters", ())),
                modalities_parameter=str(req.get("modalities_parameter", "modalities")),
                audio_output_parameter=str(req.get("audio_output_parameter", "audio")),
                audio_output_modality=str(req.get("audio_output_modality", "audio")),
                content_type_key=str(req.get("content_type_key", "type")),
                content_types=dict(req.get("content_types", {})),
                typed_parts=dict(req.get("typed_parts", {})),
                deployment_parameters=frozenset(req.get("deployment_parameters", ())),
                azure_clients=frozenset(req.get("azure_clients", ())),
                azure_client_marker=str(req.get("azure_client_marker", "")),
                deployment_call_parameters=frozenset(req.get("deployment_call_parameters", ())),
                deployment_markers={
                    str(k): str(v) for k, v in req.get("deployment_markers", {}).items()
                },
                request_callees=frozenset(req.get("request_callees", ())),
            )
            families = tuple(str(f) for f in data.get("families", {}).get("other", ()))
            shutdowns = read_shutdowns(data.get("shutdowns", []), where)
        except DateError as exc:
            raise RuleSetError(str(exc)) from exc
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RuleSetError(f"{where}: malformed rule set ({exc!r})") from exc
        for source in sources.values():
            if source.replacement not in targets:
                raise RuleSetError(
                    f"{where}: source {source.id!r} maps to {source.replacement!r}, "
                    "which is not a target"
                )
        name = str(data.get("name", where))
        return cls(
            name=name,
            display_name=str(data.get("display_name", name)),
            shutdowns=shutdowns,
            description=str(data.get("description", "")),
            targets=targets,
            sources=sources,
            no_replacement=no_replacement,
            fine_tune_bases=bases,
            deployment_prefixes=prefixes,
            requests=requests,
            path=path,
            other_families=families,
        )

    def with_overrides(self, models: Mapping[str, str]) -> RuleSet:
        """Apply ``[tool.migrator.models]``: each key now migrates to the given model.

        The caller has validated the new models. One outside the rule set (an SDK model the
        rule file does not describe) is written as given, and its limits are unknown.
        """
        sources = dict(self.sources)
        no_replacement = dict(self.no_replacement)
        for old, new in models.items():
            no_replacement.pop(old, None)
            previous = sources.get(old)
            sources[old] = Source(
                id=old,
                replacement=new,
                dated=previous.dated if previous else _DATED.search(old) is not None,
                max_output_tokens=previous.max_output_tokens if previous else None,
            )
        return replace(self, sources=sources, no_replacement=no_replacement)

    def seen_on(self, calendar: Calendar) -> RuleSet:
        """The same rule set seen from another day (messages say "shuts down" or "shut down")."""
        return replace(self, calendar=calendar)

    # -- questions -----------------------------------------------------------------------------

    def shutdown(self, model: str) -> Shutdown | None:
        """A model's announced shutdown (fine-tuned models shut down with their base)."""
        found = self.shutdowns.get(model)
        if found is None and model.startswith(_FINE_TUNE_MARK):
            found = self.shutdowns.get(model[len(_FINE_TUNE_MARK) :].split(":", 1)[0])
        return found

    def retired_mappings(self, snapshot: SnapshotMode) -> list[tuple[Source, str, dt.date]]:
        """Sources mapped to a model whose shutdown date is past: (source, model, date)."""
        found = []
        for source in self.sources.values():
            for model in dict.fromkeys((source.replacement, self.replacement(source, snapshot))):
                shutdown = self.shutdowns.get(model)
                if shutdown and shutdown.date and self.calendar.is_past(shutdown.date):
                    found.append((source, model, shutdown.date))
                    break
        return found

    @property
    def dated_models(self) -> list[tuple[str, str, Shutdown | None]]:
        """Every model of the rule set with its role and shutdown, by date (none last)."""
        roles: dict[str, str] = {}
        for target in self.targets.values():
            roles.setdefault(target.id, "target")
            roles.setdefault(target.snapshot, "target")
        for model in self.sources:
            roles.setdefault(model, "source")
        for model in self.no_replacement:
            roles.setdefault(model, "no replacement")
        rows = [(model, role, self.shutdowns.get(model)) for model, role in roles.items()]
        far = dt.date.max

        def order(row: tuple[str, str, Shutdown | None]) -> tuple[dt.date, str]:
            shutdown = row[2]
            return (shutdown.date if shutdown and shutdown.date else far, row[0])

        return sorted(rows, key=order)

    @property
    def all_model_ids(self) -> frozenset[str]:
        """Every ID the rule set names: what a fast screen has to look for."""
        ids = set(self.sources) | set(self.no_replacement) | set(self.targets)
        ids |= {t.snapshot for t in self.targets.values()}
        return frozenset(ids)

    @property
    def min_output_limit(self) -> int:
        """The smallest output-token limit of any target: what an unresolved model gets."""
        # A rule set with no targets migrates nothing, so there is no limit to exceed.
        return min((t.max_output_tokens for t in self.targets.values()), default=sys.maxsize)

    def target_for(self, model: str) -> Target | None:
        """The target a model ID is, by alias or snapshot."""
        return self.targets.get(model) or self._by_snapshot.get(model)

    def effective_target(self, model: str) -> Target | None:
        """The target a request to ``model`` will reach after migration, if the rule set knows."""
        source = self.sources.get(model)
        if source is not None:
            return self.targets.get(source.replacement)
        return self.target_for(model)

    def reached(self, value: str) -> Target | NoReplacement | None:
        """The model a request naming ``value`` (any prefix) reaches after migration: a target,
        or a model with no replacement, which keeps its own abilities. None: not one the rule
        set describes (also a source moved by configuration to a model outside it)."""
        found = self.resolve(value)
        if found is None:
            return None
        return self.effective_target(found[1]) or self.no_replacement.get(found[1])

    def replacement(self, source: Source, snapshot: SnapshotMode) -> str:
        target = self.targets.get(source.replacement)
        if target is None:
            return source.replacement
        pin = snapshot is SnapshotMode.ALWAYS or (snapshot is SnapshotMode.AUTO and source.dated)
        return target.snapshot if pin else target.id

    def split_refs(self, value: str) -> Iterator[ModelRef]:
        """Every way to read ``value`` as provider prefix + model ID, shortest prefix first."""
        if not value or len(value) > MAX_MODEL_REF_LENGTH:
            return
        yield ModelRef("", value)
        for i, ch in enumerate(value):
            if ch in "/:" and i + 1 < len(value):
                prefix = value[: i + 1]
                if _is_provider_prefix(prefix):
                    yield ModelRef(prefix, value[i + 1 :])

    def resolve(self, value: str) -> tuple[ModelRef, str] | None:
        """The model a string names, if it is one the rule set knows (``value`` may be prefixed)."""
        for ref in self.split_refs(value):
            if ref.model in self.sources or ref.model in self.no_replacement:
                return ref, ref.model
            if self.target_for(ref.model) is not None:
                return ref, ref.model
        return None

    def classify(self, value: str, snapshot: SnapshotMode) -> Classification | None:
        """What MIG001/MIG002 say about a string whose whole value is ``value``."""
        for ref in self.split_refs(value):
            base = self._fine_tune_base(ref.model)
            if base is not None:
                target = self.effective_target(base)
                family = self.display_name
                retune = (
                    f"re-tune on {target.snapshot}" if target else f"re-tune on a {family} model"
                )
                return Retirement(
                    ref,
                    f"fine-tuned on retiring {base}: the tuned weights do not "
                    f"move to a new base; {retune}",
                    when=self.calendar.verb(self.shutdowns.get(base)),
                    family=family,
                )
            source = self.sources.get(ref.model)
            if source is not None:
                return Migration(
                    ref=ref,
                    source=source,
                    new_model=self.replacement(source, snapshot),
                    deployment=ref.prefix.startswith(self.deployment_prefixes)
                    if self.deployment_prefixes
                    else False,
                    when=self.calendar.verb(self.shutdowns.get(ref.model)),
                )
            retired = self.no_replacement.get(ref.model)
            if retired is not None:
                return Retirement(
                    ref,
                    retired.reason,
                    when=self.calendar.verb(self.shutdowns.get(ref.model)),
                    family=self.display_name,
                )
        return None

    def is_model_id(self, value: str) -> bool:
        """Whether ``value`` (any provider prefix) names a model: one of the rule set, or one of
        another family it lists. What tells a catalogue from a list of requests."""
        if self.resolve(value) is not None:
            return True
        return any(_in_family(ref.model, self.other_families) for ref in self.split_refs(value))

    def _fine_tune_base(self, model: str) -> str | None:
        if not model.startswith(_FINE_TUNE_MARK):
            return None
        base = model[len(_FINE_TUNE_MARK) :].split(":", 1)[0]
        return base if base in self.fine_tune_bases else None


def bundled_sets() -> list[str]:
    """The names of the bundled rule sets (``migrator rules --sets``)."""
    folder = bundled_rules()
    return sorted(
        entry.name[: -len(RULE_SUFFIX)]
        for entry in folder.iterdir()
        if entry.name.endswith(RULE_SUFFIX)
    )


def bundled_data(name: str) -> dict[str, Any]:
    """A bundled rule set's TOML, as written (``extends`` not yet applied)."""
    if name not in bundled_sets():
        raise RuleSetError(
            f"unknown rule set {name!r}: not a bundled set ({', '.join(bundled_sets())}) "
            f"nor a path (a rule file's name ends in {RULE_SUFFIX})"
        )
    text = bundled_rules().joinpath(name + RULE_SUFFIX).read_text("utf-8")
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # a broken install, not a user error; still say it
        raise RuleSetError(f"bundled rule set {name!r} is not valid TOML: {exc}") from exc
    return data


def rule_path(rules: str | Path | None, base: Path | None = None) -> Path | None:
    """The file ``rules`` names, or None when it names a bundled set (or is None)."""
    if rules is None:
        return None
    if isinstance(rules, str) and not _is_path(rules):
        return None
    path = Path(rules)
    return path if path.is_absolute() or base is None else base / path


def read_rules(path: Path) -> dict[str, Any]:
    try:
        # A regular file of bounded size: a FIFO or /dev/zero must not hang or flood the run.
        text = read_regular(Path(path), limit=MAX_CONFIG_FILE).decode("utf-8")
        data: dict[str, Any] = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleSetError(f"cannot read rule file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(f"rule file {path} is not valid TOML: {exc}") from exc
    return data


def with_bases(data: Mapping[str, Any], path: Path | None, where: str) -> dict[str, Any]:
    """``data`` laid over what it ``extends`` (a bundled name, or a path relative to it).

    Tables merge key by key and the extending file wins; a list or value replaces the base's.
    """
    merged = dict(data)
    seen: list[str] = []
    while "extends" in merged:
        parent = merged.pop("extends")
        if not isinstance(parent, str) or not parent.strip():
            raise RuleSetError(f"{where}: extends must name a rule set (a bundled name or a path)")
        seen.append(parent)
        if len(seen) > MAX_EXTENDS or seen.count(parent) > 1:
            raise RuleSetError(f"{where}: extends loops or chains too deep: {' -> '.join(seen)}")
        base_path = rule_path(parent, path.parent if path is not None else None)
        base = read_rules(base_path) if base_path is not None else bundled_data(parent)
        if base_path is not None:
            path = base_path
        merged = _merge(base, merged)
    return merged


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        below = out.get(key)
        if isinstance(below, Mapping) and isinstance(value, Mapping):
            out[key] = _merge(below, value)
        else:
            out[key] = value
    return out


def _is_path(rules: str) -> bool:
    return rules.endswith(RULE_SUFFIX) or "/" in rules or "\\" in rules


def _name(rules: str | Path | None) -> str:
    return DEFAULT_RULE_SET if rules is None else str(rules)


def bundled_rules() -> Traversable:
    """The folder of bundled rule files.

    A wheel ships ``rules/`` as the package ``migrator.rules``; a source checkout or an
    editable install has it at the top of the repository, beside ``migrator/``.
    """
    try:
        return resources.files("migrator.rules")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "rules"


def _in_family(model: str, families: tuple[str, ...]) -> bool:
    for family in families:
        if family.endswith("-"):
            if model.startswith(family):
                return True
        elif model == family or model.startswith(family + "-"):
            return True
    return False


def _is_provider_prefix(prefix: str) -> bool:
    # Segments of [A-Za-z0-9_.-] each closed by '/' or ':', e.g. "openrouter/openai/".
    # Checked by hand rather than with a repeated-group regex, which could backtrack.
    if not _PREFIX_CHARS.issuperset(prefix):
        return False
    segments = prefix[:-1].replace(":", "/").split("/")
    # Empty, "." and ".." segments make a file path, not a provider route.
    return all(segment.strip(".") for segment in segments)
