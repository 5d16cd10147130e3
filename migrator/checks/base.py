"""What every check is: a batchable LibCST visitor that reports through a shared context."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, TypeVar

import libcst as cst

from migrator.findings import Fix
from migrator.ruleset import RuleSet, SnapshotMode
from migrator.triggers import Triggers

P = TypeVar("P", bound=cst.BatchableCSTVisitor)


@dataclass(frozen=True)
class Example:
    code: str
    note: str = ""


@dataclass(frozen=True)
class Rule:
    """A finding code's documentation; ``invalid``/``valid`` examples double as tests."""

    code: str
    name: str
    summary: str
    fix: str  # "safe", "unsafe", "sometimes" or "never"
    description: str
    invalid: Sequence[Example] = ()
    valid: Sequence[Example] = ()
    opt_in: bool = False  # reported only when a select (config or --select) names it

    def for_family(self, name: str) -> Rule:
        """The rule as help shows it: ``{family}`` becomes the rule set's display name."""
        name = name or "target"  # a result built without a rule set
        return replace(
            self,
            summary=self.summary.replace(FAMILY, name),
            description=self.description.replace(FAMILY, name),
        )


@dataclass(frozen=True)
class Report:
    """A finding still tied to its node; the engine turns it into a positioned Finding."""

    node: cst.CSTNode
    code: str
    message: str
    fix: Fix | None = None
    new_node: cst.CSTNode | None = None


@dataclass
class CheckContext:
    """Per-file state shared by the checks of one traversal.

    ``parents`` is kept by the traversal: while a node's ``visit_`` method runs, ``parents[-1]``
    is that node's parent. Keeping this stack is far cheaper than LibCST's ParentNodeProvider.
    """

    ruleset: RuleSet
    snapshot: SnapshotMode
    parents: list[cst.CSTNode] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    # What several checks read, built once per file (as LibCST's metadata providers are): the
    # traversal walks them ahead of the checks. By class; see ``provider``.
    providers: dict[Callable[[CheckContext], cst.BatchableCSTVisitor], Any] = field(
        default_factory=dict
    )

    def provider(self, kind: Callable[[CheckContext], P]) -> P:
        """The file's one ``kind`` visitor, made on first use by any check."""
        found: P | None = self.providers.get(kind)
        if found is None:
            found = self.providers[kind] = kind(self)
        return found

    def report(
        self,
        node: cst.CSTNode,
        code: str,
        message: str,
        fix: Fix | None = None,
        new_node: cst.CSTNode | None = None,
    ) -> None:
        self.reports.append(Report(node, code, message, fix, new_node))


# Stands in a rule's summary and description for the active rule set's display name.
FAMILY = "{family}"


# Per check class: the names of its visit_/leave_ methods (see Check.get_visitors).
_VISITOR_NAMES: dict[type, tuple[str, ...]] = {}


class Check(cst.BatchableCSTVisitor):
    """Base class: subclasses declare their ``rules`` and ``visit_<Node>`` methods."""

    rules: ClassVar[Sequence[Rule]] = ()
    # What the check reads, for the screens (see ``migrator.triggers``). None: anything, so
    # while the check is selected no file is ruled out before the parse.
    triggers: ClassVar[Triggers | None] = None

    def __init__(self, context: CheckContext) -> None:
        super().__init__()
        self.context = context

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        """LibCST's method map, with the names found once per class instead of once per file.

        LibCST inspects all of a visitor's ~1,000 (mostly stub) methods each time; with one
        check instance per file that cost milliseconds per file and check.
        """
        names = _VISITOR_NAMES.get(type(self))
        if names is None:
            names = tuple(super().get_visitors())
            _VISITOR_NAMES[type(self)] = names
        return {name: getattr(self, name) for name in names}
