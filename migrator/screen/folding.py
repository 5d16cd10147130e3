"""The values an output-token limit may take, folded over the ``ast`` tree: the screen's folder.

The checks resolve a limit with ``migrator.bindings`` (``static_int``). This is not a second copy
of it, and cannot share its code: it reads ``ast`` nodes, not LibCST ones (the screen runs
before, and instead of, the LibCST parse), and it answers another question. ``static_int`` gives
the one value of a name bound once in its scope, or nothing; the screen must never turn away a
file the checks would report, so it takes, for each name, every value assigned to it anywhere in
the file (a superset of "bound once"), and anything it cannot fold cheaply counts as above the
limit. Its bounds (``_HUGE``, the exponent, ``_MAX_CHOICES``) differ from ``bindings``' and need
not match: passing one counts as above the limit, which only admits the file; its LibCST check
then decides.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable, Iterator
from typing import Union

from migrator.pruning import constant_text, other_spellings
from migrator.screen.lines import lines_of, spanning

Number = Union[int, float]

_BINARY: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
}
_UNARY: dict[type[ast.unaryop], Callable[[Number], Number]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,  # type: ignore[dict-item]
}
_HUGE = 2**64  # beyond any output limit: stop computing and admit the file
_MAX_CHOICES = 64  # values one expression may take when names are bound more than once


class AssignedValues:
    """Every value assigned to a name (``x =``, ``obj.x =``, ``d["x"] =``) in the file.

    Looked up by name, and only on the lines where the name is written: walking a large
    file's whole tree costs more than the rest of the screen.
    """

    def __init__(self, tree: ast.AST, source: bytes) -> None:
        self._tree = tree
        self._source = source
        self._found: dict[str, list[ast.expr]] = {}
        try:
            self._spellings: dict[str, list[str]] | None = other_spellings(source.decode())
        except UnicodeDecodeError:  # another encoding: walk the whole tree
            self._spellings = None

    def get(self, name: str) -> list[ast.expr]:
        found = self._found.get(name)
        if found is None:
            found = self._found[name] = list(self._assigned(name))
        return found

    def _assigned(self, name: str) -> Iterator[ast.expr]:
        if self._spellings is not None:
            words = [w.encode() for w in (name, *self._spellings.get(name, ()))]
            nodes: Iterable[ast.AST] = spanning(self._tree, lines_of(self._source, words))
        else:
            nodes = ast.walk(self._tree)
        for node in nodes:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(bound_name(target) == name for target in targets):
                    yield node.value


def bound_name(target: ast.expr) -> str | None:
    """The name an assignment binds: ``x =``, ``obj.x =`` and ``d["x"] =`` all bind ``x``."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return constant_text(target.slice)
    return None


def leaves(node: ast.expr) -> list[ast.expr]:
    """The expressions a value may come from: both arms of ``a if c else b``, ``a or b``."""
    if isinstance(node, ast.IfExp):
        return leaves(node.body) + leaves(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [leaf for value in node.values for leaf in leaves(value)]
    return [node]


class _Unbounded(Exception):
    """An expression too large or too branchy to fold cheaply: treated as above the limit."""


def exceeds(values: list[ast.expr], assigned: AssignedValues, limit: int) -> bool:
    """Can any of ``values`` (given to an output-token parameter) be above ``limit``?

    Number literals and arithmetic on them fold; a name stands for any value it is assigned
    anywhere in the file: a superset of "literals, arithmetic on literals, and names bound once
    to such a value". Anything else (a call, an attribute) has no known value.
    """
    folder = _Folder(assigned)
    try:
        return any(value > limit for node in values for value in folder.values(node))
    except (_Unbounded, RecursionError):
        return True


class _Folder:
    def __init__(self, assigned: AssignedValues) -> None:
        self._assigned = assigned
        self._memo: dict[int, frozenset[Number]] = {}
        self._active: set[str] = set()

    def values(self, node: ast.expr) -> frozenset[Number]:
        key = id(node)
        found = self._memo.get(key)
        if found is None:
            found = self._fold(node)
            self._memo[key] = found
        return found

    def _fold(self, node: ast.expr) -> frozenset[Number]:
        out: set[Number] = set()
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                out.add(node.value)
        elif isinstance(node, ast.Name):
            return self._name(node.id)
        elif isinstance(node, (ast.IfExp, ast.BoolOp)):
            for leaf in leaves(node):
                out |= self.values(leaf)
        elif isinstance(node, ast.UnaryOp):
            unary = _UNARY.get(type(node.op))
            for value in self.values(node.operand) if unary else ():
                try:
                    out.add(_checked(unary(value)))  # type: ignore[misc]
                except TypeError:  # ~1.5
                    continue
        elif isinstance(node, ast.BinOp):
            binary = _BINARY.get(type(node.op))
            left, right = self.values(node.left), self.values(node.right)
            if len(left) * len(right) > _MAX_CHOICES:
                raise _Unbounded
            for a in left if binary else ():
                for b in right:
                    result = _apply(binary, node.op, a, b)  # type: ignore[arg-type]
                    if result is not None:
                        out.add(result)
        if len(out) > _MAX_CHOICES:
            raise _Unbounded
        return frozenset(out)

    def _name(self, name: str) -> frozenset[Number]:
        if name in self._active:
            # x = x * 2: a name rebound from itself is not "bound once", which is what a check
            # resolves; only its other bindings count.
            return frozenset()
        self._active.add(name)
        try:
            out: set[Number] = set()
            for bound in self._assigned.get(name):
                out |= self.values(bound)
            if len(out) > _MAX_CHOICES:
                raise _Unbounded
            return frozenset(out)
        finally:
            self._active.discard(name)


def _apply(
    binary: Callable[[Number, Number], Number], op: ast.operator, a: Number, b: Number
) -> Number | None:
    if isinstance(op, (ast.Pow, ast.LShift)) and abs(b) > 128:
        raise _Unbounded
    try:
        return _checked(binary(a, b))
    except (ArithmeticError, TypeError, ValueError):  # 1 / 0, 1 << -1, 1.5 << 2 ...
        return None


def _checked(value: Number) -> Number:
    if isinstance(value, complex) or abs(value) > _HUGE:
        raise _Unbounded
    return value
