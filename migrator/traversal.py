"""One walk of a LibCST tree that dispatches to every check, keeping a parent stack."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

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
            for name, handler in visitor.get_visitors().items():
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


def walk(
    module: cst.Module, visitors: Sequence[cst.BatchableCSTVisitor], parents: list[cst.CSTNode]
) -> None:
    """Visit ``module`` once, calling every visitor's handlers in order."""
    module.visit(_Dispatcher(visitors, parents))


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
