"""Named, composable rule sets: a bundled name or a path, ``extends``, and a second migration
(the test-only ``fixtures/made_up_migration/made-up.toml``) run by the fixture machinery as
it is, screened and unscreened."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator import ruleset as ruleset_module
from migrator.cli import main
from migrator.config import ConfigError, load_settings
from migrator.engine import Mode, run
from migrator.ruleset import RuleSet, RuleSetError, bundled_sets
from tests.fixture_cases import (
    FIXTURES,
    Case,
    assert_fixture,
    assert_idempotent,
    cases,
    expected,
    run_case,
)

MADE_UP = cases("made_up_migration")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", MADE_UP, ids=[c.id for c in MADE_UP])
def test_a_made_up_migration_runs_the_fixture_machinery(case: Case) -> None:
    assert case.settings().ruleset.name == "made-up"
    if case.input.suffix == ".py":
        assert_fixture(case)  # also parses the fixed source
    else:
        findings, fixed = run_case(case)
        assert findings == expected(case, "findings.txt", findings)
        assert fixed == expected(case, case.fixed_name, fixed)
    assert_idempotent(case)


@pytest.mark.parametrize("case", MADE_UP, ids=[c.id for c in MADE_UP])
def test_a_made_up_migration_screened_and_unscreened(case: Case, tmp_path: Path) -> None:
    target = tmp_path / case.input.name
    target.write_bytes(case.input.read_bytes())
    settings = case.settings()
    screened = run([target], settings, Mode.LINT, jobs=1)
    unscreened = run([target], settings, Mode.LINT, jobs=1, screens=False)
    assert screened.findings == unscreened.findings
    assert screened.findings


def test_the_made_up_migration_names_its_own_family() -> None:
    [calls] = [c for c in MADE_UP if c.id == "calls"]
    findings = (calls.folder / "findings.txt").read_text()
    assert "no drop-in Acme-2 replacement" in findings
    assert "acme-2's 8192-token output limit" in findings
    assert "GPT-4.1" not in findings and "gpt-4" not in findings


def test_fixtures_name_their_rule_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """A case without a rules key runs FIXTURE_RULES by name, not whatever the default is."""
    monkeypatch.setattr(ruleset_module, "DEFAULT_RULE_SET", "no-such-set")
    with pytest.raises(RuleSetError):
        RuleSet.load()
    case = cases("retiring_models")[0]
    assert case.settings().ruleset.name == "gpt-4.1"


def test_bundled_sets() -> None:
    assert bundled_sets() == ["gpt-4.1", "openai-api"]
    code, out, _ = invoke("rules", "--sets")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["name", "extends", "description"]
    assert lines[1].split()[:2] == ["gpt-4.1", "openai-api"] and "(default)" in lines[1]
    assert lines[2].split()[:2] == ["openai-api", "-"]


def test_the_migration_file_holds_no_api_shapes() -> None:
    text = (Path(__file__).parent.parent / "rules" / "gpt-4.1.toml").read_text()
    assert 'extends = "openai-api"' in text
    assert "[requests" not in text and "deployment_prefixes" not in text
    rules = RuleSet.load("gpt-4.1")
    assert rules.display_name == "GPT-4.1"
    assert "max_tokens" in rules.requests.output_token_parameters  # from openai-api.toml
    assert rules.deployment_prefixes == ("azure/",)


def test_rules_option_takes_a_name_or_a_path(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\nB = "acme-1"\n')
    code, out, _ = invoke("lint", "--rules", "gpt-4.1", "app.py")
    assert code == 1 and "'gpt-4o'" in out and "acme-1" not in out
    made_up = str(FIXTURES / "made_up_migration" / "made-up.toml")
    code, out, _ = invoke("lint", "--rules", made_up, "app.py")
    assert code == 1 and "'acme-1' shuts down on 2031-06-30: use 'acme-2'" in out
    assert "gpt-4o" not in out


def test_rules_key_takes_a_name_or_a_path(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.migrator]\nrules = "gpt-4.1"\n')
    assert load_settings(cwd=in_tmp).ruleset.name == "gpt-4.1"
    (in_tmp / "sets").mkdir()
    (in_tmp / "sets" / "mine.toml").write_text(
        'extends = "openai-api"\nname = "mine"\n[targets."new"]\nsnapshot = "new-2030-01-01"\n'
        'max_output_tokens = 100\ncontext_window = 1000\ninputs = ["text"]\n'
        '[sources."old"]\nreplacement = "new"\n'
    )
    (in_tmp / "pyproject.toml").write_text('[tool.migrator]\nrules = "sets/mine.toml"\n')
    rules = load_settings(cwd=in_tmp).ruleset
    assert rules.name == "mine" and rules.display_name == "mine"
    assert rules.requests.model_parameters  # extended from the bundled API shapes


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("gpt-5", "unknown rule set 'gpt-5': not a bundled set (gpt-4.1, openai-api)"),
        ("openai-api", "holds API shapes only"),
        ("missing.toml", "cannot read rule file"),
    ],
)
def test_bad_rule_set_names_exit_2(in_tmp: Path, rules: str, message: str) -> None:
    (in_tmp / "app.py").write_text("X = 1\n")
    code, _, err = invoke("lint", "--rules", rules, "app.py")
    assert code == 2
    assert message in err and "Traceback" not in err


def test_extends_a_file_beside_it_and_overrides_tables(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(
        'extends = "openai-api"\n[requests]\nmodel_parameters = ["engine_model"]\n'
        '[targets."new"]\nsnapshot = "new-1"\nmax_output_tokens = 100\ncontext_window = 1\n'
        'inputs = ["text"]\n'
    )
    (tmp_path / "child.toml").write_text(
        'extends = "base.toml"\nname = "child"\n[targets."new"]\nmax_output_tokens = 50\n'
    )
    rules = RuleSet.load(tmp_path / "child.toml")
    assert rules.requests.model_parameters == frozenset({"engine_model"})  # base.toml's
    assert rules.requests.output_token_parameters  # openai-api's, two levels down
    assert rules.targets["new"].max_output_tokens == 50 and rules.targets["new"].snapshot == "new-1"


def test_extends_loop_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(RuleSetError, match="loops"):
        RuleSet.load(tmp_path / "a.toml")
    with pytest.raises(ConfigError, match="loops"):
        load_settings(cwd=tmp_path, rules_path=tmp_path / "a.toml")
