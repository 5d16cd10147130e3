"""``migrator rules`` and ``migrator explain`` document every check from its Rule objects."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from migrator.checks import all_rules
from migrator.cli import main


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_rules_lists_every_check_with_fix_safety() -> None:
    code, out, _ = invoke("rules")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["code", "name", "fix", "summary"]
    assert len(lines) == 1 + len(all_rules())
    for line, rule in zip(lines[1:], all_rules()):
        assert line.split()[:3] == [rule.code, rule.name, rule.fix]
        assert line.endswith(rule.summary)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_explain_shows_description_and_both_kinds_of_example(rule) -> None:
    code, out, _ = invoke("explain", rule.code.lower())
    assert code == 0
    assert out.startswith(f"{rule.code} ({rule.name}): {rule.summary}\n")
    assert f"Fix: {rule.fix}: " in out
    flagged, clean = out.split("\nFlagged:\n")[1].split("\nClean:\n")
    # Descriptions are wrapped; compare words.
    assert " ".join(rule.description.split()) in " ".join(out.split("\nFlagged:\n")[0].split())
    for line in rule.invalid[0].code.splitlines():
        assert "    " + line in flagged
    for line in rule.valid[0].code.splitlines():
        assert "    " + line in clean


def test_explain_unknown_code_exits_2() -> None:
    code, out, err = invoke("explain", "MIG999")
    assert code == 2
    assert out == ""
    assert "unknown code 'MIG999'" in err
    assert all(rule.code in err for rule in all_rules())
