"""Fix safety decided from the whole project: one fixture per pattern of real code."""

from __future__ import annotations

import pytest

from tests.fixture_cases import Case, assert_fixture, assert_idempotent, cases

CASES = cases("safety")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case) -> None:
    assert_fixture(case)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fix_is_idempotent(case: Case) -> None:
    assert_idempotent(case)
