"""What checking one file gave: plain data, so a worker process can send it back and the cache
can keep it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from migrator.cache import racy_hash, stamp
from migrator.findings import FileError, Finding


@dataclass(frozen=True)
class Seen:
    """The file as it was read: its stamp (``cache.stamp``) and racy hash
    (``cache.racy_hash``), set when the outcome depends on nothing but those bytes and the
    settings, so the cache may keep it."""

    stamp: list[int]
    digest: str

    @classmethod
    def of(cls, info: os.stat_result, data: bytes) -> Seen:
        """The file whose status (taken before the read) was ``info`` and bytes ``data``."""
        return cls(stamp(info), racy_hash(info, data))


@dataclass
class FileOutcome:
    path: str
    checked: bool = False
    findings: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    warnings: list[FileError] = field(default_factory=list)
    notices: list[FileError] = field(default_factory=list)
    recorded: str | None = None  # the kind of recorded data the file is
    changed: bool = False
    diff: bytes | None = None
    seen: Seen | None = None

    @property
    def clean(self) -> bool:
        """Checked, and nothing to say about it (most files)."""
        return self.checked and not (
            self.findings
            or self.fixed
            or self.errors
            or self.diff
            or self.warnings
            or self.notices
            or self.recorded
        )

    def shown_as(self, shown: str) -> FileOutcome:
        """This outcome with ``shown`` as the file's path, in every finding too (a file named
        otherwise than when it was checked: by the cache's run, or by the view's walk)."""
        if self.path == shown:  # the common case, and every finding says so too
            return self

        def moved(finding: Finding) -> Finding:
            return replace(finding, path=shown)

        def moved_error(error: FileError) -> FileError:
            return replace(error, path=shown)

        return replace(
            self,
            path=shown,
            findings=[moved(f) for f in self.findings],
            fixed=[moved(f) for f in self.fixed],
            errors=[moved_error(e) for e in self.errors],
            warnings=[moved_error(e) for e in self.warnings],
            notices=[moved_error(e) for e in self.notices],
        )
