"""Deciding fix safety from the whole project's facts.

A value of model ID X is coupled with every lookup of X (moving the value alone changes which
branch runs) and with every catalogue that lists X but not X's target (a lookup by the new ID
would miss). Only occurrences that can reach the value couple: those in its own file, in the
modules it imports or that import it (transitively), and in non-test code anywhere. A coupled
value's fix is unsafe and names what it is coupled with; with ``--unsafe-fixes`` the values and
lookups of a group move together. Catalogue entries are never rewritten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from migrator.project.facts import CATALOGUE, DEPLOYMENT, LOOKUP, VALUE, FileFacts, Occurrence
from migrator.project.verdicts import FileVerdicts, Verdict
from migrator.ruleset import Migration, RuleSet, SnapshotMode

# Sites named in a message; the rest are counted.
_NAMED = 3
COUPLED = "coupled with"  # how a coupled value's reason starts


@dataclass(frozen=True)
class ProjectFile:
    """A file of the project as the coupling rules see it."""

    name: str  # relative to the project root, "/"-separated: what messages show
    facts: FileFacts
    is_test: bool


class Graph:
    """Which files reach which: imports (and data files a module names), both ways.

    ``edges`` is called the first time a reach is asked: only a lookup in a test file needs
    the graph, and most runs have none.
    """

    def __init__(self, edges: Callable[[], Mapping[str, Iterable[str]]]) -> None:
        self._edges = edges
        self._down: dict[str, frozenset[str]] | None = None
        self._up: dict[str, frozenset[str]] = {}
        self._reach: dict[str, frozenset[str]] = {}

    def reach(self, name: str) -> frozenset[str]:
        """Files ``name`` imports or that import it, transitively (each way on its own)."""
        if self._down is None:
            self._down = {k: frozenset(v) for k, v in self._edges().items()}
            up: dict[str, set[str]] = defaultdict(set)
            for source, targets in self._down.items():
                for target in targets:
                    up[target].add(source)
            self._up = {k: frozenset(v) for k, v in up.items()}
        if name not in self._reach:
            self._reach[name] = _closure(name, self._down) | _closure(name, self._up)
        return self._reach[name]


def _closure(start: str, edges: Mapping[str, frozenset[str]]) -> frozenset[str]:
    seen = {start}
    pending = [start]
    while pending:
        for nxt in edges.get(pending.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                pending.append(nxt)
    return frozenset(seen)


def decide(
    files: Mapping[str, ProjectFile], graph: Graph, ruleset: RuleSet, snapshot: SnapshotMode
) -> dict[str, FileVerdicts]:
    """Verdicts for every file with an occurrence that is not a plain, uncoupled value."""
    migrations: dict[str, Migration | None] = {}

    def migration(text: str) -> Migration | None:
        if text not in migrations:
            found = ruleset.classify(text, snapshot)
            migrations[text] = found if isinstance(found, Migration) else None
        return migrations[text]

    lookups: dict[str, list[tuple[str, Occurrence]]] = defaultdict(list)  # by literal
    text_lookups: list[tuple[str, Occurrence]] = []  # str-method arguments: match within values
    catalogued: dict[str, list[tuple[str, Occurrence, frozenset[str]]]] = defaultdict(list)
    for key, file in files.items():
        for occ in file.facts.occurrences:
            if occ.role == LOOKUP:
                lookups[occ.text].append((key, occ))
                if occ.what.startswith("argument of ."):
                    text_lookups.append((key, occ))
            elif occ.role == CATALOGUE:
                found = migration(occ.text)
                if found is not None and occ.group >= 0:
                    members = file.facts.catalogues[occ.group]
                    catalogued[found.ref.model].append((key, occ, members))

    out: dict[str, FileVerdicts] = {}
    for key, file in files.items():
        verdicts: dict[tuple[int, int, int], Verdict] = {}
        for occ in file.facts.occurrences:
            found = migration(occ.text)
            if found is None:
                continue
            if occ.role == CATALOGUE:
                reason = (
                    f"a model catalogue ({occ.what}): add an entry for '{found.new_text}' "
                    "if the code needs one"
                )
                verdicts[occ.site] = Verdict(reason, display_only=True)
            elif occ.role == DEPLOYMENT:
                verdicts[occ.site] = Verdict(occ.what)
            elif occ.role == LOOKUP:
                # Unsafe already where the check sees it (a comparison); this covers the
                # lookups it takes for values (``PRICES.get("gpt-4o")``).
                verdicts[occ.site] = Verdict(
                    f"a lookup ({occ.what}): moving it alone changes what it finds"
                )
            elif occ.role == VALUE:
                sites = []
                # A lookup of the new ID would start to match, too (``== "gpt-4.1"``).
                for text in (occ.text, found.new_text):
                    for other, lookup in lookups.get(text, ()):
                        if _reaches(key, other, files, graph):
                            sites.append((f"the {lookup.what}", other, lookup))
                for other, lookup in text_lookups:
                    inside = lookup.text != occ.text and lookup.text in occ.text
                    if inside and _reaches(key, other, files, graph):
                        sites.append((f"the {lookup.what}", other, lookup))
                targets = {found.new_model, found.source.replacement}
                named: set[tuple[str, int]] = set()  # one site per catalogue
                for other, entry, members in catalogued.get(found.ref.model, ()):
                    if (other, entry.group) in named or targets & members:
                        continue
                    if _reaches(key, other, files, graph):
                        named.add((other, entry.group))
                        sites.append(("the catalogue", other, entry))
                if sites:
                    verdicts[occ.site] = Verdict(_coupled(sites, files))
        if verdicts:
            out[key] = FileVerdicts(verdicts)
    return out


def _reaches(value: str, other: str, files: Mapping[str, ProjectFile], graph: Graph) -> bool:
    if other == value or not files[other].is_test:
        return True
    return other in graph.reach(value)


def _coupled(sites: list[tuple[str, str, Occurrence]], files: Mapping[str, ProjectFile]) -> str:
    sites.sort(key=lambda s: (files[s[1]].name, s[2].site))
    named = []
    for what, key, occ in sites[:_NAMED]:
        cell = f"cell {occ.cell}:" if occ.cell else ""
        named.append(f"{what} at {files[key].name}:{cell}{occ.line}")
    more = len(sites) - _NAMED
    tail = f" and {more} more" if more > 0 else ""
    return f"{COUPLED} " + ", ".join(named) + tail + ": they must move together"
