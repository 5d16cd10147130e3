"""What earlier walks found in each directory, so that a walk lists again only what changed.

As git's untracked cache: a directory's modification time changes whenever an entry is added,
removed or renamed in it, so a directory whose mtime is as recorded holds the same names, and
the walk's decisions about them (checked file, subdirectory to enter, neither) stand as long
as nothing they were made from changed either:

- the ``.gitignore`` files and configs read (``watched``): any change to one, and the whole
  listing is walked again;
- a directory that changed is listed again; its subdirectories keep their records only when
  the directory still holds the same ``.gitignore`` and config (an added one could ignore
  anything below it);
- a directory modified too close to the moment it was listed for its mtime to tell two
  versions apart (git's racy entries) is not recorded.

The records are plain data (``to_value``/``from_value``), kept by the run's cache.
"""

from __future__ import annotations

import os
import time
from typing import Any

from migrator.cache import RACY_NS
from migrator.config import CONFIG_FILE

# Names in a directory that change the walk's decisions below it.
MARKERS = (".gitignore", CONFIG_FILE)


def stamp(path: str) -> list[int] | None:
    """What a watched file's change would change; None when it is absent."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


class Listing:
    """Records by directory (absolute path): ``[mtime_ns, markers, files, subdirectories]``,
    each a list of names; and the stamps of the watched files."""

    def __init__(
        self, dirs: dict[str, list[Any]] | None = None, watched: dict[str, Any] | None = None
    ) -> None:
        self._old = dirs or {}
        self._watched = watched or {}
        self.dirs: dict[str, list[Any]] = {}  # as this run found them
        self.watched: dict[str, Any] = {}
        self._started = time.time_ns()
        self._racy = False

    @classmethod
    def from_value(cls, value: Any) -> Listing:
        """The listing kept as ``value`` (``to_value``); empty when it is not one, or when a
        watched file changed since."""
        if not isinstance(value, dict):
            return cls()
        dirs, watched = value.get("dirs"), value.get("watched")
        if not isinstance(dirs, dict) or not isinstance(watched, dict):
            return cls()
        if any(stamp(path) != recorded for path, recorded in watched.items()):
            return cls()
        return cls(dirs, watched)

    def to_value(self) -> dict[str, Any] | None:
        """What to keep; None when a watched file changed during the walk (or too recently)."""
        if self._racy:
            return None
        return {"dirs": self.dirs, "watched": self.watched}

    def unchanged(self, directory: str, mtime_ns: int) -> list[Any] | None:
        """The record of ``directory`` if its mtime is as recorded: ``[markers, files,
        subdirectories]``."""
        record = self._old.get(directory)
        if not isinstance(record, list) or len(record) != 4 or record[0] != mtime_ns:
            return None
        self.dirs[directory] = record
        return record[1:]

    def markers(self, directory: str) -> list[str] | None:
        """The markers ``directory`` had when it was recorded (None: never recorded)."""
        record = self._old.get(directory)
        return record[1] if isinstance(record, list) and len(record) == 4 else None

    def record(
        self,
        directory: str,
        mtime_ns: int,
        markers: list[str],
        files: list[str],
        subdirs: list[str],
    ) -> None:
        # Modified less than RACY_NS before the walk began: it may change again without its
        # mtime changing, as a racy cache entry may.
        if mtime_ns < self._started - RACY_NS:
            self.dirs[directory] = [mtime_ns, markers, files, subdirs]

    def watch(self, path: str) -> None:
        """A .gitignore or config the walk's decisions were made from (or would be, were it
        there)."""
        if path in self.watched:
            return
        found = stamp(path)
        if found is not None and found[1] >= self._started - RACY_NS:
            self._racy = True
        self.watched[path] = found
