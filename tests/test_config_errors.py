"""Broken configuration through the command line: exit 2, the key named, no file touched.

test_config.py checks the messages at the function level; here ``migrator fix`` must stop
before it writes anything.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import GPT4O_CALL, invoke


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        ("[tool.migrator\nsnapshot = 'auto'", "invalid TOML"),
        ('[tool.migrator]\nsnapshot = "auto"\nsnapshot = "never"', "invalid TOML"),
        ("[tool.migrator]\nselect = 'MIG001'", "[tool.migrator] select must be a list"),
        ("[tool.migrator]\nexclude = [1, 2]", "[tool.migrator] exclude must be a list"),
        ("[tool.migrator]\nunsafe-fixes = 'yes'", "[tool.migrator] unsafe-fixes must be true"),
        ("[tool.migrator]\nmodels = ['gpt-4o']", "[tool.migrator] models must be a table"),
        ("[tool.migrator]\nmax-file-size = '5MB'", "[tool.migrator] max-file-size must be"),
        ("[tool.migrator]\nmax-file-size = -1", "[tool.migrator] max-file-size must be"),
        ("[tool.migrator]\nmax-file-size = true", "[tool.migrator] max-file-size must be"),
        ("[tool.migrator]\nunsafe_fixes = true", "unknown key [tool.migrator] 'unsafe_fixes'"),
        ("[tool]\nmigrator = 'on'", "[tool.migrator] must be a table"),
        ("[tool.migrator]\nrules = 'missing.toml'", "missing.toml"),
        ('[tool.migrator.models]\n"gpt-4o" = "gpt-5-turbo-max"', "\"gpt-4o\" = 'gpt-5-turbo-max'"),
        ('[tool.migrator.models]\n"gpt-4o" = 4.1', '[tool.migrator.models] "gpt-4o" must map'),
        ('[tool.migrator.models]\n"gpt-4o" = ""', '[tool.migrator.models] "gpt-4o" must map'),
        # cycles: a -> b -> a, and through the rule set's own sources
        ('[tool.migrator.models]\n"a-1" = "b-1"\n"b-1" = "a-1"', '[tool.migrator.models] "a-1"'),
        ('[tool.migrator.models]\n"gpt-4o" = "gpt-4o-mini"', "\"gpt-4o\" = 'gpt-4o-mini'"),
        ('[tool.migrator.models]\n"gpt-4.1" = "gpt-4o"', "\"gpt-4.1\" = 'gpt-4o'"),
        # a chain: gpt-4o -> gpt-4.1 (rule set) -> gpt-4.1-mini would never settle
        ('[tool.migrator.models]\n"gpt-4.1" = "gpt-4.1-mini"', '[tool.migrator.models] "gpt-4.1"'),
        (
            '[tool.migrator.models]\n"gpt-4.1-2025-04-14" = "gpt-4.1-mini"',
            '[tool.migrator.models] "gpt-4.1-2025-04-14"',
        ),
    ],
)
def test_fix_stops_on_a_broken_config(in_tmp: Path, pyproject: str, message: str) -> None:
    (in_tmp / "pyproject.toml").write_text(pyproject + "\n")
    (in_tmp / "app.py").write_text(GPT4O_CALL)
    code, out, err = invoke("fix")
    assert code == 2
    assert message in err
    assert err.startswith("migrator: error: ")
    assert "Traceback" not in err + out
    assert (in_tmp / "app.py").read_text() == GPT4O_CALL


@pytest.mark.parametrize(
    "rules",
    [
        "not toml at all [",
        "[targets]\n",  # no sources: valid, nothing to migrate
        '[targets."x"]\nsnapshot = 1\n',
        '[targets."gpt-4.1"]\nsnapshot = "s"\nmax_output_tokens = "many"\n'
        'context_window = 1\ninputs = ["text"]\n',
        '[targets."t"]\nsnapshot = "t-1"\nmax_output_tokens = 1\ncontext_window = 1\n'
        'inputs = ["text"]\n[sources."gpt-4o"]\nreplacement = "nowhere"\n',
        "no_replacement = {a = 1}\n[targets]\n",
        'targets = "everything"\n',
    ],
)
def test_a_broken_rule_file_is_a_clean_error(in_tmp: Path, rules: str) -> None:
    (in_tmp / "rules.toml").write_text(rules)
    (in_tmp / "app.py").write_text(GPT4O_CALL)
    code, out, err = invoke("fix", "--rules", "rules.toml")
    assert "Traceback" not in err + out
    assert (in_tmp / "app.py").read_text() == GPT4O_CALL
    if rules == "[targets]\n":
        assert code == 0  # an empty rule set is valid: nothing migrates
    else:
        assert code == 2
        assert "rules.toml" in err


def test_an_explicit_config_file_that_is_broken(in_tmp: Path) -> None:
    (in_tmp / "migrator.toml").write_text("snapshot = 'sometimes'\n")
    (in_tmp / "app.py").write_text(GPT4O_CALL)
    code, _, err = invoke("fix", "--config", "migrator.toml")
    assert code == 2
    assert "snapshot = 'sometimes'" in err
    assert (in_tmp / "app.py").read_text() == GPT4O_CALL


def test_an_unreadable_config_directory_entry(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").mkdir()  # a directory where the config would be
    (in_tmp / "app.py").write_text(GPT4O_CALL)
    code, _, err = invoke("lint")
    assert code == 1, err  # no config: defaults apply
