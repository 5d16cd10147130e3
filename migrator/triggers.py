"""What a check reads, declared by the check: the screens are built from these.

A screen rules a file out before LibCST parses it, so it must know every token any selected
check could report on. Rather than restating the checks, each check says what it reads, and
the screens take the union over the selected checks (``Screen``). A check that declares
nothing (``None``) may read anything: while it is selected, no file is ruled out or pruned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Triggers:
    """The tokens a check's findings need, in a form the screens can look for.

    ``model_strings`` and ``requests`` stand for the rule set's own readings, which the screens
    know in detail (and prune by): string literals naming a model of the rule set (MIG001,
    MIG002), and values judged by the model of their request: output-token limits, modalities,
    content parts (MIG003, MIG004). The other fields are plain names for any other check; a
    file they admit is checked whole, unpruned.
    """

    model_strings: bool = False
    requests: bool = False
    keywords: frozenset[str] = frozenset()  # keyword arguments, and names assigned to
    dict_keys: frozenset[str] = frozenset()  # string keys of dict displays and subscripts
    callees: frozenset[str] = frozenset()  # names or attributes called
    strings: frozenset[str] = frozenset()  # whole string constants

    @property
    def names(self) -> frozenset[str]:
        return self.keywords | self.dict_keys | self.callees | self.strings


@dataclass(frozen=True)
class TriggerSet:
    """The triggers of the selected checks, taken together."""

    model_strings: bool
    requests: bool
    everything: bool  # a selected check declared nothing: every file is checked whole
    other: Triggers

    @classmethod
    def of(cls, declared: Iterable[Triggers | None]) -> TriggerSet:
        declared = list(declared)
        known = [t for t in declared if t is not None]
        return cls(
            model_strings=any(t.model_strings for t in known),
            requests=any(t.requests for t in known),
            everything=len(known) < len(declared),
            other=Triggers(
                keywords=frozenset().union(*(t.keywords for t in known)),
                dict_keys=frozenset().union(*(t.dict_keys for t in known)),
                callees=frozenset().union(*(t.callees for t in known)),
                strings=frozenset().union(*(t.strings for t in known)),
            ),
        )
