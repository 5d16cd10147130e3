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
from migrator.results import SourceResult

_STYLES = {None: "plain", "'": "'", '"': '"', "|": "plain", ">": "plain"}


def check_yaml(source: bytes, path: str, settings: Settings, *, fix: bool) -> SourceResult:
    doc = open_document(source, settings)
    if isinstance(doc, SourceResult):
        return doc
    import yaml

    try:
        events = parse_bounded(doc.text)
    except TooComplex as exc:
        return SourceResult(error=str(exc))
    except yaml.YAMLError as exc:  # templated YAML (Helm, Jinja) lands here
        return skipped(f"not valid YAML ({_one_line(exc)})")
    scalars = scan(events)
    candidates = [_stays_string(c) for c in model_candidates(doc.text, scalars, settings)]
    return finish(doc, candidates, path, settings, fix=fix, verify=verify_yaml, comments=True)


# Bounds checked while parsing, so that a small hostile file cannot hang a run. Collections
# nest deeper than this in no hand-written file; PyYAML's scanner costs time in proportion to
# the open flow collections for every token, and its composer recurses once per level.
MAX_DEPTH = 64
# Aliases may make the loaded document at most this many times the nodes written, plus
# EXPANSION_SLACK: a 460-byte "billion laughs" file stands for 10^9 nodes, and comparing the
# loaded data before and after a fix would walk every one of them.
EXPANSION_FACTOR = 10
EXPANSION_SLACK = 100_000
# The scanner's work per character of text: every time it asks whether it needs more tokens
# it rechecks each pending simple key (one per open flow collection) and, on the way out,
# shifts its token queue (which grows while a key is pending, up to 1,024 characters ahead).
# Measured at most 2 per character on 1,500 real YAML files; a single line of nested flow
# collections costs hundreds.
SCAN_WORK_PER_CHAR = 20
SCAN_WORK_SLACK = 200_000  # a single line nested MAX_DEPTH deep costs about 100,000


class TooComplex(Exception):
    """The file nests or aliases beyond the bounds above; it is not checked (an error)."""


def parse_bounded(text: str) -> list[Any]:
    """The event stream of ``text``; raises ``TooComplex`` past the bounds, before the cost."""
    import yaml

    loader = _bounded_loader()(text)
    loader.scan_budget = SCAN_WORK_SLACK + SCAN_WORK_PER_CHAR * len(text)
    events: list[Any] = []
    # Per open collection: [anchor, nodes it stands for once aliases are expanded].
    open_nodes: list[list[Any]] = [[None, 0]]
    expanded: dict[str, int] = {}
    try:
        while loader.check_event():
            event = loader.get_event()
            events.append(event)
            if isinstance(event, yaml.CollectionStartEvent):
                if len(open_nodes) > MAX_DEPTH:
                    raise TooComplex(f"YAML nested more than {MAX_DEPTH} levels deep; not checked")
                open_nodes.append([event.anchor, 1])
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, size = open_nodes.pop()
                open_nodes[-1][1] += size
                if anchor is not None:
                    expanded[anchor] = size
            elif isinstance(event, yaml.AliasEvent):
                open_nodes[-1][1] += expanded.get(event.anchor or "", 1)
            elif isinstance(event, yaml.ScalarEvent):
                open_nodes[-1][1] += 1
            if open_nodes[0][1] > EXPANSION_SLACK + EXPANSION_FACTOR * len(events):
                raise TooComplex(
                    'YAML aliases expand to too many nodes (a "billion laughs" file?); not checked'
                )
    finally:
        loader.dispose()
    return events


def _bounded_loader() -> Any:
    """PyYAML's safe loader with its scanner's work bounded (built once, on first use)."""
    global _BOUNDED_LOADER
    if _BOUNDED_LOADER is not None:
        return _BOUNDED_LOADER
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        scan_budget = 0

        def stale_possible_simple_keys(self) -> None:
            # Called for every token, and loops over one pending key per open flow collection.
            if self.flow_level > MAX_DEPTH:
                raise TooComplex(f"YAML nested more than {MAX_DEPTH} levels deep; not checked")
            self.scan_budget -= 1 + len(self.possible_simple_keys) + len(self.tokens)
            if self.scan_budget < 0:
                raise TooComplex("YAML too costly to parse (deep flow collections); not checked")
            super().stale_possible_simple_keys()

    _BOUNDED_LOADER = BoundedLoader
    return BoundedLoader


_BOUNDED_LOADER: Any = None


def scan(events: list[Any]) -> list[Scalar]:
    """Scalars with their offsets, keys marked, values tagged with their key or list."""
    import yaml

    out: list[Scalar] = []
    # One entry per open collection: [is a mapping, next node is a key, last key, list offset,
    # where the current node sits in it (its key, or its index in a list)]
    stack: list[list[Any]] = []
    for event in events:
        is_node = isinstance(
            event,
            (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent),
        )
        top = stack[-1] if stack else None
        is_key = bool(top and top[0] and top[1]) if is_node else False
        if is_node and top is not None and not top[0]:
            top[4] = 0 if top[4] is None else top[4] + 1
        if isinstance(event, yaml.ScalarEvent):
            parent_key = top[2] if top and top[0] and not is_key else None
            array = top[3] if top and not top[0] else None
            if is_key and top is not None:
                top[4] = event.value
            out.append(
                Scalar(
                    _offset(event.start_mark),
                    _offset(event.end_mark),
                    event.value,
                    key=is_key,
                    parent_key=parent_key,
                    array=array,
                    path=tuple(entry[4] for entry in stack),
                    style=_STYLES.get(event.style, '"'),
                )
            )
            if is_key and top is not None:
                top[2] = event.value
        if is_node and top is not None and top[0]:
            top[1] = not top[1]
        if isinstance(event, yaml.MappingStartEvent):
            stack.append([True, True, None, None, None])
        elif isinstance(event, yaml.SequenceStartEvent):
            stack.append([False, False, None, _offset(event.start_mark), None])
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
        after = _shape(parse_bounded(new))
    except (yaml.YAMLError, TooComplex) as exc:
        raise VerifyError(f"the fixed file would not be valid YAML ({_one_line(exc)})") from None
    changes = tree_changes(_shape(parse_bounded(old)), after)
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
