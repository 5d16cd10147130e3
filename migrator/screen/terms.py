"""What the screens look for, taken from the rule set: there is no second list to keep in step."""

from __future__ import annotations

from migrator.ruleset import RuleSet


class ScreenTerms:
    """The rule set's model IDs and request vocabulary, as the two screens use them."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.limit = ruleset.min_output_limit
        requests = ruleset.requests
        self.token_parameters = frozenset(requests.output_token_parameters)
        self.model_parameters = frozenset(requests.model_parameters)
        self.modalities_parameter = requests.modalities_parameter
        self.audio_parameter = requests.audio_output_parameter
        self.modality_keywords = frozenset({self.modalities_parameter, self.audio_parameter})
        nowhere, somewhere = _unsupported_modalities(ruleset)
        # Content types and typed constructors whose modality no target accepts: findings
        # whatever the request's model. One that only some model lacks (file: gpt-4.1-nano,
        # image: a search preview) is a finding only for a request to such a model, which the
        # file must then name.
        types = requests.content_types
        self.nowhere = nowhere
        self.content_modality = dict(types)
        self.modalities = frozenset({*types.values(), *requests.typed_parts.values()})
        self.content_types = frozenset(t for t, m in types.items() if m in nowhere)
        self.partial_content_types = frozenset(t for t, m in types.items() if m in somewhere)
        self.typed_parts = frozenset(
            n for n, m in requests.typed_parts.items() if m in nowhere | somewhere
        )
        self.model_ids = model_ids(ruleset)
        self.model_ends = tuple(sorted(self.model_ids))


def _unsupported_modalities(ruleset: RuleSet) -> tuple[frozenset[str], frozenset[str]]:
    """Input modalities no target accepts, and those some model a request may reach lacks.

    A request reaches a target, or a model with no replacement, which keeps its own (often
    narrower) inputs: a search preview takes no image.
    """
    requests = ruleset.requests
    named = set(requests.content_types.values()) | set(requests.typed_parts.values())
    targets = list(ruleset.targets.values())
    reached = [t.inputs for t in targets] + [r.inputs for r in ruleset.no_replacement.values()]
    nowhere = {m for m in named if not any(m in t.inputs for t in targets)}
    somewhere = {m for m in named if not all(m in inputs for inputs in reached)} - nowhere
    return frozenset(nowhere), frozenset(somewhere)


def model_ids(ruleset: RuleSet) -> frozenset[str]:
    """Every model ID the rule set names (sources, no-replacement IDs, targets, fine-tune bases)."""
    return ruleset.all_model_ids | ruleset.fine_tune_bases
