"""The judging core of MIG003 and MIG004: what a request reaches after migration, and whether
that model takes the request's output-token limit and its modalities.

One place for every file kind: the Python checks ask it of a call or dict display, the Batch
API checks of a ``.jsonl`` request body; messages come from ``checks.wording``.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrator.checks.wording import (
    model_limit,
    not_supported_by,
    not_supported_by_any_target,
    unresolved_limit,
)
from migrator.ruleset import RuleSet, Target


@dataclass(frozen=True)
class ModelInfo:
    """What the rule set says a request will reach after migration."""

    name: str  # a target, or a model with no replacement (which keeps its own abilities)
    max_output_tokens: int | None
    inputs: frozenset[str]
    outputs: frozenset[str]


def model_info(ruleset: RuleSet, value: str) -> ModelInfo | None:
    """What a model string (with any provider prefix) reaches after migration, if known."""
    reached = ruleset.reached(value)
    if reached is None:
        return None
    limit = reached.max_output_tokens if isinstance(reached, Target) else None
    return ModelInfo(reached.id, limit, reached.inputs, reached.outputs)


def limit_verdict(model: ModelInfo | None, value: int, ruleset: RuleSet) -> tuple[int, str] | None:
    """The limit ``value`` exceeds and whose it is, for a request to ``model`` (None: a model
    that is not a static value, held to the limit every target allows); None when within."""
    if model is None:
        floor = ruleset.min_output_limit
        return (floor, unresolved_limit(floor)) if value > floor else None
    limit = model.max_output_tokens
    if limit is None or value <= limit:
        return None
    return limit, model_limit(model.name, limit)


def supports(model: ModelInfo | None, modality: str, output: bool, ruleset: RuleSet) -> bool:
    """Whether a request to ``model`` can carry ``modality``; a model that is not a static
    value (None) gets the benefit of the doubt if any target can."""
    if model is not None:
        return modality in (model.outputs if output else model.inputs)
    targets = ruleset.targets.values()
    return any(modality in (t.outputs if output else t.inputs) for t in targets)


def modality_verdict(
    model: ModelInfo | None, modality: str, output: bool, ruleset: RuleSet
) -> str | None:
    """Why a request to ``model`` cannot carry ``modality``; None when it can."""
    if supports(model, modality, output, ruleset):
        return None
    if model is None:
        return not_supported_by_any_target()
    return not_supported_by(model.name, output, model.outputs if output else model.inputs)
