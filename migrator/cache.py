"""A persistent cache of per-file results, as Ruff's ``.ruff_cache``.

One file per run configuration (tool version, rule set and the settings that change results,
digested into a ``key``) under ``<project>/.migrator_cache/``, holding for each file what the
run learnt from its bytes. An entry is used only when the file is provably unchanged:

- its size, mtime, ctime, inode and device are those recorded (an edit changes the ctime even
  when the mtime is put back, which ``os.utime`` cannot undo);
- and when the file was modified too close to the moment it was read for the timestamps to
  tell two versions apart (git's "racy" entries), its content hash matches too.

The store is JSON, never pickle: a cache directory shipped inside a hostile repository is only
data. A corrupt, truncated or foreign file is ignored and rebuilt; a file is replaced
atomically, so two runs at once never leave a mix (the last one wins); entries of files the run
did not see are dropped, so the cache never grows without bound.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import enum
import functools
import hashlib
import json
import os
import re
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from migrator import __version__, collector

DIRECTORY = ".migrator_cache"
ENVIRONMENT = "MIGRATOR_CACHE_DIR"
FORMAT = 3  # 2: dataclasses as lists of their fields' values; 3: entries as lists
# A file modified less than this before it was read may change again within the timestamp's
# granularity without its stat changing: its entry is checked by content.
RACY_NS = 2_000_000_000
# A key's file not rewritten for this long belongs to a version or settings no longer in use.
STALE_AFTER_S = 30 * 24 * 3600
# Refuse to read more than this: a cache is small, a planted huge file is not ours.
MAX_BYTES = 256 * 1024 * 1024
_GITIGNORE = "# Created by migrator: the cache is local state, never committed.\n*\n"


def cache_key(*parts: str | bytes) -> str:
    """A digest of what makes results differ: the tool (version and code), and ``parts``: the
    rule set, the settings."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(code_stamp().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:32]


@functools.cache
def code_stamp() -> str:
    """The size and mtime of each of the tool's own modules: a check edited in a development
    install, or another build under the same version number, must not reuse results of other
    code (a hundred stats, well under a millisecond)."""
    package = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(package):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                info = os.stat(os.path.join(folder, name))
                where = os.path.relpath(os.path.join(folder, name), package)
                digest.update(f"{where}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def fingerprint(value: Any) -> str:
    """A canonical text of ``value`` (settings, a rule set), the same in every process: sets
    sorted, dict keys sorted, dataclasses by field, paths and dates as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = ",".join(
            f"{f.name}={fingerprint(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
        return f"{type(value).__name__}({inner})"
    if isinstance(value, dict):
        items = sorted((fingerprint(k), fingerprint(v)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(fingerprint(v) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(fingerprint(v) for v in value) + "]"
    if isinstance(value, enum.Enum):
        return fingerprint(value.value)
    if isinstance(value, (PurePath, datetime.date)):
        return repr(str(value))
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return repr(value)
    if isinstance(value, re.Pattern):
        return repr(value.pattern)
    # Anything else (a compiled matcher, a function) must say what it is made of itself.
    raise TypeError(f"no fingerprint for {type(value).__name__}")


def compact_json(value: Any) -> str:
    """``value`` as compact JSON. Without the check for reference cycles (the stores hold plain
    data, made by the cache codec or read back from JSON), which takes half the time of
    writing an index of tens of thousands of small lists."""
    return json.dumps(value, separators=(",", ":"), check_circular=False)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def stamp(info: os.stat_result) -> list[int]:
    """What says a file is unchanged without reading it."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def racy_hash(info: os.stat_result, data: bytes) -> str:
    """The content hash an entry for these bytes needs: "" when the file was last modified
    long enough before now (when it is read) for its timestamps to tell any later version
    apart; a hash, checked on use, when not (git's "racy" entries)."""
    if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) >= RACY_NS:
        return ""
    return content_hash(data)


# An entry: the file's stamp, its racy hash and the value recorded for it, in one flat list
# (a dict per entry takes half as long again to load, and a pre-commit run loads them all).
_STAMP = slice(0, 5)
_HASH, _VALUE = 5, 6
_ENTRY_LENGTH = 7


