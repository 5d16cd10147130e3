"""MIG004 over its before/after fixtures."""

from __future__ import annotations

from dataclasses import replace

import pytest

from migrator.kinds.python import check_source
from tests.fixture_cases import Case, assert_fixture, cases

CASES = cases("modalities")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case) -> None:
    assert_fixture(case)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_never_fixed(case: Case) -> None:
    settings = replace(case.settings(), unsafe_fixes=True)
    result = check_source(case.input.read_bytes(), "input.py", settings, fix=True)
    assert "MIG004" not in {f.code for f in result.fixed}
    assert all(f.fix is None for f in result.findings if f.code == "MIG004")
