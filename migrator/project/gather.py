"""One file's facts, from its bytes: what a worker computes and a cache could keep."""

from __future__ import annotations

import json
import re

from migrator.kinds import kind_of
from migrator.project.data_facts import KINDS, data_occurrences
from migrator.project.facts import FileFacts, Occurrence
from migrator.project.imports import imports, named_files
from migrator.project.python_facts import PythonFacts
from migrator.ruleset import RuleSet


def _any_of(needles: list[bytes]) -> re.Pattern[bytes]:
    # Longest first, though any match will do: the pattern reads as the list it stands for.
    ordered = sorted(set(needles), key=lambda n: (-len(n), n))
    return re.compile(b"|".join(re.escape(n) for n in ordered) or b"(?!)")


class Gatherer:
    """Computes ``FileFacts`` for any file kind (built once per run or worker)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.python = PythonFacts(ruleset)
        # Every migrating literal holds a source ID, and every lookup that a migration can
        # start to match holds a target's: a file with neither has nothing to parse.
        sources = [model.encode() for model in ruleset.sources]
        targets = [model.encode() for model in ruleset.targets]
        # One pass over the bytes for all of them (a file is read for the view whatever it
        # holds: this runs on every file of the project).
        self._needles = _any_of(sources)
        self._python_needles = _any_of(sources + targets)

    def mentions(self, source: bytes, *, python: bool = False) -> bool:
        needles = self._python_needles if python else self._needles
        return needles.search(source) is not None

    def facts(self, path: str, source: bytes) -> FileFacts:
        kind = kind_of(path)
        if kind == "python":
            links, names = imports(source), named_files(source)
            if not self.mentions(source, python=True):
                return FileFacts(imports=links, names_files=names)
            occurrences, catalogues = self.python.occurrences(source)
            return _facts(occurrences, catalogues, links, names)
        if not self.mentions(source, python=kind == "notebook"):
            return FileFacts()
        if kind == "notebook":
            return self._notebook(source)
        if kind in KINDS:
            occurrences, catalogues = data_occurrences(kind, source, self.python)
            return _facts(occurrences, catalogues)
        return FileFacts()

    def _notebook(self, source: bytes) -> FileFacts:
        from migrator.kinds.ipython import PYTHON_CELL_MAGICS, mask

        try:
            cells = json.loads(source.decode("utf-8-sig")).get("cells")
        except (ValueError, AttributeError):
            return FileFacts()
        occurrences: list[Occurrence] = []
        catalogues: list[frozenset[str]] = []
        links: list[str] = []
        names: list[str] = []
        for index, cell in enumerate(cells if isinstance(cells, list) else []):
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            code = cell.get("source")
            code = "".join(code) if isinstance(code, list) else code
            if not isinstance(code, str):
                continue
            head = code.lstrip(" \t")
            if head.startswith("%%") and (head[2:].split() or [""])[0] not in PYTHON_CELL_MAGICS:
                continue  # not Python: the notebook check skips it too
            masked, _ = mask(code)
            raw = masked.encode("utf-8")
            links.extend(imports(raw))
            names.extend(named_files(raw))
            found, found_catalogues = self.python.occurrences(masked, cell=index + 1)
            shift = len(catalogues)
            occurrences.extend(o if o.group < 0 else _regroup(o, o.group + shift) for o in found)
            catalogues.extend(found_catalogues)
        return _facts(occurrences, catalogues, tuple(links), tuple(sorted(set(names))))


def _regroup(occurrence: Occurrence, group: int) -> Occurrence:
    from dataclasses import replace

    return replace(occurrence, group=group)


def _facts(
    occurrences: list[Occurrence],
    catalogues: list[frozenset[str]],
    imports: tuple[str, ...] = (),
    names_files: tuple[str, ...] = (),
) -> FileFacts:
    ordered = tuple(sorted(occurrences, key=lambda o: o.site))
    return FileFacts(ordered, tuple(catalogues), imports, names_files)
