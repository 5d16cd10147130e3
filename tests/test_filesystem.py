"""File-system trouble: permissions, symlinks, races and failing writes. Nothing is lost."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import migrator.engine
import migrator.files
from tests.test_cli import invoke

GPT4O = b'A = "gpt-4o"\n'
GPT41 = b'A = "gpt-4.1"\n'
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def temp_files(root: Path) -> list[Path]:
    return sorted(root.rglob(".*.migrator"))


def snapshot(root: Path) -> dict[str, tuple[bool, bytes | str]]:
    """Every entry under ``root``: symlinks by target, files by content."""
    out: dict[str, tuple[bool, bytes | str]] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[key] = (True, os.readlink(path))
        elif path.is_file():
            out[key] = (False, path.read_bytes())
    return out


def test_unreadable_file(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (in_tmp / "locked.py").write_bytes(GPT4O)
    (in_tmp / "open.py").write_bytes(GPT4O)
    real = migrator.engine.read_regular_stat

    def read_regular_stat(path: Path, limit: int = 0) -> tuple[bytes, os.stat_result]:
        if Path(path).name == "locked.py":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, limit)

    monkeypatch.setattr(migrator.engine, "read_regular_stat", read_regular_stat)
    code, _, err = invoke("fix")
    assert code == 2
    assert "locked.py: error: cannot read: Permission denied" in err
    assert (in_tmp / "open.py").read_bytes() == GPT41


@pytest.mark.skipif(IS_ROOT or os.name == "nt", reason="root reads files whatever their mode")
def test_unreadable_file_for_real(in_tmp: Path) -> None:
    locked = in_tmp / "locked.py"
    locked.write_bytes(GPT4O)
    locked.chmod(0)
    try:
        code, _, err = invoke("fix")
    finally:
        locked.chmod(0o644)
    assert code == 2
    assert "locked.py: error: cannot read: Permission denied" in err
    assert locked.read_bytes() == GPT4O


def test_read_only_file_is_reported_not_chmodded(in_tmp: Path) -> None:
    frozen = in_tmp / "frozen.py"
    frozen.write_bytes(GPT4O)
    frozen.chmod(0o444)
    code, out, err = invoke("fix")
    assert code == 2
    assert "frozen.py: error: file is read-only; not changed" in err
    assert "MIG001" in out  # still reported as left to fix
    assert frozen.read_bytes() == GPT4O
    assert frozen.stat().st_mode & 0o777 == 0o444
    assert temp_files(in_tmp) == []


@pytest.fixture
def outside_link(in_tmp: Path) -> tuple[Path, Path]:
    """tree/link.py -> outside/target.py, a file outside the tree that migrator is given."""
    outside = in_tmp / "outside"
    outside.mkdir()
    target = outside / "target.py"
    target.write_bytes(GPT4O)
    tree = in_tmp / "tree"
    tree.mkdir()
    (tree / "link.py").symlink_to(target)
    (tree / "own.py").write_bytes(GPT4O)
    (tree / "linked_dir").symlink_to(outside, target_is_directory=True)
    return tree / "link.py", target


def test_symlinks_are_not_followed_when_walking(
    in_tmp: Path, outside_link: tuple[Path, Path]
) -> None:
    link, target = outside_link
    code, out, err = invoke("fix", "tree")
    assert code == 0, err
    assert "1 file checked" in out
    assert target.read_bytes() == GPT4O
    assert link.is_symlink()
    assert (in_tmp / "tree" / "own.py").read_bytes() == GPT41


def test_a_named_symlink_is_checked_but_never_written(
    in_tmp: Path, outside_link: tuple[Path, Path]
) -> None:
    link, target = outside_link
    code, out, _ = invoke("lint", "tree/link.py")
    assert code == 1
    assert "tree/link.py:1:5: MIG001" in out
    code, _, err = invoke("fix", "tree/link.py")
    assert code == 2
    assert "tree/link.py: error: a symbolic link; not written" in err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == GPT4O
    assert temp_files(in_tmp) == []


def test_symlink_loops(in_tmp: Path) -> None:
    (in_tmp / "a.py").symlink_to(in_tmp / "b.py")
    (in_tmp / "b.py").symlink_to(in_tmp / "a.py")
    (in_tmp / "loop").symlink_to(in_tmp, target_is_directory=True)
    (in_tmp / "real.py").write_bytes(GPT4O)
    code, out, err = invoke("fix")
    assert code == 0, err
    assert "1 file checked" in out
    assert (in_tmp / "real.py").read_bytes() == GPT41
    code, _, err = invoke("fix", "a.py")
    assert code == 2
    assert "a.py: error: a broken or looping symbolic link" in err


def test_writes_only_under_the_given_paths(in_tmp: Path) -> None:
    project = in_tmp / "project"
    sub = project / "sub"
    sub.mkdir(parents=True)
    for path in (project / "top.py", project / "other" / "x.py", in_tmp / "beside.py"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(GPT4O)
    (sub / "mine.py").write_bytes(GPT4O)
    (sub / "up.py").symlink_to(project / "top.py")
    (sub / "up_dir").symlink_to(project / "other", target_is_directory=True)
    before = snapshot(in_tmp)
    code, _, err = invoke("fix", "--unsafe-fixes", "project/sub")
    assert code == 0, err
    after = snapshot(in_tmp)
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert changed == {"project/sub/mine.py"}


def test_file_deleted_between_read_and_write(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = in_tmp / "app.py"
    app.write_bytes(GPT4O)
    real = migrator.engine.check_file

    def check_then_delete(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        app.unlink()
        return result

    monkeypatch.setattr(migrator.engine, "check_file", check_then_delete)
    code, _, err = invoke("fix")
    assert code == 2
    assert "app.py: error: cannot stat: No such file or directory" in err
    assert not app.exists()  # not brought back
    assert list(in_tmp.iterdir()) == []


@pytest.mark.parametrize("failing", ["fsync", "replace", "chmod"])
def test_a_failing_write_leaves_the_original(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    app = in_tmp / "app.py"
    app.write_bytes(GPT4O)
    (in_tmp / "later.py").write_bytes(GPT4O)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(migrator.files.os, failing, disk_full)
    code, out, err = invoke("fix")
    assert code == 2
    assert "app.py: error: cannot write: No space left on device" in err
    assert app.read_bytes() == GPT4O
    assert "MIG001" in out  # reported as not fixed
    assert temp_files(in_tmp) == []


def test_a_fixed_file_keeps_its_owner_and_mode(in_tmp: Path) -> None:
    app = in_tmp / "app.py"
    app.write_bytes(GPT4O)
    app.chmod(0o640)
    before = app.stat()
    assert invoke("fix")[0] == 0
    after = app.stat()
    assert after.st_mode == before.st_mode
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert after.st_ino != before.st_ino  # replaced by rename, not rewritten in place
