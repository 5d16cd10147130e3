"""The pre-commit hooks, for real: pre-commit installs this checkout and runs it on a commit.

The hook repository is a throwaway commit of this checkout's working tree (tracked and new
files, uncommitted edits included), so the test exercises the code under test, not HEAD.
pre-commit builds the hook's virtualenv with pip; that needs the package index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import git, init_repo, isolate_git

ROOT = Path(__file__).resolve().parent.parent
OLD = 'client.chat.completions.create(model="gpt-4o", messages=[])\n'
NEW = 'client.chat.completions.create(model="gpt-4.1", messages=[])\n'

pytestmark = pytest.mark.slow  # builds a virtualenv: about a minute


def snapshot_of_working_tree(target: Path) -> str:
    """Copy this checkout's files (as git sees them, ignoring ignored ones) and commit them."""
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot of the working tree under test")
    return git(target, "rev-parse", "HEAD").strip()


def pre_commit(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_hooks_rewrite_a_staged_file_and_then_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    hooks = init_repo(tmp_path / "hooks")
    rev = snapshot_of_working_tree(hooks)

    project = init_repo(tmp_path / "project")
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hooks}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: migrator-lint\n"
        "      - id: migrator\n"
    )
    app = project / "app.py"
    app.write_text(OLD)
    git(project, "add", ".pre-commit-config.yaml", "app.py")

    lint = pre_commit(project, "run", "migrator-lint", "--files", "app.py")
    assert lint.returncode == 1, lint.stdout + lint.stderr
    assert "app.py:1:38: MIG001 [*] 'gpt-4o' retires: use 'gpt-4.1'" in lint.stdout
    assert app.read_text() == OLD  # the lint hook changes nothing

    fix = pre_commit(project, "run", "migrator", "--files", "app.py")
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "files were modified by this hook" in fix.stdout
    assert app.read_text() == NEW

    git(project, "add", "app.py")  # as the user would, before committing again
    again = pre_commit(project, "run", "--files", "app.py")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("Passed") == 2
