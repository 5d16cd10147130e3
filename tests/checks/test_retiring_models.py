"""MIG001/MIG002 over their before/after fixtures."""

from __future__ import annotations

import ast

import pytest

from migrator.runner import check_source
from tests.fixture_cases import Case, cases, expected, run_case

CASES = cases("retiring_models")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case) -> None:
    findings, fixed = run_case(case)
    assert findings == expected(case, "findings.txt", findings)
    assert fixed == expected(case, case.fixed_name, fixed)
    ast.parse(fixed)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fix_is_idempotent(case: Case) -> None:
    _, fixed = run_case(case)
    result = check_source(fixed, "input.py", case.settings(), fix=True)
    assert result.error is None
    assert result.new_source is None
    assert not result.fixed
