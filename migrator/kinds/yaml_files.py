"""``*.yaml`` / ``*.yml``: scalars (values and keys) that are exactly a retiring model ID.

PyYAML's event stream gives each scalar with its place in the text and its style, and tells keys
from values; working on events rather than loaded objects also copes with custom tags
(``!Ref``) and several documents in one file. PyYAML is imported only when a YAML file mentions
a model: most runs never load it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from typing import Any

from migrator.config import Settings
from migrator.kinds.scalars import (
    Candidate,
    Scalar,
    VerifyError,
    finish,
    model_candidates,
    open_document,
    skipped,
    tree_changes,
)
from migrator.runner import SourceResult

_STYLES = {None: "plain", "'": "'", '"': '"', "|": "plain", ">": "plain"}


def check_yaml(source: bytes, path: str, settings: Settings, *, fix: bool) -> SourceResult:
    doc = open_document(source, settings)
    if isinstance(doc, SourceResult):
        return doc
    import yaml

    try:
        events = list(yaml.parse(doc.text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:  # templated YAML (Helm, Jinja) lands here
        return skipped(f"not valid YAML ({_one_line(exc)})")
    scalars = scan(events)
    candidates = [_stays_string(c) for c in model_candidates(doc.text, scalars, settings)]
    return finish(doc, candidates, path, settings, fix=fix, verify=verify_yaml, comments=True)


def scan(events: list[Any]) -> list[Scalar]:
    """Scalars with their offsets, keys marked, values tagged with their key or list."""
    import yaml

    out: list[Scalar] = []
    # One entry per open collection: [is a mapping, next node is a key, last key, list offset]
    stack: list[list[Any]] = []
    for event in events:
        is_node = isinstance(
            event,
            (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent),
        )
        top = stack[-1] if stack else None
        is_key = bool(top and top[0] and top[1]) if is_node else False
        if isinstance(event, yaml.ScalarEvent):
            parent_key = top[2] if top and top[0] and not is_key else None
            array = top[3] if top and not top[0] else None
            out.append(
                Scalar(
                    _offset(event.start_mark),
                    _offset(event.end_mark),
                    event.value,
                    key=is_key,
                    parent_key=parent_key,
                    array=array,
                    style=_STYLES.get(event.style, '"'),
                )
            )
            if is_key and top is not None:
                top[2] = event.value
        if is_node and top is not None and top[0]:
            top[1] = not top[1]
        if isinstance(event, yaml.MappingStartEvent):
            stack.append([True, True, None, None])
        elif isinstance(event, yaml.SequenceStartEvent):
            stack.append([False, False, None, _offset(event.start_mark)])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
    return out


def _offset(mark: Any) -> int:
    # The pure-Python loader (used here) sets every mark; its index counts characters.
    assert mark is not None
    return int(mark.index)


def _stays_string(candidate: Candidate) -> Candidate:
    """Quote a plain replacement that YAML would not read as a string (``1.5`` is a float)."""
    import yaml

    fix = candidate.fix
    if fix is None:
        return candidate
    try:
        if isinstance(yaml.safe_load(fix.replacement), str):
            return candidate
    except yaml.YAMLError:
        pass
    quoted = replace(fix, replacement=json.dumps(candidate.new_value))
    return replace(candidate, fix=quoted)


def verify_yaml(old: str, new: str) -> Counter[tuple[Any, Any]]:
    import yaml

    try:
        after = _shape(yaml.parse(new, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise VerifyError(f"the fixed file would not be valid YAML ({_one_line(exc)})") from None
    changes = tree_changes(_shape(yaml.parse(old, Loader=yaml.SafeLoader)), after)
    # Events do not see a key that now appears twice in a mapping; the loaded data does (where
    # plain YAML loads at all: custom tags such as !Ref do not).
    try:
        loaded = list(yaml.safe_load_all(old))
    except yaml.YAMLError:
        return changes
    try:
        tree_changes(loaded, list(yaml.safe_load_all(new)))
    except yaml.YAMLError as exc:
        raise VerifyError(f"the fixed file would not be valid YAML ({_one_line(exc)})") from None
    return changes


def _shape(events: Any) -> list[Any]:
    """The event stream as comparable data: a scalar is its value after a marker of its kind."""
    import yaml

    out: list[Any] = []
    for event in events:
        if isinstance(event, yaml.ScalarEvent):
            # Not its style: a replacement may need quotes the old value did not (see
            # _stays_string); what a value reads as is checked on the loaded data.
            out.append(("scalar", event.anchor, event.tag))
            out.append(event.value)
        elif isinstance(event, yaml.CollectionStartEvent):
            out.append((type(event).__name__, event.anchor, event.tag, event.flow_style))
        elif isinstance(event, yaml.AliasEvent):
            out.append(("alias", event.anchor))
        else:
            out.append((type(event).__name__,))
    return out


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
