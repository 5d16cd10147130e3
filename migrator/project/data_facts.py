"""Occurrences of migrating model IDs in data files (YAML, JSON, TOML, .env), with roles.

A data file has no lookups; its model IDs are values, catalogue entries (a key of a mapping
keyed by model IDs, what such a key holds, a list naming other models too, a list of
per-model settings) or deployment names (a mapping that says ``api_type: azure``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from migrator import tomlcompat as tomllib
from migrator.checks import wording
from migrator.kinds.scalars import Document, Positions, Scalar, model_offsets
from migrator.project.facts import CATALOGUE, DEPLOYMENT, Occurrence
from migrator.project.python_facts import PythonFacts

KINDS = frozenset({"json", "jsonl", "yaml", "toml", "env"})


def scalars_of(kind: str, text: str, facts: PythonFacts) -> list[Scalar]:
    """The file's scalars as its kind's checker reads them; none if it does not parse."""
    try:
        if kind == "json":
            from migrator.kinds import jsonscan

            json.loads(text)
            return jsonscan.scan(text, within=model_offsets(text, facts.ruleset))
        if kind == "jsonl":
            return _jsonl_scalars(text)
        if kind == "yaml":
            import yaml

            from migrator.kinds import yaml_files

            return yaml_files.scan(list(yaml.parse(text, Loader=yaml.SafeLoader)))
        if kind == "toml":
            from migrator.kinds import toml_files

            tomllib.loads(text)
            return toml_files.scan(text)
        if kind == "env":
            from migrator.kinds import env_files

            return env_files.scan(text)
    except Exception:  # not valid in its format: its checker reports that, the view skips it
        return []
    return []


def _jsonl_scalars(text: str) -> list[Scalar]:
    from migrator.kinds import jsonscan

    out: list[Scalar] = []
    offset = 0
    for line in text.split("\n"):  # as the JSON Lines checker splits them
        if line.strip():
            try:
                json.loads(line)
                out.extend(jsonscan.scan(text, offset))
            except Exception:  # a line the checker reports as broken
                pass
        offset += len(line) + 1
    return out


def data_occurrences(
    kind: str, source: bytes, facts: PythonFacts
) -> tuple[list[Occurrence], list[frozenset[str]]]:
    doc = Document.decode(source)
    if isinstance(doc, str):
        return [], []
    scalars = [s for s in scalars_of(kind, doc.text, facts) if isinstance(s.value, str)]
    moved = [s for s in scalars if facts.moved(s.value) is not None]
    if not moved:
        return [], []
    roles = _roles(scalars, facts)
    positions = Positions(doc.text)
    out = []
    for scalar in moved:
        line, column = positions.at(scalar.start)
        role, what, group = roles.get(id(scalar), ("value", "", -1))
        out.append(Occurrence(scalar.value, line, column, role, what, 0, group))
    return out, roles.catalogues


class _Roles(dict[int, tuple[str, str, int]]):
    def __init__(self) -> None:
        super().__init__()
        self.catalogues: list[frozenset[str]] = []

    def claim(
        self, scalar: Scalar, role: str, what: str, members: frozenset[str] = frozenset()
    ) -> None:
        if id(scalar) in self:
            return
        group = -1
        if role == CATALOGUE:
            self.catalogues.append(members)
            group = len(self.catalogues) - 1
        self[id(scalar)] = (role, what, group)


def _roles(scalars: Sequence[Scalar], facts: PythonFacts) -> _Roles:
    roles = _Roles()
    model = facts.model
    # Mappings keyed by model IDs: by the mapping's path (files without paths: one mapping).
    keyed: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for s in scalars:
        if s.key and model(s.value):
            keyed[s.path[:-1]].add(model(s.value) or "")
    # One set per mapping, shared by its keys' groups: a price table of 2,000 models would
    # otherwise hold 2,000 copies of its keys (pickle sends a shared object once).
    frozen = {path: frozenset(members) for path, members in keyed.items()}
    what = "a mapping keyed by model IDs"
    for s in scalars:
        if s.key and model(s.value):
            roles.claim(s, CATALOGUE, what, frozen[s.path[:-1]])
            continue
        owner = _model_key(s, model)
        if owner is not None and not s.key and model(s.value):
            members = frozen.get(owner[1]) or frozenset({model(owner[0]) or ""})
            roles.claim(s, CATALOGUE, f"the entry for '{owner[0]}' of {what}", members)
    # Lists that name other models too, and lists of mappings each naming a model.
    lists: dict[Any, list[Scalar]] = defaultdict(list)
    for s in scalars:
        if s.key or not model(s.value):
            continue
        if s.array is not None:
            lists[("array", s.array)].append(s)
        if len(s.path) >= 2 and isinstance(s.path[-2], int):
            lists[("items", s.path[:-2])].append(s)
    for (shape, _), listed in lists.items():
        distinct = {model(s.value) or "" for s in listed}
        if len(distinct) < 2 or all(facts.moved(s.value) for s in listed):
            continue
        what = "a collection of models" if shape == "array" else "a list of per-model settings"
        for s in listed:
            roles.claim(s, CATALOGUE, what, frozenset(distinct))
    _deployments(scalars, facts, roles)
    return roles


def _model_key(scalar: Scalar, model: Any) -> tuple[str, tuple[Any, ...]] | None:
    """The model-ID key a value sits under (at any depth where paths are known), and the path
    of that key's mapping."""
    for depth in range(len(scalar.path) - 1, -1, -1):
        step = scalar.path[depth]
        if isinstance(step, str) and model(step):
            return step, scalar.path[:depth]
    if scalar.parent_key and model(scalar.parent_key):
        return scalar.parent_key, scalar.path[:-1]
    return None


def _deployments(scalars: Sequence[Scalar], facts: PythonFacts, roles: _Roles) -> None:
    markers = facts.ruleset.requests.deployment_markers
    parameters = facts.ruleset.requests.model_parameters
    if not markers:
        return
    azure: dict[tuple[Any, ...], str] = {}
    for s in scalars:
        if not s.key and s.parent_key is not None and markers.get(s.parent_key) == s.value:
            azure[s.path[:-1]] = wording.azure_config(f"{s.parent_key}: {s.value}")
    for s in scalars:
        if not s.key and s.parent_key in parameters and s.path[:-1] in azure:
            roles.claim(s, DEPLOYMENT, azure[s.path[:-1]])
