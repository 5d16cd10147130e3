"""The screen changes no result: every fixture case, of every kind, gives the same findings,
warnings and fixed file with the run's screen as without it."""

from __future__ import annotations

import pytest

from migrator.kinds import check_file
from migrator.screen import Screen
from tests.fixture_cases import FIXTURES, Case, cases

CASES = [
    case for group in sorted(FIXTURES.iterdir()) if group.is_dir() for case in cases(group.name)
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.folder.parent.name}/{c.id}" for c in CASES])
@pytest.mark.parametrize("fix", [False, True], ids=["lint", "fix"])
def test_screened_equals_unscreened(case: Case, fix: bool) -> None:
    settings = case.settings()
    source = case.input.read_bytes()
    plain = check_file(source, case.input.name, settings, fix=fix)
    screened = check_file(
        source, case.input.name, settings, fix=fix, screen=Screen(settings.ruleset)
    )
    assert screened.findings == plain.findings
    assert screened.fixed == plain.fixed
    assert screened.warnings == plain.warnings
    assert screened.error == plain.error
    assert screened.new_source == plain.new_source
