"""The structural screen: does the ``ast`` tree hold a value some selected check reports?

For the rule set's own readings (``Candidates``): a string constant naming a model of the rule
set, an output-token parameter given a value above the smallest output limit, a modality asked
for, a content part no model the file names accepts. For the plain names other checks declare
(``holds_declared``): the name where the check reads it.
"""

from __future__ import annotations

import ast
from collections.abc import Container

from migrator.pruning import constant_text
from migrator.ruleset import MAX_MODEL_REF_LENGTH, SnapshotMode
from migrator.screen.folding import AssignedValues, bound_name, exceeds, leaves
from migrator.screen.lines import lines_of, spanning
from migrator.screen.terms import ScreenTerms
from migrator.triggers import Triggers


class Candidates:
    """``find(tree, source, lines)``: (a model string MIG001/MIG002 report, a value MIG003/MIG004
    judge) in the tree."""

    def __init__(self, terms: ScreenTerms) -> None:
        self.terms = terms
        self.ruleset = terms.ruleset
        self._lacking: dict[str, frozenset[str]] = {}

    def find(self, tree: ast.AST, source: bytes, lines: list[int]) -> tuple[bool, bool]:
        """Does the tree hold a model string MIG001/MIG002 report, and a value MIG003/MIG004
        judge?

        Everything looked for here starts on a line where the bytes screen found its token
        (``lines``), so only the nodes whose lines span one of those are visited.
        """
        terms = self.terms
        skip: set[int] = set()  # docstrings and f-string pieces: never a finding
        limits: list[ast.expr] = []  # values given to an output-token parameter
        parts: list[ast.expr] = []  # values that may be a content part's type
        audio: list[ast.expr] = []  # audio output configs: a dict, or a name bound to one
        strings = requests = False
        lacking: set[str] = set()  # modalities some model the file names does not accept
        typed: set[str] = set()  # modalities of the typed parts the file builds
        for node in spanning(tree, lines):
            if isinstance(node, ast.Constant):
                value = node.value
                if id(node) in skip:
                    continue
                if isinstance(value, bytes):
                    value = value.decode("ascii", "replace")
                elif not isinstance(value, str):
                    continue
                found = self._model_kind(value)
                strings = strings or found == 2
                if found:
                    lacking |= self._lacks(value)
            elif isinstance(node, ast.keyword):
                if node.arg == terms.modalities_parameter:
                    requests = requests or _is_collection(node.value)
                elif node.arg == terms.audio_parameter:
                    audio.append(node.value)
                if node.arg in terms.token_parameters:
                    limits.append(node.value)
                parts.append(node.value)
            elif isinstance(node, ast.Dict):
                keys = [constant_text(key) for key in node.keys]
                for key, item in zip(keys, node.values):
                    if key in terms.token_parameters:
                        limits.append(item)
                    elif key == terms.modalities_parameter:
                        requests = requests or _is_collection(item)
                    elif key == terms.audio_parameter and terms.model_parameters.intersection(keys):
                        audio.append(item)  # a request body asking for audio output
                    parts.append(item)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                if node.value is None:
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(bound_name(target) in terms.token_parameters for target in targets):
                    limits.append(node.value)
                parts.append(node.value)
            elif isinstance(node, ast.Expr):
                skip.add(id(node.value))
            elif isinstance(node, ast.JoinedStr):
                skip.update(id(part) for part in node.values)
            elif isinstance(node, ast.Call):
                # A typed content part is built by calling its constructor.
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name in terms.typed_parts:
                    typed.add(self.ruleset.requests.typed_parts[name])
            if strings and requests:
                return True, True
        if requests or any(self._part_type(value) == 2 for value in parts):
            return strings, True
        if typed & (terms.nowhere | lacking):
            return strings, True
        partial = {t for t in terms.partial_content_types if terms.content_modality[t] in lacking}
        if partial and self._partial_part(tree, source, partial):
            return strings, True
        if not limits and not audio:
            return strings, False
        assigned = AssignedValues(tree, source)
        if any(_is_dict(value, assigned) for value in audio):
            return strings, True
        return strings, bool(limits) and exceeds(limits, assigned, terms.limit)

    def _model_kind(self, value: str) -> int:
        """2: a model MIG001/MIG002 report; 1: another model the rule set knows; 0: neither."""
        if len(value) > MAX_MODEL_REF_LENGTH:
            return 0
        if not value.endswith(self.terms.model_ends) and "ft:" not in value:
            return 0
        if self.ruleset.classify(value, SnapshotMode.AUTO) is not None:
            return 2
        return 1 if self.ruleset.resolve(value) is not None else 0

    def _lacks(self, value: str) -> frozenset[str]:
        """The modalities of content parts that the model ``value`` names will not accept."""
        found = self._lacking.get(value)
        if found is None:
            reached = self.ruleset.reached(value)
            # A model the rule set cannot describe (an override outside it) is not judged.
            found = self.terms.modalities - reached.inputs if reached is not None else frozenset()
            self._lacking[value] = found
        return found

    def _partial_part(self, tree: ast.AST, source: bytes, types: set[str]) -> bool:
        """One of ``types`` (content types some model the file names lacks) given as a value.

        Such types are no tokens of the bytes screen (a model string of the file is): the
        lines where one is written are searched now.
        """
        for node in spanning(tree, lines_of(source, sorted(t.encode() for t in types))):
            if isinstance(node, (ast.keyword, ast.Assign, ast.AnnAssign)):
                values = [node.value] if node.value is not None else []
            elif isinstance(node, ast.Dict):
                values = node.values
            else:
                continue
            if any(self._part_type(value, types) == 1 for value in values):
                return True
        return False

    def _part_type(self, value: ast.expr, partial: Container[str] = ()) -> int:
        """2: a content type no target accepts; 1: one of ``partial``; 0: neither."""
        found = 0
        for leaf in leaves(value):
            text = constant_text(leaf)
            if text in self.terms.content_types:
                return 2
            if text in partial:
                found = 1
        return found


def holds_declared(tree: ast.AST, declared: Triggers) -> bool:
    """Does the tree hold one of the declared names where the check reads it?"""
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword):
            if node.arg in declared.keywords:
                return True
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(bound_name(target) in declared.keywords for target in targets):
                return True
        elif isinstance(node, ast.Dict):
            if any(constant_text(key) in declared.dict_keys for key in node.keys):
                return True
        elif isinstance(node, ast.Subscript):
            if constant_text(node.slice) in declared.dict_keys:
                return True
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in declared.callees:
                return True
        elif isinstance(node, ast.Constant) and node.value in declared.strings:
            return True
    return False


def _is_collection(node: ast.expr) -> bool:
    """``modalities=`` is read only when given as a literal list, tuple or set."""
    return isinstance(node, (ast.List, ast.Tuple, ast.Set))


def _is_dict(node: ast.expr, assigned: AssignedValues) -> bool:
    """``audio=`` asks for audio output only with a dict, or a name bound to one."""
    if isinstance(node, ast.Name):
        return any(isinstance(value, ast.Dict) for value in assigned.get(node.id))
    return isinstance(node, ast.Dict)
