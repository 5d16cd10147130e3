"""The next migration is a data file: the EXAMPLE rule set of docs/next-migration.md
(fixtures/next_migration/example-gpt-next.toml, made-up models) through lint, fix and the
closing note."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import main
from tests.fixture_cases import FIXTURES, Case, assert_fixture, assert_idempotent, cases

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = FIXTURES / "next_migration" / "example-gpt-next.toml"
CASES = cases("next_migration")
NOTE = (
    "Note: the models this run moves code to have announced shutdown dates too: "
    "gpt-next, gpt-next-mini, gpt-next-mini-2027-01-01 on 2028-06-30 (577 days left). "
    "Plan the next migration (migrator rules --dates)."
)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_example_fixture(case: Case) -> None:
    assert case.settings().ruleset.name == "example-gpt-next"
    assert_fixture(case)
    assert_idempotent(case)


@pytest.fixture
def project(in_tmp: Path) -> Path:
    shutil.copy(FIXTURES / "next_migration" / "app" / "input.py", in_tmp / "app.py")
    # The rule file stays outside the project: a walk would check its TOML too.
    (in_tmp / "pyproject.toml").write_text(f"[tool.migrator]\nrules = {str(EXAMPLE)!r}\n")
    return in_tmp


def test_lint_fix_and_the_note(project: Path) -> None:
    code, out, _ = invoke("lint")
    assert code == 1
    assert "app.py:7:38: MIG001 [*] 'gpt-4.1' shuts down on 2027-01-14: use 'gpt-next'" in out
    assert "max_tokens=32768 exceeds gpt-next-mini's 16384-token output limit" in out
    assert "file input ('file' part) is not supported by gpt-next-mini" in out
    assert "'gpt-4.1-nano' shut down on 2026-10-23: use 'gpt-next-mini'" in out
    assert "no drop-in GPT-Next (example) replacement" in out
    assert out.splitlines()[-1] == NOTE
    code, out, _ = invoke("fix")
    assert code == 1  # MIG002-MIG004 are left for a person
    assert out.splitlines()[-1] == NOTE
    fixed = (project / "app.py").read_text()
    assert 'model="gpt-next"' in fixed and 'model="gpt-next-mini-2027-01-01"' in fixed
    assert 'gpt-4.1"' not in fixed


def test_the_example_is_labelled_and_documented() -> None:
    text = EXAMPLE.read_text()
    assert text.startswith("# EXAMPLE ONLY") and "made-up" in text
    doc = (ROOT / "docs" / "next-migration.md").read_text()
    assert "fixtures/next_migration/example-gpt-next.toml" in doc
    assert 'extends = "openai-api"' in doc
