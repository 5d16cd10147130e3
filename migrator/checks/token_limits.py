"""MIG003: an output-token limit above what the request's model allows after migration."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from migrator.bindings import static_int
from migrator.checks.base import CheckContext, Example, Rule
from migrator.checks.judging import limit_verdict
from migrator.checks.requests import Kind, RequestCheck, Site, describe
from migrator.checks.wording import (
    LIMIT_FIX_REASON,
    limit_exceeded,
)
from migrator.findings import Fix
from migrator.strings import literal_value
from migrator.triggers import Triggers

MIG003 = Rule(
    code="MIG003",
    name="output-token-limit",
    summary="Output-token limit above the target model's maximum",
    fix="unsafe",
    description=(
        "max_tokens, max_completion_tokens or max_output_tokens (the names come from the rule "
        "set) set above the output-token limit of the model the request reaches after "
        "migration: the API rejects the request. Found as keyword arguments (OpenAI SDK, "
        "langchain ChatOpenAI, litellm, llama_index, dspy.LM, ModelSettings, autogen), "
        "in **{...} dicts and in dict literals such as request bodies. The value must be "
        "static: an int literal, arithmetic on int literals, or a name bound once to one in "
        "the module or the enclosing function.\n\n"
        "The model is the request's model= (or a model string passed first, or the 'model' "
        "key of a dict), or that of an enclosing request (ModelSettings inside Agent). A model "
        "outside the rule set is not judged. A model that is not a static value gets the "
        "smallest limit of the migration targets. A value with no model around it is judged "
        "against the models this file's requests use, if one of them is in the rule set. "
        "With --unsafe-fixes, a literal value is clamped to the limit (this can cut long "
        "answers short)."
    ),
    invalid=(
        Example('client.chat.completions.create(model="gpt-4o-mini", max_tokens=50_000)'),
        Example('llm = ChatOpenAI(model="gpt-4o", max_tokens=64 * 1024)'),
        Example('MAX = 40000\nbody = {"model": "gpt-4o", "max_completion_tokens": MAX}'),
        Example('agent = Agent("openai:gpt-4o", model_settings=ModelSettings(max_tokens=65536))'),
        Example(
            "client.responses.create(model=settings.MODEL, max_output_tokens=100_000)",
            "model not resolved: the smallest target limit applies",
        ),
    ),
    valid=(
        Example('client.chat.completions.create(model="gpt-4o", max_tokens=32768)'),
        Example(
            'anthropic.messages.create(model="claude-3-7-sonnet-latest", max_tokens=64000)',
            "a model outside the rule set",
        ),
        Example("client.chat.completions.create(model='gpt-4o', max_tokens=int(os.environ['N']))"),
        Example("chunks = split_text(text, max_tokens=100_000)", "no request in the file"),
    ),
)

_UNRESOLVED = "a model not resolved"


@dataclass(frozen=True)
class _Limit:
    value: cst.BaseExpression
    parameter: str
    site: Site


class TokenLimits(RequestCheck):
    rules = (MIG003,)
    triggers = Triggers(requests=True)

    def __init__(self, context: CheckContext) -> None:
        super().__init__(context)
        self._parameters = context.ruleset.requests.output_token_parameters
        self._limits: list[_Limit] = []

    def on_call(self, node: cst.Call) -> None:
        for arg in node.args:
            keyword = arg.keyword
            if keyword is not None and keyword.value in self._parameters:
                site = self.site(node, own_splat=True)
                self._limits.append(_Limit(arg.value, keyword.value, site))

    def on_dict(self, node: cst.Dict) -> None:
        for element in node.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                key = literal_value(element.key)
                if key in self._parameters:
                    self._limits.append(_Limit(element.value, key, self.site(node, own_splat=True)))

    def finish(self) -> None:
        floor = self.ruleset.min_output_limit
        for candidate in self._limits:
            value = static_int(candidate.value, candidate.site.scope)
            # Every limit is at least the smallest target's: most values stop here.
            if value is None or value <= floor:
                continue
            judged = self._judge(candidate.site, value)
            if judged is None:
                continue
            limit, holder = judged
            self._report(candidate, value, limit, holder)
        self._limits.clear()

    def _judge(self, site: Site, value: int) -> tuple[int, str] | None:
        """The limit ``value`` exceeds and whose limit it is; None when it is within bounds."""
        floor = self.ruleset.min_output_limit
        model = self.request_model(site)
        if model.kind in (Kind.KNOWN, Kind.UNRESOLVED):
            return limit_verdict(model.info, value, self.ruleset)
        if model.kind is Kind.OUTSIDE:
            return None
        if not self.is_request(site):
            return None  # split_into_chunks(text, max_tokens=...): a helper, not a request
        # No model around the value: it can go to any request in this file. A finding only
        # if it is too high for every one of them.
        limits: dict[str, int] = {}
        for other in self.file_models():
            if other.kind is Kind.OUTSIDE:
                return None
            if other.kind is Kind.UNRESOLVED:
                limits[_UNRESOLVED] = floor
            else:
                assert other.info is not None
                if other.info.max_output_tokens is None:
                    return None
                limits[other.info.name] = other.info.max_output_tokens
        if not limits:
            return None
        limit = max(limits.values())
        if value <= limit:
            return None
        names = describe(sorted(limits, key=lambda name: (name == _UNRESOLVED, name)))
        return limit, f"the {limit}-token output limit of {names}, which this file's requests use"

    def _report(self, candidate: _Limit, value: int, limit: int, holder: str) -> None:
        message = limit_exceeded(candidate.parameter, value, holder)
        node = candidate.value
        if isinstance(node, cst.Integer):
            text = _clamped(node.value, limit)
            self.context.report(
                node,
                "MIG003",
                message,
                fix=Fix(text, safe=False, reason=LIMIT_FIX_REASON),
                new_node=node.with_changes(value=text),
            )
        else:
            self.context.report(node, "MIG003", message)


def _clamped(original: str, limit: int) -> str:
    """``limit`` written like ``original``: same base prefix, digit grouping kept."""
    prefix = original[:2].lower()
    if prefix in ("0x", "0o", "0b"):
        digits = format(limit, prefix[1])
        return original[:2] + (digits.upper() if original[2:].isupper() else digits)
    return f"{limit:_}" if "_" in original else str(limit)
