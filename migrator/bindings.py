"""Names bound exactly once, and the values of constant expressions built from them.

A check that needs ``MAX_TOKENS = 50_000`` resolved where ``max_tokens=MAX_TOKENS`` is used
inherits :class:`BindingVisitor`: it records every binding of every scope during the one walk, so
a use can be resolved at the end of the module even when it comes before the binding.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from migrator.strings import literal_value

# Deep chains of names are not constants anyone writes; the cap also stops ``A = B; B = A``.
_MAX_DEPTH = 16
# Keep evaluation cheap and bounded: ``10 ** 10 ** 10`` is not an output-token limit.
_MAX_EXPONENT = 64
_MAX_MAGNITUDE = 1 << 128

Binding = Optional[cst.BaseExpression]  # None: bound more than once, or not to a plain value


class Scope:
    """The names one module, class or function body binds, and what each is bound to."""

    __slots__ = ("globals", "is_class", "module", "parent", "values")

    def __init__(self, parent: Scope | None = None, *, is_class: bool = False) -> None:
        self.parent = parent
        self.is_class = is_class
        self.module: Scope = parent.module if parent is not None else self
        self.values: dict[str, Binding] = {}
        self.globals: set[str] = set()

    def bind(self, name: str, value: Binding) -> None:
        scope = self.module if name in self.globals else self
        scope.values[name] = None if name in scope.values else value

    def lookup(self, name: str) -> tuple[cst.BaseExpression, Scope] | None:
        """The single value ``name`` is bound to as seen from this scope, if it has one."""
        if name in self.globals:
            return self.module._own(name)
        scope: Scope | None = self
        while scope is not None:
            # A class body's names are not visible from the functions inside it.
            if (scope is self or not scope.is_class) and name in scope.values:
                return scope._own(name)
            scope = scope.parent
        return None

    def _own(self, name: str) -> tuple[cst.BaseExpression, Scope] | None:
        value = self.values.get(name)
        return (value, self) if value is not None else None


class BindingVisitor(cst.BatchableCSTVisitor):
    """Keeps ``self.scope`` (the scope of the node being visited) and every scope's bindings.

    Anything that rebinds a name other than a plain ``name = value`` (augmented assignment,
    loop target, import, parameter, ``del``, a second assignment...) makes it unresolvable.
    """

    def __init__(self) -> None:
        super().__init__()
        self.scope = Scope()

    def _rebind(self, target: cst.BaseExpression | cst.BaseAssignTargetExpression) -> None:
        if isinstance(target, cst.Name):
            self.scope.bind(target.value, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._rebind(element.value)
        elif isinstance(target, cst.StarredElement):
            self._rebind(target.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.scope.bind(target.target.value, node.value)
            else:
                self._rebind(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            if isinstance(node.target, cst.Name):
                self.scope.bind(node.target.value, node.value)
            else:
                self._rebind(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._rebind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._rebind(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._rebind(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._rebind(node.asname.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._rebind(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._rebind(node.target)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._rebind(node.name.name)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._rebind(node.name)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._rebind(node.name)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if node.rest is not None:
            self._rebind(node.rest)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if alias.asname is not None:
                self._rebind(alias.asname.name)
            else:
                first: cst.BaseExpression = alias.name
                while isinstance(first, cst.Attribute):
                    first = first.value
                self._rebind(first)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            self._rebind(alias.asname.name if alias.asname is not None else alias.name)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.scope.globals.add(item.name.value)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        # The name is rebound in an enclosing function: give up on it there.
        scope = self.scope.parent
        while scope is not None and scope is not scope.module:
            for item in node.names:
                scope.bind(item.name.value, None)
            scope = scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scope.bind(node.name.value, None)
        self.scope = Scope(self.scope)
        self._bind_params(node.params)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._leave_scope()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.scope = Scope(self.scope)
        self._bind_params(node.params)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._leave_scope()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope.bind(node.name.value, None)
        self.scope = Scope(self.scope, is_class=True)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._leave_scope()

    def _leave_scope(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def _bind_params(self, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self.scope.bind(param.name.value, None)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.scope.bind(star.name.value, None)


def follow(
    expr: cst.BaseExpression, scope: Scope, depth: int = 0
) -> tuple[cst.BaseExpression, Scope] | None:
    """``expr`` with names replaced by the one value each is bound to; None if a name has none."""
    while isinstance(expr, cst.Name):
        depth += 1
        found = scope.lookup(expr.value) if depth <= _MAX_DEPTH else None
        if found is None:
            return None
        expr, scope = found
    return expr, scope


def static_str(expr: cst.BaseExpression, scope: Scope) -> str | None:
    """The value of a string literal, or of a name bound once to one."""
    found = follow(expr, scope)
    if found is None or not isinstance(found[0], cst.SimpleString):
        return None
    return literal_value(found[0])


def static_int(expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> int | None:
    """The value of an int literal, arithmetic on int literals, or a name bound once to one."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, cst.Integer):
        value = expr.evaluated_value
        return value if isinstance(value, int) and value < _MAX_MAGNITUDE else None
    if isinstance(expr, cst.Name):
        found = follow(expr, scope, depth)
        return static_int(found[0], found[1], depth + 1) if found is not None else None
    if isinstance(expr, cst.UnaryOperation):
        operand = static_int(expr.expression, scope, depth + 1)
        if operand is None:
            return None
        if isinstance(expr.operator, cst.Minus):
            return -operand
        if isinstance(expr.operator, cst.Plus):
            return operand
        if isinstance(expr.operator, cst.BitInvert):
            return ~operand
        return None
    if isinstance(expr, cst.BinaryOperation):
        left = static_int(expr.left, scope, depth + 1)
        right = static_int(expr.right, scope, depth + 1) if left is not None else None
        if left is None or right is None:
            return None
        result = _arithmetic(expr.operator, left, right)
        return result if result is not None and abs(result) < _MAX_MAGNITUDE else None
    return None


def _arithmetic(operator: cst.BaseBinaryOp, left: int, right: int) -> int | None:
    if isinstance(operator, cst.Add):
        return left + right
    if isinstance(operator, cst.Subtract):
        return left - right
    if isinstance(operator, cst.Multiply):
        return left * right
    if isinstance(operator, cst.FloorDivide):
        return left // right if right else None
    if isinstance(operator, cst.Modulo):
        return left % right if right else None
    if isinstance(operator, cst.Power):
        return left**right if 0 <= right <= _MAX_EXPONENT else None
    if isinstance(operator, cst.LeftShift):
        return left << right if 0 <= right <= _MAX_EXPONENT else None
    if isinstance(operator, cst.RightShift):
        return left >> right if right >= 0 else None
    return None
