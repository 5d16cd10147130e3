"""One walk of a LibCST tree that dispatches to every check, keeping a parent stack."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Union

import libcst as cst

_Handler = Callable[[cst.CSTNode], object]


class _Dispatcher(cst.CSTVisitor):
    """Like LibCST's batched visitor, plus the parent stack that checks read from the context."""

    def __init__(self, visitors: Sequence[cst.BatchableCSTVisitor], parents: list[cst.CSTNode]):
        super().__init__()
        self._parents = parents
        self._visit: dict[str, list[_Handler]] = defaultdict(list)
        self._leave: dict[str, list[_Handler]] = defaultdict(list)
        for visitor in visitors:
            for name, handler in _handlers(visitor).items():
                kind, _, node_type = name.partition("_")
                if "_" in node_type:  # attribute hooks (visit_Call_func) are not dispatched
                    continue
                if kind == "visit":
                    self._visit[node_type].append(handler)
                elif kind == "leave":
                    self._leave[node_type].append(handler)

    def on_visit(self, node: cst.CSTNode) -> bool:
        handlers = self._visit.get(type(node).__name__)
        if handlers:
            for handler in handlers:
                handler(node)
        self._parents.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._parents.pop()
        handlers = self._leave.get(type(original_node).__name__)
        if handlers:
            for handler in handlers:
                handler(original_node)

    # Checks only use node-level hooks; skipping the per-attribute lookups saves a third of a walk.
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None


def _handlers(visitor: cst.BatchableCSTVisitor) -> dict[str, _Handler]:
    """The visitor's ``visit_``/``leave_`` methods, as LibCST's get_visitors() gives them.

    get_visitors() inspects every member of the instance, which costs more than checking a
    small file; the names depend only on the class (unless it overrides get_visitors).
    """
    kind = type(visitor)
    if kind.get_visitors is not cst.BatchableCSTVisitor.get_visitors:
        return dict(visitor.get_visitors())
    names = _HANDLER_NAMES.get(kind)
    if names is None:
        names = _HANDLER_NAMES[kind] = tuple(visitor.get_visitors())
    return {name: getattr(visitor, name) for name in names}


_HANDLER_NAMES: dict[type[cst.BatchableCSTVisitor], tuple[str, ...]] = {}


def walk(
    module: cst.Module, visitors: Sequence[cst.BatchableCSTVisitor], parents: list[cst.CSTNode]
) -> None:
    """Visit ``module`` once, calling every visitor's handlers in order.

    The nodes, their order and the parent stack are LibCST's own; only the way there differs.
    LibCST's visit rebuilds every node it passes (``_visit_and_replace_children``), which costs
    twice the parse; this reads each node's children in the order that method visits them.
    """
    dispatcher = _Dispatcher(visitors, parents)
    if _fast_walk_available():
        _FastWalk(dispatcher).walk(module)
    else:
        module.visit(dispatcher)


class _NoFieldOrder(Exception):
    """The source of a node class is not available to read its children's order from."""


_Plan = tuple[Union[tuple[str, ...], None], list[_Handler], list[_Handler]]


class _FastWalk:
    def __init__(self, dispatcher: _Dispatcher) -> None:
        self._dispatcher = dispatcher
        self._plans: dict[type[cst.CSTNode], _Plan] = {}
        self._is_node: dict[type, bool] = {}

    def _plan(self, kind: type[cst.CSTNode]) -> _Plan:
        name = kind.__name__
        try:
            fields: tuple[str, ...] | None = child_fields(kind)
        except _NoFieldOrder:
            fields = None  # LibCST's ``children`` gives the order then, at its usual cost
        plan = (
            fields,
            self._dispatcher._visit.get(name, []),
            self._dispatcher._leave.get(name, []),
        )
        self._plans[kind] = plan
        return plan

    def walk(self, node: cst.CSTNode) -> None:
        fields, visit, leave = self._plans.get(type(node)) or self._plan(type(node))
        for handler in visit:
            handler(node)
        parents = self._dispatcher._parents
        parents.append(node)
        if fields is None:
            for child in node.children:
                self.walk(child)
        else:
            is_node = self._is_node
            for name in fields:
                value = getattr(node, name)
                kind = type(value)
                if kind is list or kind is tuple:
                    for item in value:
                        flag = is_node.get(type(item))
                        if flag or (flag is None and self._new_kind(type(item))):
                            self.walk(item)
                else:
                    flag = is_node.get(kind)
                    if flag or (flag is None and self._new_kind(kind)):
                        self.walk(value)
        parents.pop()
        for handler in leave:
            handler(node)

    def _new_kind(self, kind: type) -> bool:
        # isinstance() against CSTNode, an ABC, is slow: decide once per type.
        found = self._is_node[kind] = issubclass(kind, cst.CSTNode)
        return found


@functools.cache
def _fast_walk_available() -> bool:
    try:
        child_fields(cst.Module)
    except _NoFieldOrder:
        return False
    return True


@functools.cache
def child_fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields ``kind._visit_and_replace_children`` visits, in the order it visits them.

    That method builds the new node with one ``visit_*(self, "field", ..., visitor)`` call per
    child, in order: the field names are the method's string constants, which the compiler
    records in order of first use. tests/test_traversal.py checks that the walk meets every
    node of real code in the same order, with the same parents, as LibCST's own visit.
    """
    code = getattr(kind._visit_and_replace_children, "__code__", None)
    if code is None:
        raise _NoFieldOrder(kind.__name__)
    names = set(getattr(kind, "__dataclass_fields__", ()))
    return tuple(dict.fromkeys(c for c in code.co_consts if type(c) is str and c in names))


class _Replacer(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, cst.CSTNode]) -> None:
        super().__init__()
        self._replacements = replacements

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode:
        return self._replacements.get(id(original_node), updated_node)


def replace_nodes(module: cst.Module, replacements: dict[int, cst.CSTNode]) -> cst.Module:
    """Swap nodes (keyed by ``id()`` of the original) in one transforming pass."""
    result = module.visit(_Replacer(replacements))
    assert isinstance(result, cst.Module)
    return result
