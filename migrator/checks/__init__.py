"""The registry of checks. Each module holds one check and the rules (codes) it reports."""

from __future__ import annotations

from collections.abc import Container

from migrator.checks.base import Check, Rule
from migrator.checks.modalities import Modalities
from migrator.checks.retiring_models import RetiringModels
from migrator.checks.shutdown_dates import ShutdownDates
from migrator.checks.token_limits import TokenLimits
from migrator.checks.unused_suppression import UnusedSuppression

ALL_CHECKS: tuple[type[Check], ...] = (
    RetiringModels,
    TokenLimits,
    Modalities,
    ShutdownDates,
    UnusedSuppression,
)


def selected_checks(codes: Container[str]) -> list[type[Check]]:
    """The checks that report any of ``codes``, in registry order."""
    return [check for check in ALL_CHECKS if any(code in codes for code in check.codes())]


def all_rules() -> list[Rule]:
    return sorted((rule for check in ALL_CHECKS for rule in check.rules), key=lambda r: r.code)


def rule_by_code(code: str) -> Rule | None:
    return next((rule for rule in all_rules() if rule.code == code), None)
