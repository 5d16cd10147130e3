"""The pre-commit hooks, for real: pre-commit installs this checkout and runs it on a commit.

The hook repository is a throwaway commit of this checkout's working tree (tracked and new
files, uncommitted edits included), so the test exercises the code under test, not HEAD.
pre-commit builds the hook's virtualenv with pip; that needs the package index.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from migrator.filekinds import DEFAULT_INCLUDE, KINDS, PYTHON, file_kind
from tests.gitrepo import git, init_repo, isolate_git

ROOT = Path(__file__).resolve().parent.parent
OLD = 'client.chat.completions.create(model="gpt-4o", messages=[])\n'
NEW = 'client.chat.completions.create(model="gpt-4.1", messages=[])\n'

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
# A line of the run summary (text format), lint or fix.
SUMMARY = re.compile(r"^(All clear|No findings|Fixed \d|Would fix \d|\d+ findings?\b)", re.M)


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


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """(repository, rev, PRE_COMMIT_HOME): built once, so the hook's virtualenv is too."""
    base = tmp_path_factory.mktemp("hook-repo")
    with pytest.MonkeyPatch.context() as patch:
        isolate_git(patch)
        hooks = init_repo(base / "hooks")
        rev = snapshot_of_working_tree(hooks)
    return hooks, rev, base / "pre-commit-home"


def config_for(hooks: Path, rev: str, *ids: str) -> str:
    lines = ["repos:", f"  - repo: {hooks}", f"    rev: {rev}", "    hooks:"]
    return "\n".join([*lines, *(f"      - id: {hook_id}" for hook_id in ids)]) + "\n"


def test_hooks_take_every_kind_migrator_checks() -> None:
    """The hooks' files pattern admits every suffix and name the tool gives a kind, so nothing
    passes the hook that `migrator lint` in CI would fail on; --force-exclude then narrows it
    to what a walk checks."""
    names = [f"pkg/a{suffix}" for kind in (PYTHON, *KINDS) for suffix in kind.suffixes]
    names += [f"pkg/{prefix}local" for kind in KINDS for prefix in kind.prefixes]
    names += [".env", "deploy/.env", ".env.example", "deploy/.env.production"]
    names += ["pkg/" + p.replace("*", "a") for p in DEFAULT_INCLUDE]  # what a walk checks
    others = ["setup.cfg", "README.txt", "Makefile", "pkg/a.pyc", "envfile", "a.envrc"]
    assert {file_kind(name) for name in names} == {PYTHON, *KINDS}
    for hook in HOOKS:
        assert "types_or" not in hook and "types" not in hook, hook["id"]
        pattern = re.compile(hook["files"])
        assert [n for n in names if not pattern.search(n)] == [], hook["id"]
        assert [n for n in others if pattern.search(n)] == [], hook["id"]
        assert "--force-exclude" in hook["entry"].split(), hook["id"]
        assert hook["require_serial"] is True, hook["id"]


@pytest.mark.slow  # builds a virtualenv: about a minute
def test_hooks_rewrite_a_staged_file_and_then_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook_repo: tuple[Path, str, Path]
) -> None:
    isolate_git(monkeypatch)
    hooks, rev, home = hook_repo
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))

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
    assert "app.py:1:38: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'" in lint.stdout
    assert app.read_text() == OLD  # the lint hook changes nothing

    fix = pre_commit(project, "run", "migrator", "--files", "app.py")
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "files were modified by this hook" in fix.stdout
    assert app.read_text() == NEW

    git(project, "add", "app.py")  # as the user would, before committing again
    again = pre_commit(project, "run", "--files", "app.py")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("Passed") == 2


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.slow
def test_hooks_agree_with_ci_lint_and_print_one_summary_per_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook_repo: tuple[Path, str, Path]
) -> None:
    isolate_git(monkeypatch)
    hooks, rev, home = hook_repo
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    project = init_repo(tmp_path / "project")
    write(project, ".pre-commit-config.yaml", config_for(hooks, rev, "migrator"))
    write(project, "pyproject.toml", '[tool.migrator]\nexclude = ["generated/"]\n')
    write(project, "app.py", OLD)
    write(project, "config.yaml", "model: gpt-4o\n")
    write(project, ".env", "OPENAI_MODEL=gpt-4o\n")
    write(project, "generated/client.py", OLD)  # excluded: CI does not check it
    write(project, "notes.txt", "we use gpt-4o\n")  # no kind: neither does CI
    write(project, "services/api/pyproject.toml", '[tool.migrator]\nsnapshot = "always"\n')
    write(project, "services/api/main.py", OLD)
    for n in range(6):  # enough files that pre-commit would split them over processes
        write(project, f"lib/m{n}.py", "x = 1\n")
    git(project, "add", "-A")

    # What CI's `migrator lint` reports on the tree (from the same checkout, this venv).
    ci = subprocess.run(
        [sys.executable, "-m", "migrator", "lint", "-q"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    ci_files = sorted(line.split(":")[0] for line in ci.stdout.splitlines())
    assert ci_files == [".env", "app.py", "config.yaml", "services/api/main.py"], ci.stdout

    install = pre_commit(project, "install")
    assert install.returncode == 0, install.stdout + install.stderr
    commit = subprocess.run(
        ["git", "commit", "-m", "add the app"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    out = commit.stdout + commit.stderr
    assert commit.returncode != 0, out  # the hook rewrote files
    assert len(SUMMARY.findall(out)) == 1, out
    assert (project / "app.py").read_text() == NEW
    assert (project / "config.yaml").read_text() == "model: gpt-4.1\n"
    assert (project / ".env").read_text() == "OPENAI_MODEL=gpt-4.1\n"
    assert (project / "services/api/main.py").read_text() == NEW.replace(
        "gpt-4.1", "gpt-4.1-2025-04-14"
    )
    assert (project / "generated/client.py").read_text() == OLD
    assert (project / "notes.txt").read_text() == "we use gpt-4o\n"

    git(project, "add", "-A")
    again = subprocess.run(
        ["git", "commit", "-m", "add the app"], cwd=project, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stdout + again.stderr
