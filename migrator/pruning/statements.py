"""The statements of one file: which holds which, which lie on a line, what each binds."""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterator
from typing import Union

from migrator.pruning.text import SourceLines

Statement = Union[ast.stmt, ast.Module]

BODIES = ("body", "orelse", "finalbody")
SCOPE_DECLARATIONS = (ast.Global, ast.Nonlocal)


class StatementTree:
    """The statements of ``tree``, looked up lazily: a large file is never walked whole.

    ``parent`` maps a statement (by ``id``) to the statement or module holding it, for every
    statement seen so far (by ``child_statements``, or recorded by whoever walked to it).
    """

    def __init__(self, tree: ast.Module, source: SourceLines) -> None:
        self.tree = tree
        self.source = source
        self.parent: dict[int, Statement] = {}
        self._children: dict[int, tuple[list[ast.stmt], list[int]]] = {}
        self._binds: dict[int, set[str]] = {}

    def child_statements(self, statement: Statement) -> list[ast.stmt]:
        return self._child_statements(statement)[0]

    def _child_statements(self, statement: Statement) -> tuple[list[ast.stmt], list[int]]:
        found = self._children.get(id(statement))
        if found is None:
            children = sorted((c for body in bodies(statement) for c in body), key=start)
            for child in children:
                self.parent[id(child)] = statement
            found = self._children[id(statement)] = (children, [start(c) for c in children])
        return found

    def chain(self, line: int) -> list[ast.stmt]:
        """The statements whose lines include ``line`` (``a = 1; b = 2`` share one), outer first."""
        out: list[ast.stmt] = []
        level: list[Statement] = [self.tree]
        while level:
            below: list[Statement] = []
            for statement in level:
                children, starts = self._child_statements(statement)
                at = bisect.bisect_right(starts, line) - 1
                while at >= 0 and children[at].end_lineno >= line:  # type: ignore[operator]
                    below.append(children[at])
                    at -= 1
            out.extend(below)  # type: ignore[arg-type]
            level = below
        return out

    def droppable(self, statement: ast.stmt) -> bool:
        """Does ``statement`` have its lines to itself (no other statement's text on them)?"""
        lines = self.source.lines
        first = lines[start(statement) - 1]
        indent = len(first) - len(first.lstrip(" \t\f"))
        if getattr(statement, "decorator_list", None):
            if not first.startswith("@", indent):
                return False
        elif statement.col_offset != indent:
            return False
        last = lines[statement.end_lineno - 1].encode("utf-8")  # type: ignore[operator]
        rest = last[statement.end_col_offset :].strip()
        return not rest or rest.startswith(b"#")

    def bound_by(self, statement: ast.stmt) -> set[str]:
        found = self._binds.get(id(statement))
        if found is None:
            found = self._binds[id(statement)] = binds(statement)
        return found


def start(statement: ast.stmt) -> int:
    """The first line of ``statement``: a def's ``lineno`` is after its decorators."""
    decorators: list[ast.expr] = getattr(statement, "decorator_list", None) or []
    return min([statement.lineno, *(d.lineno for d in decorators)])


def bodies(statement: Statement) -> Iterator[list[ast.stmt]]:
    for field in BODIES:
        body = getattr(statement, field, None)
        if body:
            yield body
    for handler in getattr(statement, "handlers", ()):
        yield handler.body
    for case in getattr(statement, "cases", ()):
        yield case.body


def own_parts(statement: ast.stmt) -> list[ast.AST]:
    """What a statement holds besides its nested statements (its header, for a compound one)."""
    out: list[ast.AST] = []
    for field, value in ast.iter_fields(statement):
        if field in BODIES:
            continue
        if field == "handlers":
            out.extend(handler.type for handler in value if handler.type is not None)
        elif field == "cases":
            for case in value:
                out.append(case.pattern)
                if case.guard is not None:
                    out.append(case.guard)
        elif isinstance(value, ast.AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend(item for item in value if isinstance(item, ast.AST))
    return out


def binds(statement: ast.stmt) -> set[str]:
    """Every name a statement's own parts bind, in any scope (an over-approximation is safe)."""
    names: set[str] = set()
    name = getattr(statement, "name", None)
    if isinstance(name, str):  # def, class
        names.add(name)
    for handler in getattr(statement, "handlers", ()):
        if handler.name:
            names.add(handler.name)
    for part in own_parts(statement):
        for node in ast.walk(part):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.partition(".")[0])
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                names.update(node.names)
            else:
                bound = getattr(node, "name", None) or getattr(node, "rest", None)
                if isinstance(bound, str) and not isinstance(node, ast.alias):
                    names.add(bound)  # match captures: MatchAs, MatchStar, MatchMapping
    if isinstance(statement, SCOPE_DECLARATIONS):
        names.update(statement.names)
    return names
