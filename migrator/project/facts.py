"""What one file says about model IDs: plain, picklable data, computed without the others."""

from __future__ import annotations

import sys
from dataclasses import dataclass

# Roles of an occurrence of a migrating model ID.
VALUE = "value"  # a plain value: a request's model, a default, an assignment
LOOKUP = (
    "lookup"  # compared, tested for membership, subscripted, matched: moving it changes a branch
)
CATALOGUE = "catalogue"  # data about that model (a price table, a registry): never rewritten
DEPLOYMENT = "deployment"  # an Azure deployment's name


@dataclass(frozen=True)
class Occurrence:
    """One literal whose whole value is a migrating model ID.

    ``line``/``column`` are 1-based, the column counted in characters, as a finding's are;
    ``cell`` is the notebook cell (1-based), 0 elsewhere. ``what`` says which kind of lookup,
    catalogue or deployment it is, in words for a message. ``group`` is a catalogue's index in
    ``FileFacts.catalogues`` (-1 when not in one).
    """

    text: str
    line: int
    column: int
    role: str = VALUE
    what: str = ""
    cell: int = 0
    group: int = -1

    @property
    def site(self) -> tuple[int, int, int]:
        return (self.cell, self.line, self.column)


@dataclass(frozen=True)
class FileFacts:
    """Everything the view needs from one file.

    ``catalogues``: for each catalogue, the model IDs it holds (without provider prefix), to
    tell whether it already has an entry for a migration's target. ``imports``: the modules it
    imports as written (``..pkg.mod``: one leading dot per level of a relative import; a
    project's facts hold hundreds of thousands, and a string each is cheapest to keep).
    ``names_files``: base names of data files the module names in a string.
    """

    occurrences: tuple[Occurrence, ...] = ()
    catalogues: tuple[frozenset[str], ...] = ()
    imports: tuple[str, ...] = ()
    names_files: tuple[str, ...] = ()

    def interned(self) -> FileFacts:
        """These facts with each import one shared string: the same few thousand modules are
        imported all over a project (tree 1: 308,000 imports of 66,000 names), and each file's
        facts come from a worker process as strings of their own."""
        if not self.imports:
            return self
        # Built directly: dataclasses.replace costs more than the interning, once per file.
        imports = tuple(map(sys.intern, self.imports))
        return FileFacts(self.occurrences, self.catalogues, imports, self.names_files)
