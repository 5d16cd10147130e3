"""MIG003 and MIG004 on a Batch API request body, read from a ``.jsonl`` line.

The same questions the Python checks ask of a call, asked of a JSON body: does it ask for more
output tokens than the model it will reach allows, and does it send or ask for a modality that
model does not take? Parameter names, limits and modalities come from the rule set.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from migrator.checks.wording import (
    LIMIT_FIX_REASON,
    limit_exceeded,
    model_limit,
    not_supported_by,
    not_supported_by_any_target,
    unresolved_limit,
    unsupported,
)
from migrator.findings import Fix
from migrator.kinds.scalars import Candidate, Scalar
from migrator.ruleset import RuleSet, Target

# The modality that the audio-output parameter (``audio={...}``) asks for.
_AUDIO = "audio"


@dataclass(frozen=True)
class Model:
    """The model a request will reach after migration; ``target`` None means not resolved."""

    target: Target | None


def request_model(body: Mapping[str, Any], ruleset: RuleSet) -> Model | None:
    """The request's model after migration; None when it is outside the rule set.

    A model the rule set knows but has no target for (an audio model, already MIG002) is
    outside too: its own checks say what to do with it.
    """
    for name in sorted(ruleset.requests.model_parameters):
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            return Model(None)
        resolved = ruleset.resolve(value)
        if resolved is None:
            return None
        target = ruleset.effective_target(resolved[1])
        return Model(target) if target is not None else None
    return Model(None)


def request_candidates(
    body: Mapping[str, Any],
    values: Mapping[tuple[Any, ...], Scalar],
    keys: Mapping[tuple[Any, ...], Scalar],
    base: tuple[Any, ...],
    ruleset: RuleSet,
) -> list[Candidate]:
    """MIG003/MIG004 findings for ``body``, found at ``base`` in the scanned line."""
    model = request_model(body, ruleset)
    if model is None:
        return []
    return [
        *_output_limits(body, values, base, model, ruleset),
        *_modalities(body, values, keys, base, model, ruleset),
    ]


def _output_limits(
    body: Mapping[str, Any],
    values: Mapping[tuple[Any, ...], Scalar],
    base: tuple[Any, ...],
    model: Model,
    ruleset: RuleSet,
) -> Iterator[Candidate]:
    limit = model.target.max_output_tokens if model.target else ruleset.min_output_limit
    for name in sorted(ruleset.requests.output_token_parameters):
        value = body.get(name)
        if type(value) is not int or value <= limit:
            continue
        scalar = values.get((*base, name))
        if scalar is None:
            continue
        holder = model_limit(model.target.id, limit) if model.target else unresolved_limit(limit)
        message = limit_exceeded(name, value, holder)
        fix = Fix(str(limit), safe=False, reason=LIMIT_FIX_REASON)
        yield Candidate(scalar, "MIG003", message, fix, limit)


def _modalities(
    body: Mapping[str, Any],
    values: Mapping[tuple[Any, ...], Scalar],
    keys: Mapping[tuple[Any, ...], Scalar],
    base: tuple[Any, ...],
    model: Model,
    ruleset: RuleSet,
) -> Iterator[Candidate]:
    requests = ruleset.requests
    accepted_inputs, produced = _capabilities(model, ruleset)

    def verdict(output: bool) -> str:
        if model.target is None:
            return not_supported_by_any_target()
        return not_supported_by(model.target.id, output, produced if output else accepted_inputs)

    for where, part_type in _content_parts(body, base):
        modality = requests.content_types.get(part_type)
        scalar = values.get((*where, "type"))
        if modality is None or modality in accepted_inputs or scalar is None:
            continue
        yield Candidate(
            scalar,
            "MIG004",
            unsupported(modality, False, f"'{part_type}' part", verdict(False)),
        )
    asked = body.get(requests.modalities_parameter)
    reported_audio = False
    if isinstance(asked, list):
        for index, modality in enumerate(asked):
            scalar = values.get((*base, requests.modalities_parameter, index))
            if not isinstance(modality, str) or modality in produced or scalar is None:
                continue
            reported_audio |= modality == _AUDIO
            yield Candidate(
                scalar,
                "MIG004",
                unsupported(
                    modality,
                    True,
                    f"'{modality}' in {requests.modalities_parameter}",
                    verdict(True),
                ),
            )
    audio_key = keys.get((*base, requests.audio_output_parameter))
    if audio_key is not None and _AUDIO not in produced and not reported_audio:
        yield Candidate(
            audio_key,
            "MIG004",
            unsupported(_AUDIO, True, f"'{requests.audio_output_parameter}' key", verdict(True)),
        )


def _capabilities(model: Model, ruleset: RuleSet) -> tuple[frozenset[str], frozenset[str]]:
    """What the model takes in and gives out; for an unresolved model, what any target does."""
    if model.target is not None:
        return model.target.inputs, model.target.outputs
    targets = ruleset.targets.values()
    inputs = frozenset().union(*(t.inputs for t in targets))
    outputs = frozenset().union(*(t.outputs for t in targets))
    return inputs, outputs


def _content_parts(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every ``{"type": <content type>, ...}`` object under ``value``, with its path."""
    stack = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            kind = node.get("type")
            if isinstance(kind, str):
                yield where, kind
            stack.extend((child, (*where, key)) for key, child in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((child, (*where, i)) for i, child in reversed(list(enumerate(node))))
