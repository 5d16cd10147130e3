"""Occurrences of migrating model IDs in Python code, each with its role.

Read with the stdlib ``ast`` (several times faster than LibCST), and only for files whose bytes
name a migrating model. Positions are converted to what a finding shows (1-based character
columns), so a fact and the check's finding at the same literal meet.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from migrator import ast_trees
from migrator.checks import wording
from migrator.checks.wording import STR_METHODS
from migrator.project.facts import CATALOGUE, DEPLOYMENT, LOOKUP, VALUE, Occurrence
from migrator.ruleset import Migration, RuleSet, SnapshotMode

# Methods whose first argument looks a key up (``PRICES.get("gpt-4o")``).
_KEY_METHODS = frozenset({"get", "pop", "setdefault", "__getitem__", "__contains__"})
_NOT_NAME = re.compile(r"[^a-z0-9]")

# The node types each rule acts on. A big module has hundreds of thousands of nodes, most of
# them names, attributes and constants: each rule goes over its own types only, in the order of
# the walk (the first rule to claim a literal wins, so the order must hold).
_NODE_TYPES = [c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.AST)]
# ``match`` came with Python 3.10; before it, no tree holds a pattern.
_MATCH_VALUE: type[ast.AST] | None = getattr(ast, "MatchValue", None)
_LOOKUP_TYPES = frozenset(
    {ast.Compare, ast.Subscript, ast.Call} | ({_MATCH_VALUE} if _MATCH_VALUE else set())
)
_CATALOGUE_TYPES = frozenset(
    {ast.Dict, ast.Call, ast.List, ast.Tuple, ast.Set, ast.Subscript, ast.Assign, ast.AnnAssign}
    | {c for c in _NODE_TYPES if "body" in c._fields}  # ClassDef, and any body of statements
)
_BINDING_TYPES = frozenset({ast.Assign, ast.AnnAssign})
_DEPLOYMENT_TYPES = frozenset({ast.Call, ast.Dict})
_SKIPPED_TYPES = frozenset({ast.Expr, ast.JoinedStr})
_DICT_TYPE = frozenset({ast.Dict})


@dataclass
class _Found:
    """Roles found so far, by ``id`` of the Constant node, before positions are attached."""

    roles: dict[int, tuple[str, str, int]] = field(default_factory=dict)
    catalogues: list[frozenset[str]] = field(default_factory=list)

    def set(self, node: ast.AST, role: str, what: str, group: int = -1) -> None:
        if id(node) not in self.roles:  # the first rule to claim a literal wins
            self.roles[id(node)] = (role, what, group)

    def catalogue(self, members: Iterable[str]) -> int:
        self.catalogues.append(frozenset(members))
        return len(self.catalogues) - 1


class PythonFacts:
    """Finds the occurrences in one module (or notebook cell) for a rule set."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        requests = ruleset.requests
        self._model_parameters = requests.model_parameters
        self._azure_classes = requests.azure_clients
        self._azure_marker = requests.azure_client_marker
        self._azure_keywords = requests.deployment_call_parameters
        self._azure_markers = requests.deployment_markers
        self._request_callees = requests.request_callees
        self._moved: dict[str, Migration | None] = {}
        self._models: dict[str, str | None] = {}
        self._targets: dict[str, bool] = {}

    # -- what a string is ----------------------------------------------------------------------

    def moved(self, value: str) -> Migration | None:
        if value not in self._moved:
            found = self.ruleset.classify(value, SnapshotMode.AUTO)
            self._moved[value] = found if isinstance(found, Migration) else None
        return self._moved[value]

    def is_target(self, value: str) -> bool:
        """A migration target (alias or snapshot, any provider prefix): its lookups start to
        match once a value moves to it."""
        if value not in self._targets:
            resolved = self.ruleset.resolve(value)
            self._targets[value] = bool(resolved and self.ruleset.target_for(resolved[1]))
        return self._targets[value]

    def model(self, value: str) -> str | None:
        """The model ID a string names, without provider prefix (any family); else None."""
        if value not in self._models:
            model = None
            if self.ruleset.is_model_id(value):
                resolved = self.ruleset.resolve(value)
                model = resolved[1] if resolved else value.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            self._models[value] = model
        return self._models[value]

    # -- the module ------------------------------------------------------------------------------

    def occurrences(
        self, source: str | bytes, cell: int = 0
    ) -> tuple[list[Occurrence], list[frozenset[str]]]:
        """The occurrences and catalogues of ``source``; nothing if it does not parse."""
        try:
            tree = ast_trees.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return [], []
        nodes = _walk(tree)  # one walk, kept: each rule below goes over the same nodes
        strings = [
            node
            for node in nodes
            if type(node) is ast.Constant
            and isinstance(node.value, str)
            and (self.moved(node.value) is not None or self.is_target(node.value))
        ]
        if not strings:
            return [], []
        skip = _skipped(nodes)
        found = _Found()
        self._lookups(nodes, found)
        if any(self.moved(_s(node)) for node in strings):  # else only lookups matter
            self._catalogues(nodes, found)
            self._deployments(nodes, found)
        text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
        columns = _Columns(text if isinstance(source, str) else _decoded(source))
        out = []
        for node in strings:
            if id(node) in skip:
                continue
            role, what, group = found.roles.get(id(node), (VALUE, "", -1))
            if role != LOOKUP and self.moved(_s(node)) is None:
                continue  # a target matters only where it is looked up
            line, column = node.lineno, columns.column(node.lineno, node.col_offset)
            out.append(Occurrence(_s(node), line, column, role, what, cell, group))
        return out, found.catalogues

    # -- lookups ---------------------------------------------------------------------------------

    def _lookups(self, nodes: list[ast.AST], found: _Found) -> None:
        for node in _of(nodes, _LOOKUP_TYPES):
            if isinstance(node, ast.Compare):
                member = any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)
                what = "membership test" if member else "comparison"
                for operand in (node.left, *node.comparators):
                    for const in _strings_in(operand, collections=True):
                        found.set(const, LOOKUP, what)
            elif isinstance(node, ast.Subscript) and not _is_literal_type(node.value):
                if isinstance(node.slice, ast.Constant):
                    found.set(node.slice, LOOKUP, "subscript")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                method = node.func.attr
                if method in STR_METHODS:
                    for arg in node.args:
                        for const in _strings_in(arg, collections=True):
                            found.set(const, LOOKUP, f"argument of .{method}()")
                elif method in _KEY_METHODS and node.args:
                    first = node.args[0]
                    if isinstance(first, ast.Constant):
                        found.set(first, LOOKUP, f".{method}() lookup")
            elif type(node) is _MATCH_VALUE:  # (never, before Python 3.10)
                value = getattr(node, "value", None)
                if isinstance(value, ast.Constant):
                    found.set(value, LOOKUP, "match pattern")

    # -- catalogues ------------------------------------------------------------------------------

    def _catalogues(self, nodes: list[ast.AST], found: _Found) -> None:
        splatted = _splatted(nodes)
        for node in _of(nodes, _CATALOGUE_TYPES):
            if isinstance(node, ast.Dict) or (isinstance(node, ast.Call) and _is_fromkeys(node)):
                if id(node) not in splatted:  # judged with its holder
                    self._mapping(node, found)
            elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
                self._collection(node, found)
            elif isinstance(node, ast.Subscript) and _is_literal_type(node.value):
                self._collection(node.slice, found)
            elif isinstance(node, ast.ClassDef):
                self._class_constants(node, found)
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                self._named_constant(node, found)
            body = getattr(node, "body", None)
            if isinstance(body, list):
                self._registry(body, found)
                self._registry(getattr(node, "orelse", []), found)

    def _mapping(self, node: ast.Dict | ast.Call, found: _Found) -> None:
        """A mapping keyed by model IDs, ``**`` merges and ``dict.fromkeys`` included."""
        keys: list[ast.Constant] = []
        entries: list[tuple[ast.Constant, ast.expr]] = []
        for part in _merged(node):
            if isinstance(part, ast.Dict):
                for key, value in zip(part.keys, part.values):
                    if isinstance(key, ast.Constant) and self.model(_s(key)) is not None:
                        keys.append(key)
                        entries.append((key, value))
            else:  # dict.fromkeys(collection, value)
                for const in _strings_in(part.args[0], collections=True) if part.args else ():
                    if self.model(_s(const)) is not None:
                        keys.append(const)
        if not keys:
            return
        members = {self.model(_s(key)) for key in keys}
        group = found.catalogue(m for m in members if m is not None)
        what = "a mapping keyed by model IDs"
        for key in keys:
            found.set(key, CATALOGUE, what, group)
        for key, value in entries:
            for const in _all_strings(value):
                if self.model(_s(const)) is not None:
                    found.set(const, CATALOGUE, f"the entry for '{_s(key)}' of {what}", group)

    def _collection(self, node: ast.expr, found: _Found) -> None:
        """A list, tuple or set naming 2+ models, one of them not moved; or a list of
        mappings each naming a model (a model-settings list)."""
        if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return
        items = [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        what = "a collection of models"
        if node.elts and all(isinstance(e, ast.Dict) for e in node.elts):
            items = [
                v
                for e in node.elts
                if isinstance(e, ast.Dict)
                for v in e.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            ]
            what = "a list of per-model settings"
        self._mixed(items, what, found)

    def _mixed(self, items: list[ast.Constant], what: str, found: _Found) -> None:
        models = {_s(c): self.model(_s(c)) for c in items}
        distinct = {m for m in models.values() if m is not None}
        if len(distinct) < 2 or all(self.moved(v) for v, m in models.items() if m is not None):
            return
        group = found.catalogue(distinct)
        for const in items:
            if models[_s(const)] is not None:
                found.set(const, CATALOGUE, what, group)

    def _class_constants(self, node: ast.ClassDef, found: _Found) -> None:
        items = []
        for statement in node.body:
            value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                items.append(value)
        self._mixed(items, "a class of model constants", found)

    def _named_constant(self, node: ast.Assign | ast.AnnAssign, found: _Found) -> None:
        value = node.value
        if not isinstance(value, ast.Constant) or not isinstance(value.value, str):
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        model = self.model(value.value)
        if model is None:
            return
        for target in targets:
            name = target.id if isinstance(target, ast.Name) else None
            if isinstance(target, ast.Attribute):
                name = target.attr
            if name and _spells(name, model):
                group = found.catalogue([model])
                found.set(value, CATALOGUE, f"a constant named for the model ({name})", group)

    def _registry(self, body: list[ast.stmt], found: _Found) -> None:
        """Sibling calls of one callee, each with its own model: one registration per model."""
        calls: dict[str, list[list[ast.Constant]]] = {}
        for statement in body:
            if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
                continue
            callee = _dotted(statement.value.func)
            if callee is None or callee.rsplit(".", 1)[-1] in self._request_callees:
                continue
            # A request's own model= is a request, however many siblings it has.
            own = {id(k.value) for k in statement.value.keywords if k.arg in self._model_parameters}
            consts = [
                c for c in _all_strings(statement.value) if self.model(_s(c)) and id(c) not in own
            ]
            if consts:
                calls.setdefault(callee, []).append(consts)
        for callee, groups in calls.items():
            models = {self.model(_s(c)) for consts in groups for c in consts}
            if len(groups) < 2 or len(models) < 2:
                continue
            group = found.catalogue(m for m in models if m is not None)
            for consts in groups:
                for const in consts:
                    found.set(const, CATALOGUE, f"a registry: one {callee}(...) per model", group)

    # -- deployments -----------------------------------------------------------------------------

    def _deployments(self, nodes: list[ast.AST], found: _Found) -> None:
        clients: set[str] = set()  # names bound to an Azure client
        for node in _of(nodes, _BINDING_TYPES):
            value = getattr(node, "value", None)
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and self._azure_call(value):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                clients.update(name for name in map(_dotted, targets) if name)
        for node in _of(nodes, _DEPLOYMENT_TYPES):
            if isinstance(node, ast.Call):
                self._deployment_call(node, clients, found)
            elif isinstance(node, ast.Dict):
                self._deployment_dict(node, found)

    def _azure_call(self, node: object) -> str | None:
        """Why a call talks to an Azure deployment (its class, or an Azure-only keyword)."""
        if isinstance(node, ast.Await):
            node = node.value
        if not isinstance(node, ast.Call):
            return None
        callee = _dotted(node.func) or ""
        name = callee.rsplit(".", 1)[-1]
        if name in self._azure_classes or (self._azure_marker and self._azure_marker in name):
            return wording.azure_client("model", name)
        for keyword in node.keywords:
            if keyword.arg in self._azure_keywords:
                return wording.azure_call(keyword.arg)
        return None

    def _deployment_call(self, node: ast.Call, clients: set[str], found: _Found) -> None:
        model = next((k for k in node.keywords if k.arg in self._model_parameters), None)
        if model is None or not isinstance(model.value, ast.Constant):
            return
        reason = self._azure_call(node)
        if reason is None and any(r in clients for r in _receivers(node.func)):
            reason = wording.azure_client("model")
        if reason is not None:
            found.set(model.value, DEPLOYMENT, reason)

    def _deployment_dict(self, node: ast.Dict, found: _Found) -> None:
        pairs: dict[str, ast.Constant] = {}
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and isinstance(value, ast.Constant) and _s(key):
                pairs[_s(key)] = value
        markers = [
            f"'{key}': '{want}'"
            for key, want in self._azure_markers.items()
            if key in pairs and pairs[key].value == want
        ]
        if not markers:
            return
        reason = wording.azure_config(markers[0])
        for parameter in self._model_parameters:
            if parameter in pairs:
                found.set(pairs[parameter], DEPLOYMENT, reason)


def _walk(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree``, breadth first, as ``ast.walk`` gives them; ``ast.iter_child_nodes``
    inlined (two generators a node cost more than the rest of the module's facts)."""
    nodes = [tree]
    append = nodes.append
    for node in nodes:  # grows while it is read
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        append(item)
            elif isinstance(value, ast.AST):
                append(value)
    return nodes


def _of(nodes: list[ast.AST], types: frozenset[type[ast.AST]]) -> list[ast.AST]:
    """The ``nodes`` of these exact ``types``, in order (``ast.parse`` makes no subclasses)."""
    return [node for node in nodes if type(node) in types]


def _s(node: ast.Constant) -> str:
    """A string constant's value (every constant passed here was checked to be one)."""
    return node.value if isinstance(node.value, str) else ""


def _skipped(nodes: list[ast.AST]) -> set[int]:
    """Docstrings, bare string statements and f-string pieces: never a finding."""
    out: set[int] = set()
    for node in _of(nodes, _SKIPPED_TYPES):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            out.add(id(node.value))
        elif isinstance(node, ast.JoinedStr):
            out.update(id(v) for v in node.values)
    return out


def _strings_in(node: ast.expr, *, collections: bool) -> Iterator[ast.Constant]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif collections and isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for element in node.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                yield element


def _all_strings(node: ast.AST) -> Iterator[ast.Constant]:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child


def _merged(node: ast.Dict | ast.Call) -> Iterator[ast.Dict | ast.Call]:
    """A dict and what it merges with ``**``: dict literals and ``dict.fromkeys(...)``."""
    yield node
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if key is None and (isinstance(value, ast.Dict) or _is_fromkeys(value)):
                yield from _merged(value)  # type: ignore[arg-type]


def _splatted(nodes: list[ast.AST]) -> set[int]:
    """The ``id`` of each node merged into a dict with ``**`` (``{**other, ...}``): one pass, so
    a dict of 100,000 entries is not searched once per entry."""
    return {
        id(value)
        for node in _of(nodes, _DICT_TYPE)
        for key, value in zip(node.keys, node.values)  # type: ignore[attr-defined]
        if key is None
    }


def _is_fromkeys(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "fromkeys"
        and bool(node.args)
    )


def _is_literal_type(node: ast.expr) -> bool:
    name = _dotted(node)
    return name is not None and name.rsplit(".", 1)[-1] == "Literal"


def _spells(name: str, model: str) -> bool:
    """A constant's name spells the model: ``GPT_4O``, ``gpt4o_mini``, ``GPT_4O_MINI`` for a
    dated ``gpt-4o-mini-2024-07-18``."""
    short = _NOT_NAME.sub("", name.lower())
    full = _NOT_NAME.sub("", model.lower())
    return (
        len(short) >= 4
        and any(c.isdigit() for c in short)
        and full.startswith(short)
        and (short == full or not full[len(short)].isalpha())
    )


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _receivers(func: ast.expr) -> Iterator[str]:
    while isinstance(func, ast.Attribute):
        func = func.value
        name = _dotted(func)
        if name:
            yield name


def _decoded(source: bytes) -> str:
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding, "replace")
    except (SyntaxError, LookupError):
        return source.decode("utf-8", "replace")


class _Columns:
    """``ast`` columns (UTF-8 bytes) to a finding's (1-based characters)."""

    def __init__(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def column(self, line: int, offset: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return offset + 1
        return len(text.encode("utf-8")[:offset].decode("utf-8", "replace")) + 1
