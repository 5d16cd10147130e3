"""Every rule's documented examples (Fixit-style): invalid ones are flagged, valid ones not."""

from __future__ import annotations

import pytest

from migrator.checks import all_rules
from migrator.config import load_settings
from migrator.kinds.python import check_source

CASES = [
    pytest.param(rule.code, example.code, kind, id=f"{rule.code}-{kind}-{i}")
    for rule in all_rules()
    for kind, examples in (("invalid", rule.invalid), ("valid", rule.valid))
    for i, example in enumerate(examples)
]


@pytest.mark.parametrize(("code", "source", "kind"), CASES)
def test_example(code: str, source: str, kind: str, in_tmp) -> None:
    # Naming the code selects the opt-in ones (MIG005, MIG100) too.
    settings = load_settings(select=["MIG", code])
    result = check_source(source.encode(), "example.py", settings, fix=False)
    assert result.error is None
    codes = [f.code for f in result.findings]
    if kind == "invalid":
        assert code in codes
    else:
        assert code not in codes


def test_every_rule_has_both_kinds_of_example() -> None:
    for rule in all_rules():
        assert rule.invalid and rule.valid, rule.code


@pytest.mark.parametrize("rule", [r for r in all_rules() if r.opt_in], ids=lambda r: r.code)
def test_opt_in_rules_are_not_in_the_default_selection(rule, in_tmp) -> None:
    for example in rule.invalid:
        result = check_source(example.code.encode(), "example.py", load_settings(), fix=False)
        assert rule.code not in [f.code for f in result.findings]
        # The whole family is the default selection: naming the code (or a closer prefix)
        # is what opts in.
        family = load_settings(select=["MIG"])
        result = check_source(example.code.encode(), "example.py", family, fix=False)
        assert rule.code not in [f.code for f in result.findings]
        named = load_settings(select=["MIG", rule.code])
        result = check_source(example.code.encode(), "example.py", named, fix=False)
        assert rule.code in [f.code for f in result.findings]
