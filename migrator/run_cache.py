"""The cache as a run uses it: its stores (the project view, and each file's outcome), their
keys, and what an entry must match besides the file's bytes.

- **Facts** depend on a file's bytes and the rule set only: one store per rule set (and size
  limit), shared by ``lint`` and ``fix`` and by every sub-project config. An index (each file's
  facts digest, and the view decided from all of them) is read by every run; the facts
  themselves only when the view must be decided again.
- **Outcomes** depend on the file's own settings too (its nearest config may select other
  checks) and on the verdicts the project view gave it (a catalogue elsewhere can make a fix
  unsafe here): each entry carries digests of both and is used only when they match. One store
  per top-level settings and mode (``lint`` reports what ``fix`` would have applied).

Only outcomes that are a function of those inputs are kept: not a file that was written or
diffed, not a file a check failed on, not one too large to check.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from migrator.cache import Cache, cache_directory, cache_key, compact_json, fingerprint
from migrator.cache_codec import decode, encode
from migrator.config import Settings
from migrator.listing import Listing
from migrator.outcome import FileOutcome, Seen
from migrator.project.facts import FileFacts
from migrator.project.verdicts import NONE, FileVerdicts, Verdict

NO_CACHE = "MIGRATOR_NO_CACHE"  # as RUFF_NO_CACHE
_EMPTY = 0  # the entry of a clean file, or of one with no facts: most files, kept small
_VIEW = "\0view"  # the index's entry for the whole project (no file has this key)
_LISTING = "\0listing"  # and what the walks found in each directory


@dataclass
class RunCache:
    outcomes: Cache = field(default_factory=Cache.disabled)
    index: Cache = field(default_factory=Cache.disabled)
    # The facts themselves: large (every import of every file), so opened only when the view
    # must be decided again; (folder, key) until then.
    facts_at: tuple[Path, str] | None = None
    _facts: Cache | None = None
    _digests: dict[int, tuple[Settings, str]] = field(default_factory=dict)
    walk_digest: str = ""  # of the settings a walk's decisions depend on
    _listing: Listing | None = None

    @classmethod
    def open(cls, settings: Settings, *, fix: bool) -> RunCache:
        """The stores for a run with ``settings`` (its top-level ones)."""
        directory = cache_directory(settings.root, settings.cache_dir)
        facts = cache_key("facts", fingerprint(settings.ruleset), str(settings.max_file_size))
        text = _settings_text(settings)
        outcomes = cache_key("fix" if fix else "lint", text)
        return cls(
            outcomes=Cache.open(directory, outcomes),
            index=Cache.open(directory, f"{facts}-index"),
            facts_at=(directory, facts),
            walk_digest=_digest(text),
        )

    @property
    def enabled(self) -> bool:
        return self.outcomes.file is not None

    def listing(self) -> Listing | None:
        """What earlier walks found in each directory, for this run's walks to reuse and add
        to; None without a cache."""
        if not self.enabled:
            return None
        if self._listing is None:
            value = self.index.value(_LISTING)
            valid = isinstance(value, list) and len(value) == 2 and value[0] == self.walk_digest
            self._listing = Listing.from_value(value[1] if valid and value else None)
        return self._listing

    # -- the project view ----------------------------------------------------------------
    # Each file's entry in the index is the digest of its facts; the view is kept with the
    # digest of every file's name and facts digest. An edit that leaves a file's facts as
    # they were (most edits: no import and no model ID changed) keeps the view valid.

    def facts_digest(self, key: str, path: str) -> str | None:
        """The digest of the file's facts, if it is unchanged since they were recorded."""
        value = _lookup(self.index, key, path)
        return value if isinstance(value, str) else None

    def record_digest(self, key: str, seen: Seen, digest: str) -> None:
        self.index.record(key, seen.stamp, seen.digest, digest)

    def view(self, project: str) -> dict[str, FileVerdicts] | None:
        """The verdicts decided for the project whose digest is ``project``."""
        value = self.index.value(_VIEW)
        if not isinstance(value, list) or len(value) != 2 or value[0] != project:
            return None
        try:
            return {k: _verdicts(sites) for k, sites in value[1].items()}
        except (TypeError, ValueError, AttributeError):
            return None

    def record_view(self, project: str, verdicts: dict[str, FileVerdicts]) -> None:
        encoded = {
            k: [[*site, v.reason, v.display_only] for site, v in file.by_site.items()]
            for k, file in verdicts.items()
        }
        self.index.set_value(_VIEW, [project, encoded])

    def stored_facts(self, key: str, digest: str) -> FileFacts | None:
        """The facts recorded for the file, if they are the ones with ``digest``."""
        value = self._facts_store().value(key)
        if not isinstance(value, list) or len(value) != 2 or value[0] != digest:
            return None
        return FileFacts() if value[1] == _EMPTY else _decoded(FileFacts, value[1])

    def record_facts(self, key: str, digest: str, facts: FileFacts) -> None:
        encoded = encode(facts) if facts != FileFacts() else _EMPTY
        self._facts_store().set_value(key, [digest, encoded])

    def _facts_store(self) -> Cache:
        if self._facts is None:
            self._facts = Cache.open(*self.facts_at) if self.facts_at else Cache.disabled()
        return self._facts

    # -- each file's outcome -------------------------------------------------------------

    def outcome_for(
        self, key: str, path: Path, shown: str, settings: Settings, verdicts: FileVerdicts
    ) -> FileOutcome | None:
        """The outcome recorded for the file, with ``shown`` as its path, if its bytes, its
        settings and its verdicts are those it was recorded with."""
        value = _lookup(self.outcomes, key, os.fspath(path))
        if not isinstance(value, list) or len(value) != 3:
            return None
        if value[:2] != [self._settings_digest(settings), _verdicts_digest(verdicts)]:
            return None
        if value[2] == _EMPTY:
            return FileOutcome(shown, checked=True)
        outcome = _decoded(FileOutcome, value[2])
        return outcome.shown_as(shown) if outcome is not None else None

    def record_outcome(
        self, key: str, settings: Settings, verdicts: FileVerdicts, outcome: FileOutcome
    ) -> None:
        seen = outcome.seen
        if seen is None or not self.enabled:
            return
        named = {f.path for f in (*outcome.findings, *outcome.fixed)}
        named |= {e.path for e in (*outcome.errors, *outcome.warnings, *outcome.notices)}
        if named - {outcome.path}:  # re-set to the shown path on load: only one path allowed
            return
        payload = _EMPTY if outcome.clean else encode(replace(outcome, seen=None))
        value = [self._settings_digest(settings), _verdicts_digest(verdicts), payload]
        self.outcomes.record(key, seen.stamp, seen.digest, value)

    def keep(self, keys: Iterable[str]) -> None:
        """Keep the outcomes of the project's other files (a run naming three files must not
        forget the rest); files no longer in the project are dropped."""
        self.outcomes.keep(keys)

    def save(self) -> list[str]:
        """Write the stores; what to tell the user, once (a cache that could not be written)."""
        if self._listing is not None:
            kept = self._listing.to_value()
            self.index.set_value(_LISTING, None if kept is None else [self.walk_digest, kept])
        notices = []
        for cache in (self.index, self._facts, self.outcomes):
            if cache is None:
                continue
            cache.save()
            if cache.notice is not None and cache.file is not None:
                notices.append(f"{cache.file.parent}: {cache.notice}")
        return notices[:1]  # all live in one folder: one reason is enough

    def _settings_digest(self, settings: Settings) -> str:
        # By identity: a run holds one Settings per config, asked about once per file.
        known = self._digests.get(id(settings))
        if known is None:
            text = _settings_text(settings)
            known = self._digests[id(settings)] = (settings, _digest(text))
        return known[1]


