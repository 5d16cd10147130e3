"""Writes are atomic, keep the mode, and never overwrite a file someone else changed meanwhile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator import engine, files
from migrator.cli import main
from migrator.files import WriteError, write_atomic

OLD = b'A = "gpt-4o"\n'
NEW = b'A = "gpt-4.1"\n'


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "app.py")


def test_new_content_is_renamed_over_the_original(tmp_path: Path, monkeypatch) -> None:
    app = tmp_path / "app.py"
    app.write_bytes(OLD)
    app.chmod(0o640)
    seen = []
    real_replace = os.replace

    def checking_replace(src: str, dst: str) -> None:
        # At the moment of the rename the original is untouched and the new content is
        # complete, with the original's mode, in the same directory (same file system).
        assert app.read_bytes() == OLD
        assert Path(src).parent == app.parent
        assert Path(src).read_bytes() == NEW
        assert Path(src).stat().st_mode & 0o777 == 0o640
        seen.append(src)
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", checking_replace)
    write_atomic(app, NEW, expected=OLD)
    assert seen, "the new content was not renamed into place"
    assert app.read_bytes() == NEW
    assert leftovers(tmp_path) == []


def test_failed_rename_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, monkeypatch
) -> None:
    app = tmp_path / "app.py"
    app.write_bytes(OLD)

    def failing_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", failing_replace)
    with pytest.raises(WriteError, match="No space left on device"):
        write_atomic(app, NEW, expected=OLD)
    assert app.read_bytes() == OLD
    assert leftovers(tmp_path) == []


def test_interrupt_mid_write_leaves_the_original(tmp_path: Path, monkeypatch) -> None:
    app = tmp_path / "app.py"
    app.write_bytes(OLD)

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(app, NEW, expected=OLD)
    assert app.read_bytes() == OLD
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("mode", [0o644, 0o755, 0o600, 0o664])
def test_mode_is_kept(tmp_path: Path, mode: int) -> None:
    app = tmp_path / "app.py"
    app.write_bytes(OLD)
    app.chmod(mode)
    write_atomic(app, NEW, expected=OLD)
    assert app.stat().st_mode & 0o777 == mode


def test_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_bytes(b"theirs\n")
    with pytest.raises(WriteError, match="changed on disk"):
        write_atomic(app, NEW, expected=OLD)
    assert app.read_bytes() == b"theirs\n"
    assert leftovers(tmp_path) == []


def test_fix_reports_a_file_edited_between_read_and_write(in_tmp: Path, monkeypatch) -> None:
    app = in_tmp / "app.py"
    app.write_bytes(OLD)
    edits: list[bytes] = []
    real_check = engine.check_file

    def check_then_someone_edits(*args: object, **kwargs: object) -> object:
        checked = real_check(*args, **kwargs)  # type: ignore[arg-type]
        # Other bytes each time: whichever read the fix is made from, the file changed since.
        edits.append(b'A = "gpt-4o"  # edited in the editor meanwhile, %d\n' % len(edits))
        app.write_bytes(edits[-1])
        return checked

    monkeypatch.setattr(engine, "check_file", check_then_someone_edits)
    result = CliRunner().invoke(main, ["fix", "app.py"])
    assert app.read_bytes() == edits[-1]
    assert result.exit_code == 2
    assert "app.py: error: file changed on disk while it was being fixed" in result.stderr
    assert "MIG001" in result.stdout  # the finding is still reported, not lost


def test_symlink_is_not_written_through(tmp_path: Path) -> None:
    # The link may point outside the paths the user gave: fix the file it points to instead.
    real = tmp_path / "real.py"
    real.write_bytes(OLD)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    with pytest.raises(WriteError, match="symbolic link"):
        write_atomic(link, NEW, expected=OLD)
    assert link.is_symlink()
    assert real.read_bytes() == OLD


def test_a_file_over_the_limit_is_not_read(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "big.py"
    path.write_bytes(b"x" * 100)

    def no_read(fd: int, size: int) -> bytes:
        raise AssertionError("read a file known to be too large")

    monkeypatch.setattr(files.os, "read", no_read)
    with pytest.raises(files.FileTooLarge) as raised:
        files.read_regular_stat(path, 99)
    assert (raised.value.size, raised.value.limit) == (100, 99)
