"""What the project view decides for one file: per literal, a stricter fix than the check's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from migrator.findings import Fix

Site = tuple[
    int, int, int
]  # (cell, line, column) as a finding gives them; cell 0 outside notebooks


@dataclass(frozen=True)
class Verdict:
    """``display_only``: a catalogue entry, never rewritten; otherwise an unsafe fix."""

    reason: str
    display_only: bool = False

    def apply(self, fix: Fix) -> Fix:
        """The stricter of ``fix`` and this verdict (a view never makes a fix safer)."""
        if self.display_only:
            return replace(fix, safe=False, display_only=True, reason=self.reason)
        if fix.safe:
            return replace(fix, safe=False, reason=self.reason)
        return fix


@dataclass(frozen=True)
class FileVerdicts:
    """The verdicts of one file's literals, by site."""

    by_site: Mapping[Site, Verdict] = field(default_factory=dict)

    def fix_at(self, fix: Fix | None, line: int, column: int, cell: int = 0) -> Fix | None:
        verdict = self.by_site.get((cell, line, column))
        return fix if verdict is None or fix is None else verdict.apply(fix)

    def in_cell(self, cell: int) -> FileVerdicts:
        """A notebook cell's verdicts, addressed as a module's (cell 0)."""
        return FileVerdicts(
            {(0, line, column): v for (c, line, column), v in self.by_site.items() if c == cell}
        )


NONE = FileVerdicts()
