"""What a check reports: a finding at a place in a file, with an optional fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fix:
    """A replacement for the finding's node.

    ``replacement`` is the new source text as written (e.g. ``'gpt-4.1'`` with its quotes);
    ``safe`` fixes are applied by ``fix``, unsafe ones only with ``--unsafe-fixes``.
    """

    replacement: str
    safe: bool
    reason: str = ""  # why an unsafe fix is unsafe


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int  # 1-based
    end_line: int
    end_column: int  # 1-based, exclusive
    code: str
    message: str
    fix: Fix | None = None
    cell: int | None = None  # notebooks: 1-based index among all cells; line/column are in it

    @property
    def cell_prefix(self) -> str:
        """``cell N: `` for a notebook finding, whose line and column count within that cell."""
        return f"cell {self.cell}: " if self.cell is not None else ""

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.code)


@dataclass(frozen=True)
class FileError:
    """A file that could not be checked or written; the run goes on without it."""

    path: str
    message: str
