"""The registry of checks. Each module holds one check and the rules (codes) it reports.

Which check reports which code is read from ``migrator.codes``; a check's module is imported
only when a file must be checked, so a run answered from the cache never imports LibCST.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Container
from typing import TYPE_CHECKING, cast

from migrator import codes as table

if TYPE_CHECKING:
    from migrator.checks.base import Check, Rule


@functools.cache  # asked for each file checked
def _load(location: str) -> type[Check]:
    module, _, name = location.partition(":")
    return cast("type[Check]", getattr(importlib.import_module(module), name))


def _checks(locations: list[str]) -> list[type[Check]]:
    return [_load(location) for location in dict.fromkeys(locations)]


def all_checks() -> list[type[Check]]:
    """Every check, in the order they run."""
    return _checks([entry.check for entry in table.CODES])


def selected_checks(codes: Container[str]) -> list[type[Check]]:
    """The checks that report any of ``codes``, in registry order."""
    return _checks([entry.check for entry in table.CODES if entry.code in codes])


def all_rules() -> list[Rule]:
    """Every check's rules, documentation and examples included (imports every check)."""
    return sorted((rule for check in all_checks() for rule in check.rules), key=lambda r: r.code)


def rule_by_code(code: str) -> Rule | None:
    return next((rule for rule in all_rules() if rule.code == code), None)
