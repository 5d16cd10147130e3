"""The codes table (read without importing the checks) says what the checks' own rules say."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import migrator.checks
from migrator import codes
from migrator.checks import all_checks, rule_by_code, selected_checks
from migrator.checks.base import Check


def _defined_checks() -> list[type[Check]]:
    """Every check class with rules in migrator/checks/, registered or not."""
    found = []
    for module_info in pkgutil.iter_modules(migrator.checks.__path__):
        module = importlib.import_module(f"migrator.checks.{module_info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Check) and value.__module__ == module.__name__ and value.rules:
                found.append(value)
    return found


def _location(check: type[Check]) -> str:
    return f"{check.__module__}:{check.__qualname__}"


def test_the_table_and_the_checks_rules_agree() -> None:
    from_checks = {
        (rule.code, rule.name, rule.opt_in, _location(check), check.triggers)
        for check in _defined_checks()
        for rule in check.rules
    }
    table = {
        (entry.code, entry.name, entry.opt_in, entry.check, entry.triggers) for entry in codes.CODES
    }
    assert table == from_checks


def test_each_code_is_in_the_table_once() -> None:
    assert len(codes.known_codes()) == len(set(codes.known_codes()))
    assert codes.known_codes() == sorted(rule.code for rule in migrator.checks.all_rules())


def test_the_checks_run_in_the_order_of_the_table() -> None:
    # The order the checks ran in before the table: each check's codes are contiguous.
    assert [check.__name__ for check in all_checks()] == [
        "RetiringModels",
        "TokenLimits",
        "Modalities",
        "ShutdownDates",
        "UnusedSuppression",
    ]


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        ({"MIG002"}, ["RetiringModels"]),
        ({"MIG004", "MIG001"}, ["RetiringModels", "Modalities"]),
        ({"MIG100"}, ["UnusedSuppression"]),
        (set(), []),
    ],
)
def test_selected_checks_are_those_reporting_a_selected_code(
    selected: set[str], expected: list[str]
) -> None:
    assert [check.__name__ for check in selected_checks(selected)] == expected


def test_rule_by_code_gives_the_checks_own_rule() -> None:
    rule = rule_by_code("MIG003")
    assert rule is not None and rule.name == "output-token-limit" and rule.description
    assert rule_by_code("MIG999") is None
