"""Finding the marks of one file, and the statements that must be kept for them."""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass

from migrator.pruning.readings import constant_text, literal_body
from migrator.pruning.statements import SCOPE_DECLARATIONS, Statement, StatementTree, start
from migrator.pruning.text import SourceLines
from migrator.pruning.vocabulary import Vocabulary


@dataclass(frozen=True)
class FoundMarks:
    """The statements to keep for their marks, and where each mark starts."""

    statements: list[ast.stmt]
    points: list[tuple[int, int]]  # (line, byte column), sorted

    def within(self, node: ast.AST) -> bool:
        """Does a mark start inside ``node``?"""
        first = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
        at = bisect.bisect_left(self.points, first)
        end = (node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return at < len(self.points) and self.points[at] < end


def find_marks(
    vocabulary: Vocabulary, source: SourceLines, statements: StatementTree, *, requests: bool
) -> FoundMarks:
    """The statements holding a mark, and where the marks start.

    Only nodes whose lines include a hit line (where a mark may be written) are visited; each
    statement visited gets its ``statements.parent``. A statement whose only marks name a
    request's model (``model=model`` all over a wrapper library) is kept only if some value a
    request check judges sits in no call or dict naming its model: such a value is judged
    against every request of the file.
    """
    hits = vocabulary.hit_lines(source, requests=requests)
    tree = statements.tree
    marked: dict[int, ast.stmt] = {}
    naming: dict[int, ast.stmt] = {}  # statements whose marks only name a model
    file_models = False
    points: set[tuple[int, int]] = set()  # where each mark starts: (line, byte column)
    stack: list[tuple[ast.AST, Statement, bool]] = [(tree, tree, False)]
    while stack:
        node, statement, named = stack.pop()
        found: list[ast.AST] = []
        if isinstance(node, SCOPE_DECLARATIONS) or vocabulary.is_mark(node, requests=requests):
            found.append(node)
        elif isinstance(node, ast.Dict):
            found.extend(
                k
                for k in node.keys
                if k is not None and vocabulary.is_mark_key(k, requests=requests)
            )
        if isinstance(node, (ast.Call, ast.Dict)) and requests:
            named = named or _names_model(node, vocabulary, source)
        if found and isinstance(statement, ast.stmt):
            for mark in found:
                where = mark if hasattr(mark, "lineno") else statement
                points.add((where.lineno, where.col_offset))  # type: ignore[attr-defined]
                if vocabulary.is_model_mark(mark):
                    naming[id(statement)] = statement
                else:
                    marked[id(statement)] = statement
                    judged = requests and vocabulary.is_request_value(mark)
                    file_models = file_models or (judged and not named)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                if _spans_hit(hits, child, start(child)):
                    statements.parent[id(child)] = statement
                    stack.append((child, child, False))
            elif not hasattr(child, "end_lineno") or _spans_hit(hits, child):
                stack.append((child, statement, named))
    if file_models:
        marked.update(naming)
    return FoundMarks(list(marked.values()), sorted(points))


def _names_model(node: ast.Call | ast.Dict, vocabulary: Vocabulary, source: SourceLines) -> bool:
    """Does this call or dict name the model of a request, as the checks read it?

    ``request_model`` stops at the first container that does. The checks read keywords and
    keys as written, where ``ast`` also reads a fullwidth ``model=`` or a ``"mo" "del"`` key.
    """
    words = vocabulary.model_words
    if isinstance(node, ast.Call):
        return any(
            keyword.arg in words and source.source_of(keyword).startswith(keyword.arg)
            for keyword in node.keywords
        )
    parameters = vocabulary.model_parameters
    return any(
        key is not None
        and constant_text(key) in parameters
        and literal_body(source.source_of(key)) == constant_text(key)
        for key in node.keys
    )


def _spans_hit(hits: list[int], node: ast.AST, first: int | None = None) -> bool:
    first = first or node.lineno  # type: ignore[attr-defined]
    end = node.end_lineno  # type: ignore[attr-defined]
    at = bisect.bisect_left(hits, first)
    return at < len(hits) and hits[at] <= end
