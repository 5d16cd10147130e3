"""The README's one-off workflow, run as written; and the dirty-tree guard letting through the
files an earlier ``fix`` rewrote (and nothing else)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.rewrites import only_model_rewrites
from migrator.ruleset import RuleSet
from tests.gitrepo import git, init_repo, isolate_git

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent


def readme_workflow() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## One-off repository rewrite", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block
    return [line.split("  #")[0].strip() for line in block[1].splitlines() if line.strip()]


def test_the_readme_workflow_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch)
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(ROOT / "fixtures" / "demo", repo, dirs_exist_ok=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "demo")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PAGER": "cat"}
    steps = readme_workflow()
    assert "migrator fix --unsafe-fixes" in steps
    ran = []
    for step in steps:
        if step.startswith("migrator verify"):
            continue  # asks the API: not offline
        command = step.replace("| less", "| cat")
        done = subprocess.run(
            command, shell=True, cwd=repo, env=env, capture_output=True, text=True
        )
        # A step may report findings (exit 1); none may fail (2) or be refused.
        assert done.returncode in (0, 1), f"{step}: {done.returncode}\n{done.stderr}"
        assert "not written" not in done.stdout + done.stderr, step
        ran.append(shlex.split(command)[:3])
    assert ["migrator", "fix", "--unsafe-fixes"] in ran
    # The unsafe sites (values coupled with the price table, and the comparison with them)
    # were rewritten together by the second fix; the price table itself is a catalogue and is
    # never rewritten (its entries got a noqa comment from --add-noqa). All was committed.
    answer = (repo / "support_bot" / "answer.py").read_text()
    assert 'model="gpt-4.1"' in answer and 'model == "gpt-4.1"' in answer
    assert '"gpt-4o"' not in answer
    settings = (repo / "support_bot" / "settings.py").read_text()
    assert '"gpt-4o": (2.50, 10.00),  # noqa: MIG001' in settings
    assert git(repo, "status", "--porcelain") == ""
    assert "Move off OpenAI's retiring models" in git(repo, "log", "-1", "--format=%s")


def _repo_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> Path:
    isolate_git(monkeypatch)
    repo = init_repo(tmp_path / "repo")
    (repo / "app.py").write_text(source)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "app")
    return repo


def _migrator(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args], cwd=repo, capture_output=True, text=True
    )


# A plain value (a safe fix) and a lookup of another model (an unsafe one).
SOURCE = 'A = "gpt-4o"\nB = m == "gpt-4o-mini"\n'


def test_a_second_fix_goes_on_with_files_the_first_rewrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo_with(tmp_path, monkeypatch, SOURCE)
    assert _migrator(repo, "fix").returncode == 1
    assert (repo / "app.py").read_text() == 'A = "gpt-4.1"\nB = m == "gpt-4o-mini"\n'
    done = _migrator(repo, "fix", "--unsafe-fixes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (repo / "app.py").read_text() == 'A = "gpt-4.1"\nB = m == "gpt-4.1-mini"\n'


def test_a_file_with_the_users_own_edits_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo_with(tmp_path, monkeypatch, SOURCE)
    _migrator(repo, "fix")
    edited = (repo / "app.py").read_text() + "C = 3\n"
    (repo / "app.py").write_text(edited)
    done = _migrator(repo, "fix", "--unsafe-fixes")
    assert done.returncode == 2
    assert "unstaged changes" in done.stderr
    assert (repo / "app.py").read_text() == edited


@pytest.mark.parametrize(
    ("old", "new", "ours"),
    [
        (b'A = "gpt-4o"\n', b'A = "gpt-4.1"\n', True),
        (b'A = "gpt-4o"  # gpt-4o\n', b'A = "gpt-4.1"  # gpt-4o\n', True),  # one site of two
        (b"m: openai/gpt-4o-mini\n", b"m: openai/gpt-4.1-mini\n", True),
        (b'A = "gpt-4o-2024-08-06"\n', b'A = "gpt-4.1-2025-04-14"\n', True),
        (b'A = "gpt-4o"\n', b'A = "gpt-4.1-mini"\n', False),  # not its target
        (b'A = "gpt-4o"\n', b'A = "gpt-4.1" \n', False),  # and a space
        (b'A = "gpt-4o"\n', b'A = "gpt-4.1"\nB = 1\n', False),  # a line added
        (b"A = 1\n", b"A = 2\n", False),
        (b'A = "gpt-4o"\n', b'A = "gpt-4o"\n', False),  # no change to explain
        (b'A = "gpt-4o-mini"\n', b'A = "gpt-4.1-mini"\n', True),
        (b'A = "gpt-4o-mini"\n', b'A = "gpt-4.1o-mini"\n', False),  # inside a longer ID
    ],
)
def test_only_model_rewrites(old: bytes, new: bytes, ours: bool) -> None:
    assert only_model_rewrites(old, new, RuleSet.load()) is ours
