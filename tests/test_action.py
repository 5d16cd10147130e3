"""The GitHub Action (action.yml): its steps run here as a runner would run them.

Each `run:` goes to `bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`) with the
step's `env:` after `${{ inputs.* }}` and `${{ github.action_path }}` are substituted, in a
throwaway repository. The install step is replaced by this test's virtualenv, except in the
slow test that runs it for real on a copy of this checkout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.gitrepo import git, init_repo, isolate_git

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
OLD = 'client.chat.completions.create(model="gpt-4o", messages=[])\n'


def expand(text: str, inputs: dict[str, str], action_path: Path) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "github.action_path":
            return str(action_path)
        assert name.startswith("inputs."), f"unsupported expression {name}"
        return inputs[name.removeprefix("inputs.")]

    return EXPRESSION.sub(value, text)


def condition(step: dict[str, Any], inputs: dict[str, str]) -> bool:
    """The one form of `if:` the action uses: `inputs.NAME != ''`."""
    if "if" not in step:
        return True
    match = re.fullmatch(r"inputs\.([\w-]+) != ''", step["if"])
    assert match, f"unsupported condition {step['if']!r}"
    return inputs[match.group(1)] != ""


class Runner:
    """Runs the action's steps in ``workspace`` as a GitHub runner would."""

    def __init__(self, workspace: Path, temp: Path, action_path: Path, **given: str) -> None:
        self.workspace = workspace
        self.temp = temp
        self.action_path = action_path
        self.inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
        unknown = set(given) - set(self.inputs)
        assert not unknown, unknown
        self.inputs.update(given)
        self.github_path = temp / "github_path"
        self.github_path.touch()
        self.path = [os.path.dirname(sys.executable)]  # as if the install step had run

    def run(self, name: str) -> subprocess.CompletedProcess[str] | None:
        step = STEPS[name]
        assert step["shell"] == "bash"
        if not condition(step, self.inputs):
            return None
        # The script itself holds no expression: inputs reach it only through env.
        assert "${{" not in step["run"], step["run"]
        env = {
            "PATH": os.pathsep.join([*self.path, os.environ["PATH"]]),
            "HOME": os.environ.get("HOME", str(self.temp)),
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_PATH": str(self.github_path),
            "GITHUB_ACTION_PATH": str(self.action_path),
            "GITHUB_WORKSPACE": str(self.workspace),
            "NO_COLOR": "1",
        }
        for key, value in step.get("env", {}).items():
            env[key] = expand(str(value), self.inputs, self.action_path)
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.workspace,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        # Lines a step appends to GITHUB_PATH come first in PATH for the later steps.
        added = [line for line in self.github_path.read_text().splitlines() if line]
        self.path = [*reversed(added), *self.path] if added else self.path
        return done


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(monkeypatch)
    repo = init_repo(tmp_path / "repo")
    (repo / "app.py").write_text(OLD)
    (repo / "clean.py").write_text("x = 1\n")
    return repo


def test_the_action_is_composite_and_documents_its_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert list(STEPS) == ["Install migrator", "Write SARIF", "Lint"]
    for name, spec in ACTION["inputs"].items():
        assert spec["description"] and spec["required"] is False, name
    install = STEPS["Install migrator"]
    assert install["env"]["MIGRATOR_SOURCE"] == "${{ github.action_path }}"
    assert '"$MIGRATOR_SOURCE"' in install["run"]  # the version the workflow pinned
    assert "migrator lint --format github" in STEPS["Lint"]["run"]


def test_lint_step_annotates_and_fails(workspace: Path, tmp_path: Path) -> None:
    runner = Runner(workspace, tmp_path, ROOT)
    assert runner.run("Write SARIF") is None  # no sarif-file: skipped
    lint = runner.run("Lint")
    assert lint is not None
    assert lint.returncode == 1, lint.stderr
    assert lint.stdout.startswith("::error file=app.py,line=1,col=38,"), lint.stdout
    assert "title=MIG001::'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'" in lint.stdout


def test_sarif_file_is_written_and_the_lint_step_still_fails(
    workspace: Path, tmp_path: Path
) -> None:
    runner = Runner(workspace, tmp_path, ROOT, **{"sarif-file": "migrator.sarif"})
    sarif = runner.run("Write SARIF")
    assert sarif is not None and sarif.returncode == 0, sarif.stderr
    log = json.loads((workspace / "migrator.sarif").read_text())
    assert log["version"] == "2.1.0"
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "MIG001"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app.py"
    lint = runner.run("Lint")
    assert lint is not None and lint.returncode == 1


def test_args_are_passed_to_lint_and_are_data_not_code(workspace: Path, tmp_path: Path) -> None:
    runner = Runner(workspace, tmp_path, ROOT, args="clean.py")
    lint = runner.run("Lint")
    assert lint is not None and (lint.returncode, lint.stdout) == (0, "")
    runner = Runner(workspace, tmp_path, ROOT, args='"; touch pwned; $(touch pwned2)')
    lint = runner.run("Lint")
    assert lint is not None and lint.returncode == 2  # paths that do not exist
    assert not (workspace / "pwned").exists() and not (workspace / "pwned2").exists()


@pytest.mark.slow  # installs the package and its dependencies into a new virtualenv
def test_install_step_installs_the_actions_own_checkout(workspace: Path, tmp_path: Path) -> None:
    checkout = tmp_path / "action"  # as actions/checkout of <owner>/migrator@<rev> leaves it
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in sorted(set(filter(None, listed.split("\0")))):
        if (ROOT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, checkout / name)
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    runner = Runner(workspace, temp, checkout)
    runner.path = []  # nothing installed yet: only what the step adds
    install = runner.run("Install migrator")
    assert install is not None and install.returncode == 0, install.stdout + install.stderr
    assert runner.path == [str(temp / "migrator-venv" / "bin")]
    lint = runner.run("Lint")
    assert lint is not None and lint.returncode == 1, lint.stderr
    assert lint.stdout.startswith("::error file=app.py,line=1,col=38,")
