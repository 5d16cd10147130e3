"""The migration rule set: which model IDs move where, and what each target accepts.

The data lives in ``rules/*.toml``; this module only loads it and answers questions about it.
"""

from __future__ import annotations

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

DEFAULT_RULE_SET = "gpt-4.1"

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

    @property
    def new_text(self) -> str:
        return self.ref.prefix + self.new_model


@dataclass(frozen=True)
class Retirement:
    """A reference to a retiring model with no drop-in replacement (MIG002)."""

    ref: ModelRef
    reason: str


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
    name: str
    description: str
    targets: Mapping[str, Target]
    sources: Mapping[str, Source]
    no_replacement: Mapping[str, NoReplacement]
    fine_tune_bases: frozenset[str]
    deployment_prefixes: tuple[str, ...]
    requests: RequestShapes = field(default_factory=RequestShapes)
    path: Path | None = None
    other_families: tuple[str, ...] = ()  # model IDs (or "prefix-") of other families
    _by_snapshot: Mapping[str, Target] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_snapshot", {t.snapshot: t for t in self.targets.values()})

    # -- loading -------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | None = None) -> RuleSet:
        """Load a rule file; without a path, the bundled default rule set."""
        try:
            if path is None:
                text = bundled_rules().joinpath(f"{DEFAULT_RULE_SET}.toml").read_text("utf-8")
            else:
                text = read_regular(path, limit=MAX_CONFIG_FILE).decode("utf-8")
            data = tomllib.loads(text)
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleSetError(f"cannot read rule file {path}: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise RuleSetError(f"rule file {path} is not valid TOML: {exc}") from exc
        return cls.from_dict(data, path=path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path | None = None) -> RuleSet:
        where = str(path) if path else "bundled rule set"
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
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RuleSetError(f"{where}: malformed rule set ({exc!r})") from exc
        for source in sources.values():
            if source.replacement not in targets:
                raise RuleSetError(
                    f"{where}: source {source.id!r} maps to {source.replacement!r}, "
                    "which is not a target"
                )
        return cls(
            name=str(data.get("name", where)),
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

    # -- questions -----------------------------------------------------------------------------

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
                retune = f"re-tune on {target.snapshot}" if target else "re-tune on a GPT-4.1 model"
                return Retirement(
                    ref,
                    f"fine-tuned on retiring {base}: the tuned weights do not "
                    f"move to a new base; {retune}",
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
                )
            retired = self.no_replacement.get(ref.model)
            if retired is not None:
                return Retirement(ref, retired.reason)
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
