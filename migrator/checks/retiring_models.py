"""MIG001 and MIG002: string literals whose whole value is a retiring model ID."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from migrator.checks import wording
from migrator.checks.base import Check, CheckContext, Example, Rule
from migrator.checks.wording import STR_METHODS, migration_message, retirement_message
from migrator.findings import Fix
from migrator.recorded import INLINE_SNAPSHOT_REASON, SNAPSHOT_CALLS
from migrator.ruleset import Migration, Retirement
from migrator.strings import literal_value, replacement_literal
from migrator.triggers import Triggers

MIG001 = Rule(
    code="MIG001",
    name="retiring-model",
    summary="Retiring model ID with a drop-in replacement",
    fix="sometimes",
    description=(
        "A string literal whose whole value is a retiring model ID (a source of the rule set, "
        "alias or dated snapshot; 'migrator rules --dates' lists them), also behind a provider "
        "prefix such as "
        "'openai/' or 'openrouter/openai/', which is kept. Prose that mentions a model, "
        "comments and docstrings are not findings. The message gives the source's announced "
        "shutdown date from the rule set ('shuts down on ...', 'shut down on ...' once past).\n\n"
        "The fix is safe where the literal is a value (keyword and positional arguments, "
        "assignments, defaults, dict values, list and tuple items, return values) that nothing "
        "else in the project is coupled with. It is unsafe (applied only with --unsafe-fixes) "
        "where the rewrite can change behaviour: lookups (subscripts, .get(), comparison "
        "operands, membership tests, match patterns, arguments of str methods), a value coupled "
        "with a lookup of the same model or with a catalogue that has no entry for its target "
        "(in the same file, in modules it imports or that import it, or in non-test code "
        "anywhere), a collection that would then hold the same ID twice, and Azure deployment "
        "names ('azure/' prefixes, model= on an Azure client, azure_deployment=, a config with "
        "api_type azure). Catalogue entries (keys of a mapping keyed by model IDs, collections "
        "that also name models that do not move, constants named for the model, registries) "
        "get a display-only fix: never applied, it says what entry to add."
    ),
    invalid=(
        Example('client.chat.completions.create(model="gpt-4o", messages=[])'),
        Example('llm = ChatOpenAI(model_name="openai/gpt-4o-mini-2024-07-18")'),
        Example('PRICES = {"gpt-4o": 2.5}', "display-only: a model catalogue"),
        Example('if model == "gpt-4o":\n    pass', "unsafe: a comparison operand"),
    ),
    valid=(
        Example('client.chat.completions.create(model="gpt-4.1", messages=[])'),
        Example('prompt = "use gpt-4o here"'),
        Example('"""Calls gpt-4o."""'),
        Example('model = "GPT-4o"', "model IDs are case-sensitive"),
    ),
)

MIG002 = Rule(
    code="MIG002",
    name="retiring-model-no-replacement",
    summary="Retiring model ID with no drop-in {family} replacement",
    fix="never",
    description=(
        "A string literal naming a retiring model that the {family} family cannot stand in for "
        "(the rule set's no-replacement models: audio, realtime, search, speech and the like), "
        "or a model fine-tuned on a retiring base. The finding gives the reason; the migration "
        "needs a person (another endpoint, another model, or re-tuning).\n\n"
        "The message gives the model's announced shutdown date from the rule set, as MIG001's "
        "does."
    ),
    invalid=(
        Example('client.chat.completions.create(model="gpt-4o-audio-preview", messages=[])'),
        Example('MODEL = "ft:gpt-4o-mini-2024-07-18:acme::abc123"'),
    ),
    valid=(
        Example('client.audio.speech.create(model="tts-1", voice="alloy", input="hi")'),
        Example('MODEL = "ft:gpt-4.1-mini-2025-04-14:acme::abc123"'),
    ),
)

# Parents under which a literal is a plain value that may change without changing logic.
_VALUE_PARENTS = (
    cst.Assign,
    cst.AnnAssign,
    cst.Return,
    cst.Param,
    cst.IfExp,
    cst.BooleanOperation,
    cst.Yield,
    cst.Lambda,
    cst.Await,
    cst.StarredElement,
    cst.NamedExpr,
    cst.Arg,
)


@dataclass
class _Pending:
    """A model= argument whose safety depends on whether its client is an Azure client."""

    node: cst.SimpleString
    migration: Migration
    receivers: tuple[str, ...]


class RetiringModels(Check):
    rules = (MIG001, MIG002)
    triggers = Triggers(model_strings=True)

    def __init__(self, context: CheckContext) -> None:
        super().__init__(context)
        requests = context.ruleset.requests
        self._deployment_parameters = requests.deployment_parameters
        self._azure_classes = requests.azure_clients
        self._azure_clients: set[str] = set()  # names bound to one of them
        self._pending: list[_Pending] = []

    # -- Azure clients: names bound to AzureOpenAI(...) anywhere in the file -------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        if _is_azure_constructor(node.value, self._azure_classes):
            for target in node.targets:
                name = _dotted(target.target)
                if name:
                    self._azure_clients.add(name)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and _is_azure_constructor(node.value, self._azure_classes):
            name = _dotted(node.target)
            if name:
                self._azure_clients.add(name)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and _is_azure_constructor(node.item, self._azure_classes):
            name = _dotted(node.asname.name)
            if name:
                self._azure_clients.add(name)

    # -- string literals -----------------------------------------------------------------------

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        parents = self.context.parents
        parent = parents[-1]
        # A piece of an implicit concatenation is not the whole value; a bare string statement
        # is a docstring or a no-op, never a model reference.
        if isinstance(parent, (cst.ConcatenatedString, cst.Expr)):
            return
        value = literal_value(node)
        if value is None:
            return
        found = self.context.ruleset.classify(value, self.context.snapshot)
        if found is None:
            return
        if isinstance(found, Retirement):
            self.context.report(node, "MIG002", retirement_message(found))
            return
        if self._in_snapshot():
            self._report_migration(node, found, INLINE_SNAPSHOT_REASON, display_only=True)
            return
        if found.deployment:
            self._report_migration(node, found, wording.DEPLOYMENT_NAME)
            return
        reason = self._unsafe_reason(node, found)
        if isinstance(reason, tuple):
            self._pending.append(_Pending(node, found, reason))
        else:
            self._report_migration(node, found, reason)

    def leave_Module(self, original_node: cst.Module) -> None:
        for pending in self._pending:
            azure = any(r in self._azure_clients for r in pending.receivers)
            reason = wording.azure_client("model") if azure else None
            self._report_migration(pending.node, pending.migration, reason)
        self._pending.clear()

    def _report_migration(
        self,
        node: cst.SimpleString,
        migration: Migration,
        unsafe_reason: str | None,
        *,
        display_only: bool = False,
    ) -> None:
        literal = replacement_literal(node, migration.new_text)
        self.context.report(
            node,
            "MIG001",
            migration_message(migration),
            fix=Fix(
                literal,
                safe=unsafe_reason is None,
                reason=unsafe_reason or "",
                display_only=display_only,
            ),
            new_node=node.with_changes(value=literal),
        )

    def _in_snapshot(self) -> bool:
        """Whether the literal is inside the arguments of an inline ``snapshot(...)``."""
        for parent in self.context.parents:
            if isinstance(parent, cst.Call):
                func = parent.func
                name = func.attr.value if isinstance(func, cst.Attribute) else None
                if isinstance(func, cst.Name):
                    name = func.value
                if name in SNAPSHOT_CALLS:
                    return True
        return False

    def _unsafe_reason(
        self, node: cst.SimpleString, migration: Migration
    ) -> str | tuple[str, ...] | None:
        """Why rewriting this literal could change behaviour; None when it is a plain value.

        A tuple means "decide at the end of the file": the receivers of a model= call, which
        is unsafe if any of them turns out to be an Azure client.
        """
        parents = self.context.parents
        parent = parents[-1]
        grand = parents[-2] if len(parents) > 1 else None
        if isinstance(parent, cst.Arg) and isinstance(grand, cst.Call):
            keyword = parent.keyword.value if parent.keyword else None
            if keyword in self._deployment_parameters:
                return wording.deployment_parameter(keyword)
            func = grand.func
            if isinstance(func, cst.Attribute) and func.attr.value in STR_METHODS:
                return wording.text_match(func.attr.value)
            if keyword in self.context.ruleset.requests.model_parameters:
                if _is_azure_constructor(grand, self._azure_classes):
                    return wording.azure_client(keyword)
                return _receivers(func)
            return None
        if isinstance(parent, cst.DictElement):
            if parent.key is node:
                return wording.KEY
            key = literal_value(parent.key) if isinstance(parent.key, cst.SimpleString) else None
            if key in self._deployment_parameters:
                return wording.deployment_value(key)
            return None
        if isinstance(parent, (cst.Comparison, cst.ComparisonTarget)):
            return wording.COMPARISON
        if isinstance(parent, (cst.Index, cst.SubscriptElement)):
            return wording.SUBSCRIPT
        if isinstance(parent, (cst.MatchValue, cst.MatchSingleton)):
            return wording.MATCH_PATTERN
        if isinstance(parent, cst.Element) and isinstance(grand, (cst.List, cst.Tuple, cst.Set)):
            holder = parents[-3] if len(parents) > 2 else None
            if isinstance(holder, (cst.Comparison, cst.ComparisonTarget)):
                return wording.COMPARED_COLLECTION
            if self._would_duplicate(node, grand, migration.new_text):
                return wording.duplicate(migration.new_text)
            return None
        if isinstance(parent, _VALUE_PARENTS):
            return None
        return wording.not_a_plain_value(type(parent).__name__)

    def _would_duplicate(
        self, node: cst.SimpleString, collection: cst.List | cst.Tuple | cst.Set, new_text: str
    ) -> bool:
        ruleset, snapshot = self.context.ruleset, self.context.snapshot
        for element in collection.elements:
            other = element.value
            if other is node or not isinstance(other, cst.SimpleString):
                continue
            value = literal_value(other)
            if value is None:
                continue
            found = ruleset.classify(value, snapshot)
            after = found.new_text if isinstance(found, Migration) else value
            if after == new_text:
                return True
        return False


def _is_azure_constructor(node: cst.BaseExpression, classes: frozenset[str]) -> bool:
    if isinstance(node, cst.Await):
        node = node.expression
    if not isinstance(node, cst.Call):
        return False
    func = node.func
    name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
    return name in classes


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _receivers(func: cst.BaseExpression) -> tuple[str, ...]:
    """The objects a method is called on: ``a.b.create`` -> ``a``, ``a.b``."""
    names = []
    while isinstance(func, cst.Attribute):
        func = func.value
        dotted = _dotted(func)
        if dotted:
            names.append(dotted)
    return tuple(names)
