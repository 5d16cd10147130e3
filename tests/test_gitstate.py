"""The dirty-tree guard: ``fix`` leaves files with unstaged edits alone, unless --allow-dirty."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator import gitstate
from migrator.cli import main
from migrator.gitstate import DirtyGuard, _parse_status
from tests.gitrepo import git, init_repo, isolate_git

OLD = 'A = "gpt-4o"\n'
NEW = 'A = "gpt-4.1"\n'


@pytest.fixture
def repo(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(monkeypatch)
    return init_repo(in_tmp)


def fix(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["fix", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_staged_file_is_rewritten_and_dirty_file_left_alone(repo: Path) -> None:
    staged = repo / "staged.py"
    staged.write_text(OLD)
    dirty = repo / "dirty.py"
    dirty.write_text(OLD)
    git(repo, "add", "staged.py", "dirty.py")
    dirty.write_text(OLD + "B = 1  # the user's own edit, not staged\n")

    code, _, err = fix()

    assert staged.read_text() == NEW
    assert dirty.read_text() == OLD + "B = 1  # the user's own edit, not staged\n"
    assert code == 2
    assert "dirty.py: error: not written: the file has unstaged changes" in err
    assert "--allow-dirty" in err
    assert "staged.py" not in err


def test_committed_then_edited_file_is_dirty(repo: Path) -> None:
    app = repo / "app.py"
    app.write_text("X = 1\n")
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", "add app")
    app.write_text(OLD)
    assert fix()[0] == 2
    assert app.read_text() == OLD
    git(repo, "add", "app.py")
    assert fix()[0] == 0
    assert app.read_text() == NEW


def test_untracked_file_is_left_alone(repo: Path) -> None:
    new = repo / "new.py"
    new.write_text(OLD)
    code, out, err = fix()
    assert code == 2
    assert new.read_text() == OLD
    assert "new.py: error: not written: git does not track the file yet" in err
    assert "not written: git does not track the file yet" in out  # in the summary's reasons


def test_allow_dirty_rewrites(repo: Path) -> None:
    dirty = repo / "dirty.py"
    dirty.write_text(OLD)
    assert fix("--allow-dirty")[0] == 0
    assert dirty.read_text() == NEW


def test_diff_mode_needs_no_guard(repo: Path) -> None:
    (repo / "dirty.py").write_text(OLD)
    code, out, _ = fix("--diff")
    assert code == 1
    assert '+A = "gpt-4.1"' in out


def test_outside_a_git_work_tree_there_is_no_guard(in_tmp: Path) -> None:
    app = in_tmp / "app.py"
    app.write_text(OLD)
    assert fix()[0] == 0
    assert app.read_text() == NEW


def test_git_is_asked_once_per_repository(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = init_repo(tmp_path_factory.mktemp("other"))
    for folder in (repo, repo / "pkg", other):
        folder.mkdir(exist_ok=True)
        for name in ("a.py", "b.py", "c.py"):
            (folder / name).write_text(OLD)
    git(repo, "add", ".")
    git(other, "add", ".")
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(command: list[str], **kwargs: object) -> object:
        calls.append(command)
        return real_run(command, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(gitstate.subprocess, "run", counting_run)
    assert fix(".", str(other))[0] == 0
    # Three questions per repository (its driver config, its status, its flagged files),
    # whatever the number of files.
    asked = Counter(command[command.index("-C") + 1] for command in calls)
    assert len(asked) == 2
    assert set(asked.values()) == {3}
    assert (other / "c.py").read_text() == NEW


def test_no_git_call_when_nothing_needs_writing(repo: Path, monkeypatch) -> None:
    (repo / "clean.py").write_text(NEW)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("git was asked although nothing is written")

    monkeypatch.setattr(gitstate.subprocess, "run", fail)
    assert fix()[0] == 0


def test_when_git_cannot_be_asked_files_are_refused(repo: Path, monkeypatch) -> None:
    app = repo / "app.py"
    app.write_text(OLD)
    git(repo, "add", "app.py")
    monkeypatch.setenv("PATH", str(repo / "no-such-dir"))  # no git to run
    code, _, err = fix()
    assert code == 2
    assert app.read_text() == OLD
    assert "cannot ask git whether the file has unstaged changes" in err


def test_guard_with_a_linked_worktree(repo: Path) -> None:
    (repo / "app.py").write_text(OLD)
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", "app")
    linked = repo.parent / (repo.name + "-linked")
    git(repo, "worktree", "add", "-q", str(linked))
    (linked / "app.py").write_text(OLD + "B = 2\n")
    guard = DirtyGuard()
    assert guard.refusal(linked / "app.py") == gitstate.UNSTAGED
    assert guard.refusal(repo / "app.py") is None


def test_parse_status() -> None:
    output = (
        b" M mod.py\0M  staged.py\0MM both.py\0?? new dir/x.py\0"
        b"R  renamed.py\0old.py\0UU conflict.py\0A  added.py\0 D gone.py\0"
    )
    state = _parse_status("/r", output)
    assert state == {
        "/r/mod.py": gitstate.UNSTAGED,
        "/r/both.py": gitstate.UNSTAGED,
        "/r/new dir/x.py": gitstate.UNTRACKED,
        "/r/conflict.py": gitstate.CONFLICTED,
        "/r/gone.py": gitstate.UNSTAGED,
    }


def test_dirty_guard_checks_the_real_path_of_a_symlinked_directory(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    (repo / "pkg").mkdir()
    app = repo / "pkg" / "app.py"
    app.write_text(OLD)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "app")
    app.write_text(OLD + "B = 1  # the user's own edit, not staged\n")
    inside = repo / "alias"
    inside.symlink_to("pkg", target_is_directory=True)
    outside = tmp_path_factory.mktemp("elsewhere") / "link"
    outside.symlink_to(repo / "pkg", target_is_directory=True)

    guard = DirtyGuard()
    for link in (inside, outside):
        assert guard.refusal(link / "app.py") == gitstate.UNSTAGED
        code, _, err = fix(str(link / "app.py"))
        assert code == 2
        assert "not written: the file has unstaged changes" in err
        assert app.read_text() == OLD + "B = 1  # the user's own edit, not staged\n"


@pytest.mark.parametrize("flag", ["--skip-worktree", "--assume-unchanged"])
def test_dirty_guard_treats_skip_worktree_and_assume_unchanged_as_dirty(
    repo: Path, flag: str
) -> None:
    app = repo / "app.py"
    app.write_text(OLD)
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", "app")
    git(repo, "update-index", flag, "app.py")
    app.write_text(OLD + "B = 1  # a local edit git is told not to look at\n")
    assert git(repo, "status", "--porcelain") == ""  # invisible to git status

    code, _, err = fix()

    assert code == 2
    assert app.read_text() == OLD + "B = 1  # a local edit git is told not to look at\n"
    assert "app.py: error: not written: git is told not to look at this file's changes" in err
    assert fix("--allow-dirty")[0] == 0
    assert app.read_text().startswith(NEW)
