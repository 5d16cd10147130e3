"""What of one file the checks may read: the statements kept, and the items blanked in them.

Kept: the statements holding a mark, the statements around them, and (when the request checks
run) every statement binding a name they follow from what is kept. Blanked: an item inside a
kept statement that holds no mark and binds no name (see ``migrator.pruning``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator

from migrator.pruning.marks import FoundMarks
from migrator.pruning.readings import other_spellings
from migrator.pruning.statements import Statement, StatementTree, own_parts
from migrator.pruning.text import SourceLines, word_offsets
from migrator.pruning.vocabulary import Vocabulary

# An item that binds a name (walrus, comprehension variable) cannot go: the bindings a check
# counts would change. The text test is cheap; the tree is walked only when it matches.
_MAY_BIND = re.compile(r":=|\bfor\b|\blambda\b")
_BINDING_EXPRESSIONS = (ast.NamedExpr, ast.comprehension, ast.Lambda)


class Selection:
    """``select()`` fills ``kept`` (statements) and ``blanked`` (items), keyed by ``id``."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        source: SourceLines,
        statements: StatementTree,
        marks: FoundMarks,
        *,
        requests: bool,
    ) -> None:
        self.vocabulary = vocabulary
        self.source = source
        self.statements = statements
        self.requests = requests
        self.kept: dict[int, Statement] = {}
        self.blanked: dict[int, ast.AST] = {}  # items inside kept statements
        self._marks = marks
        self._names_done: set[str] = set()
        self._spellings = other_spellings(source.text)

    def select(self) -> None:
        work: list[Statement] = [self.statements.tree, *self._marks.statements]
        while work:
            for kept in self._keep(work.pop()):
                if self.requests:  # only the request checks follow names to their values
                    work.extend(self._bindings_of(self._followed(kept)))

    def _keep(self, statement: Statement) -> list[Statement]:
        """Keep ``statement`` and the statements around it; return those newly kept."""
        statements = self.statements
        newly: list[Statement] = []
        todo = [statement]
        while todo:
            node: Statement | None = todo.pop()
            while node is not None and id(node) not in self.kept:
                self.kept[id(node)] = node
                newly.append(node)
                self._blank_items(node)
                # A statement that shares a line with another cannot be blanked alone.
                todo.extend(
                    c for c in statements.child_statements(node) if not statements.droppable(c)
                )
                node = statements.parent.get(id(node))
        return newly

    def _bindings_of(self, names: set[str]) -> Iterator[Statement]:
        """The statements binding any of ``names`` anywhere in the file."""
        source, statements, kept = self.source, self.statements, self.kept
        for name in names - self._names_done:
            self._names_done.add(name)
            for spelling in (name, *self._spellings.get(name, ())):
                for at in word_offsets(source.text, spelling):
                    for statement in statements.chain(source.line_at(at)):
                        if id(statement) not in kept and name in statements.bound_by(statement):
                            yield statement

    def _followed(self, statement: Statement) -> set[str]:
        """The names a check may follow to their values from what is kept of ``statement``.

        A check follows a name given as a marked keyword's value (``model=MODEL``,
        ``max_tokens=LIMIT``, with arithmetic), a ``**splat``, or the first positional argument
        of a call (``Agent(MODEL)``), and from a name to what it is bound to.
        """
        if isinstance(statement, ast.Module):
            return set()
        names: set[str] = set()
        stack = own_parts(statement)
        value = getattr(statement, "value", None)
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and value is not None:
            names |= self._value_names(value)
        while stack:
            node = stack.pop()
            if id(node) in self.blanked:
                continue
            if isinstance(node, (ast.Call, ast.Dict)):
                names |= self._value_names(node)
            stack.extend(ast.iter_child_nodes(node))
        return names

    def _value_names(self, node: ast.AST) -> set[str]:
        """The names ``bindings.follow``/``static_int`` and the request model would follow."""
        if isinstance(node, ast.Name):
            return {node.id}
        if isinstance(node, ast.BinOp):
            return self._value_names(node.left) | self._value_names(node.right)
        if isinstance(node, ast.UnaryOp):
            return self._value_names(node.operand)
        values: list[ast.AST] = []
        if isinstance(node, ast.Call):
            if node.args and not isinstance(node.args[0], ast.Starred):
                values.append(node.args[0])
            values.extend(k.value for k in node.keywords if k.arg is None or self._keeps_value(k))
        elif isinstance(node, ast.Dict):
            values.extend(
                v for k, v in zip(node.keys, node.values) if k is None or self._keeps_value(k)
            )
        names: set[str] = set()
        for value in values:
            names |= self._value_names(value)
        return names

    # -- items ---------------------------------------------------------------------------------

    def _blank_items(self, statement: Statement) -> None:
        if isinstance(statement, ast.Module):
            return
        stack = own_parts(statement)
        while stack:
            node = stack.pop()
            for child, blankable in _items(node, self._keeps_value):
                if not hasattr(child, "end_lineno"):
                    stack.append(child)
                elif blankable and self._may_blank(child):
                    self.blanked[id(child)] = child
                elif child.end_lineno != child.lineno or self._marks.within(child):  # type: ignore[attr-defined]
                    stack.append(child)

    def _keeps_value(self, node: ast.AST) -> bool:
        """Is ``node`` a keyword or dict key whose value a check reads?"""
        if isinstance(node, ast.keyword):
            return self.vocabulary.is_mark(node, requests=self.requests)
        return self.vocabulary.is_mark_key(node, requests=self.requests)

    def _may_blank(self, node: ast.AST) -> bool:
        if self._marks.within(node):
            return False
        if _MAY_BIND.search(self.source.source_of(node)) is None:
            return True
        return not any(isinstance(n, _BINDING_EXPRESSIONS) for n in ast.walk(node))


def _items(node: ast.AST, keeps_value: Callable[[ast.AST], bool]) -> Iterable[tuple[ast.AST, bool]]:
    """``node``'s children, each with whether it is an item that may be blanked."""
    if isinstance(node, ast.Call):
        yield node.func, False
        for i, arg in enumerate(node.args):
            yield arg, i > 0 and not isinstance(arg, ast.Starred)
        for keyword in node.keywords:
            # ``**splat`` may carry the model; a marked keyword's value is what is checked.
            if keyword.arg is None or keeps_value(keyword):
                yield keyword, False
            else:
                yield keyword.value, True
        return
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and not isinstance(
        getattr(node, "ctx", None),
        (ast.Store, ast.Del),  # targets are names, not values
    ):
        for element in node.elts:
            # A string item stays: MIG001 asks whether the collection would hold an ID twice.
            string = _is_constant_string(element)
            yield element, not string and not isinstance(element, ast.Starred)
        return
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if key is None:  # **splat
                yield value, False
            else:
                yield key, False
                yield value, not keeps_value(key)
        return
    for child in ast.iter_child_nodes(node):
        yield child, False


def _is_constant_string(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))