def enabled(no_cache: bool) -> bool:
    """Whether a run caches: not with ``--no-cache`` or ``MIGRATOR_NO_CACHE`` set."""
    return not no_cache and os.environ.get(NO_CACHE, "") in ("", "0", "false")


def _settings_text(settings: Settings) -> str:
    # The verdicts are per file, digested into each entry on their own.
    return fingerprint(replace(settings, verdicts=None))


def facts_digest(facts: FileFacts) -> str:
    return _digest(compact_json(encode(facts)))


def project_digest(names: dict[str, str], digests: dict[str, str], *parts: str) -> str:
    """Of every file's key, name (``names``) and facts digest (``digests``, whose keys are
    the files), and ``parts``: what the view is decided from."""
    # One text of the whole, in the keys' order: tens of thousands of files, each a call
    # less. No key, name or digest holds a NUL (paths cannot), so NULs part them.
    text = "\0".join(f"{k}\0{names[k]}\0{digests[k]}" for k in sorted(digests))
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16)
    digest.update(text.encode("utf-8", "surrogatepass"))  # undecodable names (POSIX)
    return digest.hexdigest()


def _verdicts(sites: Any) -> FileVerdicts:
    by_site: dict[tuple[int, int, int], Verdict] = {}
    for cell, line, column, reason, display_only in sites:
        if not (
            type(cell) is type(line) is type(column) is int
            and type(reason) is str
            and type(display_only) is bool
        ):
            raise TypeError("not a verdict")
        by_site[(cell, line, column)] = Verdict(reason, display_only)
    return FileVerdicts(by_site)


def _verdicts_digest(verdicts: FileVerdicts) -> str:
    return "" if verdicts == NONE else _digest(fingerprint(verdicts))


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _lookup(cache: Cache, key: str, path: str) -> Any | None:
    if cache.file is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return cache.get(key, info, functools.partial(_read, path))


def _read(path: str) -> bytes:
    from migrator.files import read_regular

    try:
        return read_regular(path)
    except OSError:
        return b""  # matches no recorded hash of a file that was read


def _decoded(kind: Any, value: Any) -> Any | None:
    try:
        return decode(kind, value)
    except ValueError:  # a foreign or damaged entry: checked again
        return None
