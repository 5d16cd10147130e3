"""What a check reports: a finding at a place in a file, with an optional fix."""

from __future__ import annotations

from dataclasses import dataclass

# Ruff's fix applicability: a safe fix is applied by ``fix``, an unsafe one only with
# ``--unsafe-fixes``, a display-only one is shown and never applied.
SAFE = "safe"
UNSAFE = "unsafe"
DISPLAY_ONLY = "display-only"


@dataclass(frozen=True)
class Fix:
    """A replacement for the finding's node.

    ``replacement`` is the new source text as written (e.g. ``'gpt-4.1'`` with its quotes);
    ``safe`` fixes are applied by ``fix``, unsafe ones only with ``--unsafe-fixes``, and a
    ``display_only`` one never (it shows what a person might write instead).
    """

    replacement: str
    safe: bool
    reason: str = ""  # why an unsafe or display-only fix is not safe
    display_only: bool = False

    @property
    def applicability(self) -> str:
        if self.display_only:
            return DISPLAY_ONLY
        return SAFE if self.safe else UNSAFE

    def applies(self, unsafe_fixes: bool) -> bool:
        """Whether ``fix`` applies it, given ``--unsafe-fixes``."""
        if self.display_only:
            return False
        return self.safe or unsafe_fixes


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
    line: int | None = None  # where a syntax error is, when known
    column: int | None = None
