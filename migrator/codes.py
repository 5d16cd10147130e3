"""The table of finding codes: each code's name, whether it is opt-in, and which check reports it.

As Ruff's codes table, it lets the command line and the config know the codes (``--select``
validation, opt-in selection, ``explain``'s list) without importing the checks: those are
LibCST visitors, and importing LibCST costs more than a whole warm run answered from the cache.
Each check's own ``Rule`` (summary, description, examples) stays with the check;
tests/test_codes.py proves this table and the checks' ``rules`` agree.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    check: str  # "module:Class" of the check that reports it, imported only to check a file
    opt_in: bool = False  # reported only when a select names it more closely than "MIG"


# In the order the checks run (a check's first code places it).
CODES: tuple[Code, ...] = (
    Code("MIG001", "retiring-model", "migrator.checks.retiring_models:RetiringModels"),
    Code(
        "MIG002",
        "retiring-model-no-replacement",
        "migrator.checks.retiring_models:RetiringModels",
    ),
    Code("MIG003", "output-token-limit", "migrator.checks.token_limits:TokenLimits"),
    Code("MIG004", "unsupported-modality", "migrator.checks.modalities:Modalities"),
    Code("MIG005", "shutdown-date", "migrator.checks.shutdown_dates:ShutdownDates", opt_in=True),
    Code(
        "MIG100",
        "unused-suppression",
        "migrator.checks.unused_suppression:UnusedSuppression",
        opt_in=True,
    ),
)


def known_codes() -> list[str]:
    """Every code, sorted."""
    return sorted(entry.code for entry in CODES)


@functools.cache  # asked for each file's settings
def opt_in_codes() -> frozenset[str]:
    return frozenset(entry.code for entry in CODES if entry.opt_in)
