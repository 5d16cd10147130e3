"""The screen a run builds once: the bytes and structural screens, and the pruner, together."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from migrator import ast_trees
from migrator.codes import CODES, selected_triggers
from migrator.pruning import Pruner
from migrator.ruleset import RuleSet
from migrator.screen.byte_tokens import TokenSearch, builtin_tokens, declared_tokens
from migrator.screen.candidates import Candidates, holds_declared
from migrator.screen.terms import ScreenTerms
from migrator.triggers import Triggers, TriggerSet

if TYPE_CHECKING:
    from migrator.config import Settings


@dataclass(frozen=True)
class Admission:
    """What the screens learnt of a file they let through.

    ``tree`` is None when ``ast`` could not parse the file. ``requests``: the file may hold a
    value MIG003/MIG004 judge by the model of its request (an output-token limit that may be
    above the smallest limit, a modality asked for, a content part); without one, only
    MIG001/MIG002 can report, and ``pruning`` may cut the request context away.
    """

    tree: ast.Module | None
    requests: bool
    strings: bool = True  # may hold a model string MIG001/MIG002 report (fixable, most of them)


class Screen:
    """``admit(source)``: None only when no check can report anything in ``source``."""

    def __init__(self, ruleset: RuleSet, triggers: Iterable[Triggers | None] | None = None) -> None:
        """``triggers``: what the selected checks read; by default, those of the checks a run
        selects by default (an opt-in check, such as MIG005, only when a run selects it)."""
        if triggers is None:
            default = {entry.code for entry in CODES if not entry.opt_in}
            triggers = selected_triggers(default)
        self.wanted = TriggerSet.of(triggers)
        self.ruleset = ruleset
        self.terms = ScreenTerms(ruleset)
        builtin = self.wanted.model_strings or self.wanted.requests
        parameters = self.terms.model_parameters
        self._builtin = TokenSearch(builtin_tokens(self.terms) if builtin else [], parameters)
        self._other = TokenSearch(declared_tokens(self.wanted.other), parameters)
        self._candidates = Candidates(self.terms)
        self._pruner = Pruner(ruleset)

    @classmethod
    def for_settings(cls, settings: Settings) -> Screen:
        """The screen for a run: built from what the checks its settings select read."""
        return cls(settings.ruleset, selected_triggers(settings.selected_codes))

    def bytes_admit(self, source: bytes) -> bool:
        """The bytes screen alone (for code the structural screen cannot see whole)."""
        return self.wanted.everything or self._builtin.found(source) or self._other.found(source)

    def admit(self, source: bytes) -> Admission | None:
        """None when no check can report anything in ``source``; else what the screens learnt."""
        if self.wanted.everything:
            return Admission(None, requests=True)
        builtin = self._builtin.found(source)
        other = self._other.found(source)
        if not (builtin or other):
            return None
        return self._ast_admission(source, builtin=builtin, other=other)

    def prune(self, source: bytes, admission: Admission) -> bytes | None:
        """``source`` cut down to what the checks look at (see ``pruning``); None: check it all."""
        if admission.tree is None:
            return None
        return self._pruner.prune(source, admission.tree, requests=admission.requests)

    def _ast_admission(
        self, source: bytes, *, builtin: bool = True, other: bool = False
    ) -> Admission | None:
        try:
            tree = ast_trees.parse(source)
            if other and holds_declared(tree, self.wanted.other):
                return Admission(None, requests=True)  # checked whole: nothing to prune by
            if builtin:
                lines = self._builtin.lines(source)
                strings, requests = self._candidates.find(tree, source, lines)
            else:
                strings, requests = False, False
        except Exception:  # SyntaxError, ValueError (NUL bytes), RecursionError, MemoryError
            return Admission(None, requests=True)
        if not (strings or requests):
            return None
        return Admission(tree, requests=requests, strings=strings)
