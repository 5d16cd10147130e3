"""MIG003 and MIG004 on a Batch API request body, read from a ``.jsonl`` line.

The same questions the Python checks ask of a call, asked of a JSON body: does it ask for more
output tokens than the model it will reach allows, and does it send or ask for a modality that
model does not take? Parameter names, limits and modalities come from the rule set.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from migrator.checks.judging import ModelInfo, limit_verdict, modality_verdict, model_info
from migrator.checks.wording import LIMIT_FIX_REASON, limit_exceeded, unsupported
from migrator.findings import Fix
from migrator.kinds.scalars import Candidate, Scalar
from migrator.ruleset import RuleSet

# The modality that the audio-output parameter (``audio={...}``) asks for.
_AUDIO = "audio"


@dataclass(frozen=True)
class Model:
    """The model a request reaches after migration; ``info`` None: not a static value."""

    info: ModelInfo | None


def request_model(body: Mapping[str, Any], ruleset: RuleSet) -> Model | None:
    """The request's model after migration (a target, or a model with no replacement, which
    keeps its own abilities), as the Python checks judge it; None when the rule set does not
    describe it. A body that names no model is held to what every target takes."""
    for name in sorted(ruleset.requests.model_parameters):
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            return Model(None)
        info = model_info(ruleset, value)
        return Model(info) if info is not None else None
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
    for name in sorted(ruleset.requests.output_token_parameters):
        value = body.get(name)
        scalar = values.get((*base, name))
        if type(value) is not int or scalar is None:
            continue
        verdict = limit_verdict(model.info, value, ruleset)
        if verdict is None:
            continue
        limit, holder = verdict
        fix = Fix(str(limit), safe=False, reason=LIMIT_FIX_REASON)
        yield Candidate(scalar, "MIG003", limit_exceeded(name, value, holder), fix, limit)


def _modalities(
    body: Mapping[str, Any],
    values: Mapping[tuple[Any, ...], Scalar],
    keys: Mapping[tuple[Any, ...], Scalar],
    base: tuple[Any, ...],
    model: Model,
    ruleset: RuleSet,
) -> Iterator[Candidate]:
    requests = ruleset.requests
    for where, part_type in _content_parts(body, base, requests.content_type_key):
        modality = requests.content_types.get(part_type)
        scalar = values.get((*where, requests.content_type_key))
        if modality is None or scalar is None:
            continue
        verdict = modality_verdict(model.info, modality, False, ruleset)
        if verdict is not None:
            what = f"'{part_type}' part"
            yield Candidate(scalar, "MIG004", unsupported(modality, False, what, verdict))
    asked = body.get(requests.modalities_parameter)
    reported_audio = False
    if isinstance(asked, list):
        for index, modality in enumerate(asked):
            scalar = values.get((*base, requests.modalities_parameter, index))
            if not isinstance(modality, str) or scalar is None:
                continue
            verdict = modality_verdict(model.info, modality, True, ruleset)
            if verdict is None:
                continue
            reported_audio |= modality == _AUDIO
            what = f"'{modality}' in {requests.modalities_parameter}"
            yield Candidate(scalar, "MIG004", unsupported(modality, True, what, verdict))
    # Audio output is asked for by an audio config (a dict), as the Python check reads it:
    # ``"audio": null`` asks for nothing.
    audio_key = keys.get((*base, requests.audio_output_parameter))
    if audio_key is not None and isinstance(body.get(requests.audio_output_parameter), dict):
        verdict = modality_verdict(model.info, _AUDIO, True, ruleset)
        if verdict is not None and not reported_audio:
            what = f"'{requests.audio_output_parameter}' key"
            yield Candidate(audio_key, "MIG004", unsupported(_AUDIO, True, what, verdict))


def _content_parts(
    value: Any, path: tuple[Any, ...], key: str = "type"
) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every ``{key: <content type>, ...}`` object under ``value``, with its path."""
    stack = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            kind = node.get(key)
            if isinstance(kind, str):
                yield where, kind
            stack.extend((child, (*where, k)) for k, child in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((child, (*where, i)) for i, child in reversed(list(enumerate(node))))
