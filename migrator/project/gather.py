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


class _AnyOf:
    """Whether bytes hold any of ``needles``: one ``in`` per needle that holds no other
    (``gpt-4o`` stands for ``gpt-4o-mini`` and ``chatgpt-4o-latest``), several times faster
    than a pattern of alternatives, which is tried at every byte; the pattern when many
    needles remain."""

    _MOST_SCANS = 8

    def __init__(self, needles: list[bytes]) -> None:
        kept: list[bytes] = []
        for needle in sorted(set(needles), key=len):
            if not any(shorter in needle for shorter in kept):
                kept.append(needle)
        self._needles = tuple(kept)
        many = len(kept) > self._MOST_SCANS
        self._pattern = re.compile(b"|".join(map(re.escape, kept))) if many else None

    def found_in(self, source: bytes) -> bool:
        if self._pattern is not None:
            return self._pattern.search(source) is not None
        return any(needle in source for needle in self._needles)


class Gatherer:
    """Computes ``FileFacts`` for any file kind (built once per run or worker)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.python = PythonFacts(ruleset)
        # Every migrating literal holds a source ID, and every lookup that a migration can
        # start to match holds a target's: a file with neither has nothing to parse.
        sources = [model.encode() for model in ruleset.sources]
        targets = [model.encode() for model in ruleset.targets]
        # A file is read for the view whatever it holds: this runs on every file of the
        # project.
        self._needles = _AnyOf(sources)
        self._python_needles = _AnyOf(sources + targets)

    def mentions(self, source: bytes, *, python: bool = False) -> bool:
        needles = self._python_needles if python else self._needles
        return needles.found_in(source)

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
            if not self.mentions(raw, python=True):
                continue  # as for a module: nothing to parse
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
