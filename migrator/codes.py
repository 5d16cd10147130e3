"""The table of finding codes: each code's name, whether it is opt-in, which check reports it
and what that check reads.

As Ruff's codes table, it lets the command line and the config know the codes (``--select``
validation, opt-in selection, ``explain``'s list), and the screens know what the selected
checks read, without importing the checks: those are LibCST visitors, and importing LibCST
costs more than a whole warm run answered from the cache, or a pre-commit run whose staged
files name no model. Each check's own ``Rule`` (summary, description, examples) and
``triggers`` stay with the check; tests/test_codes.py proves this table and the checks agree.
"""

from __future__ import annotations

import functools
from collections.abc import Container
from dataclasses import dataclass

from migrator.triggers import Triggers

_MODEL_STRINGS = Triggers(model_strings=True)
_REQUESTS = Triggers(requests=True)


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    check: str  # "module:Class" of the check that reports it, imported only to check a file
    opt_in: bool = False  # reported only when a select names it more closely than "MIG"
    # The check's ``triggers``: None, as there, for a check that may read anything.
    triggers: Triggers | None = None


# In the order the checks run (a check's first code places it).
CODES: tuple[Code, ...] = (
    Code(
        "MIG001",
        "retiring-model",
        "migrator.checks.retiring_models:RetiringModels",
        triggers=_MODEL_STRINGS,
    ),
    Code(
        "MIG002",
        "retiring-model-no-replacement",
        "migrator.checks.retiring_models:RetiringModels",
        triggers=_MODEL_STRINGS,
    ),
    Code(
        "MIG003",
        "output-token-limit",
        "migrator.checks.token_limits:TokenLimits",
        triggers=_REQUESTS,
    ),
    Code(
        "MIG004",
        "unsupported-modality",
        "migrator.checks.modalities:Modalities",
        triggers=_REQUESTS,
    ),
    Code("MIG005", "shutdown-date", "migrator.checks.shutdown_dates:ShutdownDates", opt_in=True),
    Code(
        "MIG100",
        "unused-suppression",
        "migrator.checks.unused_suppression:UnusedSuppression",
        opt_in=True,
        triggers=Triggers(),
    ),
)


def selected_triggers(codes: Container[str]) -> list[Triggers | None]:
    """What each check reporting any of ``codes`` reads, one entry a check."""
    checks = {entry.check: entry.triggers for entry in CODES if entry.code in codes}
    return list(checks.values())


def known_codes() -> list[str]:
    """Every code, sorted."""
    return sorted(entry.code for entry in CODES)


@functools.cache  # asked for each file's settings
def opt_in_codes() -> frozenset[str]:
    return frozenset(entry.code for entry in CODES if entry.opt_in)
