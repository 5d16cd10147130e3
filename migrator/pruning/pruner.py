"""The pruner: decode a screened file, find its marks, select what to keep, blank the rest."""

from __future__ import annotations

import ast
import io
import tokenize

from migrator.pruning.marks import find_marks
from migrator.pruning.render import render
from migrator.pruning.selection import Selection
from migrator.pruning.statements import StatementTree
from migrator.pruning.text import SourceLines
from migrator.pruning.vocabulary import Vocabulary
from migrator.ruleset import RuleSet


class Pruner:
    """``prune(source, tree, requests=...)``: the source with what no check looks at blanked."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.vocabulary = Vocabulary(ruleset)

    def prune(self, source: bytes, tree: ast.Module, *, requests: bool) -> bytes | None:
        """``source`` (which ``tree`` was parsed from) pruned; None if nothing would go.

        ``requests``: the file may hold a value MIG003/MIG004 judge by its request (see
        ``screen.Admission``). Without one, only MIG001/MIG002 can report, and they read a
        model string, the call or collection around it, and the file's Azure clients.
        """
        try:
            encoding = tokenize.detect_encoding(io.BytesIO(source).readline)[0]
            text = source.decode(encoding)
        except (SyntaxError, LookupError, UnicodeDecodeError):
            return None
        pruned = self._prune_text(text, tree, requests=requests)
        if pruned is None:
            return None
        try:
            return pruned.encode(encoding)
        except UnicodeEncodeError:
            return None

    def _prune_text(self, text: str, tree: ast.Module, *, requests: bool) -> str | None:
        lines = SourceLines(text)
        statements = StatementTree(tree, lines)
        marks = find_marks(self.vocabulary, lines, statements, requests=requests)
        selection = Selection(self.vocabulary, lines, statements, marks, requests=requests)
        selection.select()
        return render(lines, selection.kept, selection.blanked)