@dataclass
class Cache:
    """Entries by path (as the run names files), and values by name, loaded from and saved
    to ``file``."""

    file: Path | None  # None: caching is off (--no-cache, or nowhere to write)
    entries: dict[str, list[Any]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    notice: str | None = None  # said once to the user (a cache that cannot be written)
    _fresh: dict[str, list[Any]] = field(default_factory=dict)
    _fresh_values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def disabled(cls) -> Cache:
        return cls(None)

    @classmethod
    def open(cls, directory: Path, key: str) -> Cache:
        """The cache for ``key`` in ``directory``; empty when absent, corrupt or foreign."""
        cache = cls(directory / f"{key}.json.z")
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError, zlib.error):
            cache._load()
        return cache

    def _load(self) -> None:
        assert self.file is not None
        with open(self.file, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_BYTES:
                return
            raw = handle.read(MAX_BYTES + 1)
        with collector.paused():  # a hundred thousand lists, none in a cycle
            data = json.loads(zlib.decompress(raw))
        if data["format"] != FORMAT or data["version"] != __version__:
            return
        entries, values = data["entries"], data["values"]
        if not isinstance(entries, dict) or not isinstance(values, dict):
            return
        for entry in entries.values():
            if type(entry) is not list or len(entry) != _ENTRY_LENGTH:
                return
        self.entries, self.values = entries, values

    def get(self, path: str, info: os.stat_result, read: Callable[[], bytes] | None = None) -> Any:
        """The value recorded for ``path`` if the file is unchanged since, else None.

        ``read`` (giving the file's bytes) is called only for a racy entry.
        """
        entry = self.entries.get(path)
        if entry is None or entry[_STAMP] != stamp(info):
            return None
        if entry[_HASH]:
            if read is None:
                return None
            data = read()
            if entry[_HASH] != content_hash(data):
                return None
            # Checked by content just now: from here on the timestamps may vouch for it, as
            # git refreshes a racy index entry.
            entry = [*entry[_STAMP], racy_hash(info, data), entry[_VALUE]]
        self._fresh[path] = entry
        return entry[_VALUE]

    def record(self, path: str, stamped: list[int], digest: str, value: Any) -> None:
        """Record ``value`` for the file whose stamp and racy hash (``racy_hash``) were taken
        when it was read (by a worker process, which sends back only these)."""
        if self.file is not None:
            self._fresh[path] = [*stamped, digest, value]

    def value(self, name: str) -> Any | None:
        """The value kept under ``name``, which stands for no file (a whole project's view,
        say): its key says what it is valid for."""
        if name not in self.values:
            return None
        found = self._fresh_values[name] = self.values[name]
        return found

    def set_value(self, name: str, value: Any) -> None:
        if self.file is not None:
            self._fresh_values[name] = value

    def keep(self, paths: Iterable[str]) -> None:
        """Carry over the entries of files the run saw but did not look up."""
        for path in paths:
            if path not in self._fresh and path in self.entries:
                self._fresh[path] = self.entries[path]

    def save(self) -> None:
        """Write what this run used or recorded; nothing else survives. A failure to write
        turns caching off for the run with one notice, never an error."""
        if self.file is None or (self._fresh == self.entries and self._fresh_values == self.values):
            return
        payload = {
            "format": FORMAT,
            "version": __version__,
            "entries": self._fresh,
            "values": self._fresh_values,
        }
        data = zlib.compress(compact_json(payload).encode(), 1)
        try:
            _ensure_directory(self.file.parent)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".tmp-", suffix=".z")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, self.file)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            self.notice = f"cache not written ({exc.strerror or exc}); the run went on without it"
        else:
            _drop_stale(self.file.parent)
        self.entries, self.values = dict(self._fresh), dict(self._fresh_values)


def _drop_stale(directory: Path) -> None:
    """Remove the files of other keys (another version, other settings) not written for
    ``STALE_AFTER_S``: one key per configuration would otherwise pile up forever."""
    cutoff = time.time() - STALE_AFTER_S
    with contextlib.suppress(OSError):
        for path in directory.glob("*.json.z"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()


def _ensure_directory(directory: Path) -> None:
    """The cache directory, with a ``.gitignore`` holding ``*`` (as ``.ruff_cache`` has)."""
    directory.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text(_GITIGNORE, encoding="utf-8")


def cache_directory(root: Path, configured: str | None) -> Path:
    """Where the cache lives: ``MIGRATOR_CACHE_DIR`` (relative to the working directory),
    else ``cache-dir`` from the config (relative to its folder), else ``<root>/.migrator_cache``.
    """
    chosen = os.environ.get(ENVIRONMENT)
    if chosen:
        return Path(os.path.abspath(chosen))
    base = Path(configured) if configured else Path(DIRECTORY)
    return base if base.is_absolute() else root / base
