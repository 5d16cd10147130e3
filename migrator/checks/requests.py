"""Which model a request goes to, for the checks that judge a request by its model (MIG003/MIG004).

A request is a call or dict literal that names a model: ``create(model="gpt-4o", ...)``,
``dspy.LM("openai/gpt-4o")``, ``Agent(model=OpenAIModel("gpt-4o"))``, ``{"model": "gpt-4o", ...}``.
A value inside one (a keyword of the call, a content part in its messages, a
``ModelSettings(...)`` passed to an ``Agent(...)``) belongs to the nearest enclosing request in
the same statement. Everything is decided in ``leave_Module``: a name may be bound after its use.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import libcst as cst

from migrator.bindings import BindingVisitor, Scope, follow, static_str
from migrator.checks.base import Check, CheckContext
from migrator.checks.judging import ModelInfo, model_info
from migrator.strings import literal_value

# Splats that point back at themselves (``d = {**d}`` bound once) must not recurse forever.
_MAX_DEPTH = 8
# A request and the values it holds are one expression: the search stops at the statement.
_BOUNDARY = (cst.BaseSmallStatement, cst.BaseStatement)


class Kind(Enum):
    KNOWN = "known"  # a model of the rule set: ``info`` says what it accepts
    OUTSIDE = "outside"  # a model the rule set does not describe (claude, o3): no judgement
    UNRESOLVED = "unresolved"  # a model that is not a static value (a variable, settings.MODEL)
    ABSENT = "absent"  # nothing around the value names a model


@dataclass(frozen=True)
class RequestModel:
    kind: Kind
    info: ModelInfo | None = None


OUTSIDE = RequestModel(Kind.OUTSIDE)
UNRESOLVED = RequestModel(Kind.UNRESOLVED)
ABSENT = RequestModel(Kind.ABSENT)


@dataclass(frozen=True)
class Site:
    """Where a value sits: the calls and dicts around it (innermost first) and its scope.

    ``own_splat``: a ``**kwargs`` on the innermost container may carry the model (true when
    that container is the request itself, false when it is a content part).
    """

    containers: tuple[cst.CSTNode, ...]
    scope: Scope
    own_splat: bool


class RequestIndex(BindingVisitor):
    """What a file's requests name, for every check that judges a value by its request.

    Walked once per file ahead of the checks (``CheckContext.provider``), however many checks
    read it: the scopes and their bindings, and every place the file names a model.
    """

    def __init__(self, context: CheckContext) -> None:
        super().__init__()
        self.ruleset = context.ruleset
        self._model_parameters = context.ruleset.requests.model_parameters
        self._deployment_parameters = context.ruleset.requests.deployment_parameters
        # Every place this file names a model, resolved at the end: (kind, value, scope).
        self._named: list[tuple[str, cst.BaseExpression | None, Scope]] = []
        self._infos: dict[str, ModelInfo | None] = {}
        self._file_models: list[RequestModel] | None = None

    # -- the walk ------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        args = node.args
        deployment = False
        for arg in args:
            keyword = arg.keyword
            if keyword is not None:
                if keyword.value in self._model_parameters:
                    self._named.append(("value", arg.value, self.scope))
                    break
                deployment = deployment or keyword.value in self._deployment_parameters
        else:
            first = args[0] if args else None
            if deployment:
                self._named.append(("unresolved", None, self.scope))
            elif first and not first.keyword and isinstance(first.value, cst.SimpleString):
                self._named.append(("positional", first.value, self.scope))

    def visit_Dict(self, node: cst.Dict) -> None:
        for element in node.elements:
            if isinstance(element, cst.DictElement) and self._is_model_key(element.key):
                self._named.append(("value", element.value, self.scope))
                break

    def _is_model_key(self, key: cst.BaseExpression) -> bool:
        if not isinstance(key, cst.SimpleString):
            return False
        value = literal_value(key)
        return value is not None and value in self._model_parameters

    # -- judging (in the checks' finish) -------------------------------------------------------

    def request_model(self, site: Site) -> RequestModel:
        """The model of the nearest request holding the site; ABSENT if none names one."""
        for i, container in enumerate(site.containers):
            found = self._container_model(container, site.scope, i == 0 and site.own_splat, 0)
            if found is not None:
                return found
        return ABSENT

    def file_models(self) -> list[RequestModel]:
        """The models of this file's requests, for values built apart from any request.

        Empty unless at least one request names a model of the rule set: a part-shaped dict or
        a token count in a file that only forwards a model it is given (a library's converter,
        a wrapper) says nothing about the migration. A string passed first to a call counts
        only when it is a model the rule set knows: ``print("hello")`` is not a request.
        """
        if self._file_models is None:
            models = []
            for kind, value, scope in self._named:
                if kind == "unresolved" or value is None:
                    models.append(UNRESOLVED)
                elif kind == "value":
                    models.append(self._model_value(value, scope, 0))
                else:
                    text = static_str(value, scope)
                    info = self.model_info(text) if text is not None else None
                    if info is not None:
                        models.append(RequestModel(Kind.KNOWN, info))
            known = any(model.kind is Kind.KNOWN for model in models)
            self._file_models = models if known else []
        return self._file_models

    def is_request(self, site: Site) -> bool:
        """Whether a value that names no model sits in a request: a dict (a request body or
        its settings), or a call to a known request API or wrapper (rule data; a rule set
        that lists none counts every call)."""
        callees = self.ruleset.requests.request_callees
        holder = site.containers[0] if site.containers else None
        if not callees or not isinstance(holder, cst.Call):
            return True
        func = holder.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
        return name in callees

    def model_info(self, value: str) -> ModelInfo | None:
        if value not in self._infos:
            self._infos[value] = model_info(self.ruleset, value)
        return self._infos[value]

    def _container_model(
        self, node: cst.CSTNode, scope: Scope, own_splat: bool, depth: int
    ) -> RequestModel | None:
        """The model a call or dict names; None if it names none (look further out)."""
        if depth > _MAX_DEPTH:
            return UNRESOLVED if own_splat else None
        splats: list[cst.BaseExpression] = []
        first: cst.BaseExpression | None = None
        deployment = False
        if isinstance(node, cst.Call):
            for i, arg in enumerate(node.args):
                keyword = arg.keyword
                if keyword is not None:
                    if keyword.value in self._model_parameters:
                        return self._model_value(arg.value, scope, depth)
                    deployment = deployment or keyword.value in self._deployment_parameters
                elif arg.star == "**":
                    splats.append(arg.value)
                elif i == 0 and not arg.star:
                    first = arg.value
        elif isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.StarredDictElement):
                    splats.append(element.value)
                elif isinstance(element, cst.DictElement) and self._is_model_key(element.key):
                    return self._model_value(element.value, scope, depth)
        if deployment:
            return UNRESOLVED  # an Azure deployment: whatever model it was deployed with
        for splat in splats:
            found = follow(splat, scope)
            if found is not None and isinstance(found[0], cst.Dict):
                inner = self._container_model(found[0], found[1], False, depth + 1)
                if inner is not None:
                    return inner
            elif own_splat:
                return UNRESOLVED
        if first is not None:
            return self._first_argument_model(first, scope, depth)
        return None

    def _first_argument_model(
        self, first: cst.BaseExpression, scope: Scope, depth: int
    ) -> RequestModel | None:
        """dspy.LM("openai/gpt-4o"), Agent("openai:gpt-4o"), Agent(OpenAIModel("gpt-4o")).

        A word-like first string is taken as a model name (so Agent("anthropic:claude-...") is
        outside the rule set); one with spaces is prose, and says nothing.
        """
        found = follow(first, scope)
        if found is None:
            return None
        value, scope = found
        if isinstance(value, cst.SimpleString):
            text = literal_value(value)
            if text and not any(c.isspace() for c in text):
                return self._by_name(text)
        elif isinstance(value, cst.Call):
            return self._container_model(value, scope, False, depth + 1)
        return None

    def _model_value(self, value: cst.BaseExpression, scope: Scope, depth: int) -> RequestModel:
        """What a ``model=`` value names: a string, a name bound to one, or a model object."""
        text = static_str(value, scope)
        if text is not None:
            return self._by_name(text)
        found = follow(value, scope)
        if found is not None and isinstance(found[0], cst.Call):
            # Agent(model=OpenAIModel("gpt-4o")), Agent(model=OpenAIChatCompletionsModel(model=...))
            inner = self._container_model(found[0], found[1], False, depth + 1)
            if inner is not None:
                return inner
        return UNRESOLVED

    def _by_name(self, text: str) -> RequestModel:
        info = self.model_info(text)
        return RequestModel(Kind.KNOWN, info) if info is not None else OUTSIDE


class RequestCheck(Check):
    """Base for checks that judge values by the model of the request holding them.

    Subclasses implement ``on_call``/``on_dict`` (record candidates with ``self.site(...)``)
    and ``finish`` (judge them with ``self.request_model(site)`` and ``self.file_models()``).
    What the file's requests name comes from the one ``RequestIndex`` the checks share.
    """

    def __init__(self, context: CheckContext) -> None:
        super().__init__(context)
        self.ruleset = context.ruleset
        self.requests = context.provider(RequestIndex)

    @property
    def scope(self) -> Scope:
        """The scope of the node being visited."""
        return self.requests.scope

    def visit_Call(self, node: cst.Call) -> None:
        self.on_call(node)

    def visit_Dict(self, node: cst.Dict) -> None:
        self.on_dict(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        self.finish()

    def on_call(self, node: cst.Call) -> None:
        """Record this check's candidates in a call."""

    def on_dict(self, node: cst.Dict) -> None:
        """Record this check's candidates in a dict literal."""

    def finish(self) -> None:
        """Judge the recorded candidates and report (called once, at the end of the module)."""

    def site(self, node: cst.CSTNode, *, own_splat: bool) -> Site:
        """Where ``node`` (being visited) sits: it and its enclosing calls and dicts."""
        containers = [node] if isinstance(node, (cst.Call, cst.Dict)) else []
        for parent in reversed(self.context.parents):
            if isinstance(parent, (cst.Call, cst.Dict)):
                containers.append(parent)
            elif isinstance(parent, _BOUNDARY):
                break
        return Site(tuple(containers), self.scope, own_splat)

    def request_model(self, site: Site) -> RequestModel:
        return self.requests.request_model(site)

    def file_models(self) -> list[RequestModel]:
        return self.requests.file_models()

    def is_request(self, site: Site) -> bool:
        return self.requests.is_request(site)

    def model_info(self, value: str) -> ModelInfo | None:
        return self.requests.model_info(value)


def describe(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
