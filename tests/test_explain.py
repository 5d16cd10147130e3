"""``migrator rules`` and ``migrator explain`` document every check from its Rule objects."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from migrator.checks import all_rules
from migrator.cli import main
from migrator.ruleset import RuleSet

# Help names the active rule set's family where a rule's text says {family}.
SHOWN = [rule.for_family(RuleSet.load().display_name) for rule in all_rules()]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_rules_lists_every_check_with_fix_safety() -> None:
    code, out, _ = invoke("rules")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["code", "name", "fix", "summary"]
    assert len(lines) == 1 + len(SHOWN)
    for line, rule in zip(lines[1:], SHOWN):
        assert line.split()[:3] == [rule.code, rule.name, rule.fix]
        assert line.endswith(rule.summary)


@pytest.mark.parametrize("rule", SHOWN, ids=lambda r: r.code)
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


def test_help_names_the_active_rule_sets_family(in_tmp) -> None:
    (in_tmp / "acme.toml").write_text(
        'extends = "openai-api"\nname = "acme"\ndisplay_name = "Acme-2"\n'
        '[targets."acme-2"]\nsnapshot = "acme-2-2030-01-01"\nmax_output_tokens = 1000\n'
        'context_window = 9000\ninputs = ["text"]\n'
    )
    code, out, _ = invoke("rules", "--rules", "acme.toml")
    assert code == 0
    assert "no drop-in Acme-2 replacement" in out
    code, out, _ = invoke("explain", "MIG004", "--rules", "acme.toml")
    assert "supported by the Acme-2 family" in " ".join(out.split())
    assert "GPT-4.1" not in out
    assert "{family}" not in out
