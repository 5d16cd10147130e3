"""MIG003 over its before/after fixtures, and limits read from the rule file."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.config import load_settings
from migrator.kinds.python import check_source
from tests.fixture_cases import Case, assert_fixture, assert_idempotent, cases

CASES = cases("token_limits")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case) -> None:
    assert_fixture(case)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fix_is_idempotent(case: Case) -> None:
    assert_idempotent(case)


SMALL_TARGET = """
[targets."small-model"]
snapshot = "small-model-2025-01-01"
max_output_tokens = 16384
context_window = 128000
inputs = ["text"]

[sources."big-model"]
replacement = "small-model"

[requests]
model_parameters = ["model"]
output_token_parameters = ["max_tokens"]
"""


@pytest.mark.parametrize(("value", "flagged"), [(20_000, True), (16_385, True), (16_000, False)])
def test_limit_comes_from_the_rule_file(tmp_path: Path, value: int, flagged: bool) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(SMALL_TARGET)
    settings = load_settings(cwd=tmp_path, rules_path=rules)
    source = f'client.chat.completions.create(model="big-model", max_tokens={value})\n'
    result = check_source(source.encode(), "app.py", settings, fix=False)
    messages = [f.message for f in result.findings if f.code == "MIG003"]
    if flagged:
        assert messages == [f"max_tokens={value} exceeds small-model's 16384-token output limit"]
    else:
        assert messages == []


def test_select_shows_only_mig003(in_tmp: Path) -> None:
    source = b'client.chat.completions.create(model="gpt-4o", max_tokens=50000)\n'
    settings = load_settings(select=["MIG003"])
    result = check_source(source, "app.py", settings, fix=False)
    assert [(f.code, f.line, f.column) for f in result.findings] == [("MIG003", 1, 59)]
