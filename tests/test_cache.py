"""The cache store: an entry is used only for a provably unchanged file; a damaged or foreign
cache is ignored, never a crash; writes are atomic; it keeps only what the last run saw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from migrator.cache import Cache, cache_directory, cache_key, racy_hash, stamp


def put(cache: Cache, path: str, info: os.stat_result, data: bytes, value: object) -> None:
    """Record ``value`` for a file as a run does, from its status and bytes."""
    cache.record(path, stamp(info), racy_hash(info, data), value)


def _record(directory: Path, path: Path, value: object, key: str = "k") -> None:
    cache = Cache.open(directory, key)
    put(cache, str(path), path.stat(), path.read_bytes(), value)
    cache.save()


def _age(path: Path, seconds: float = 10) -> None:
    """Make the file's timestamps old, so that its entry is not racy."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_unchanged_file_gets_its_entry_back(tmp_path: Path) -> None:
    source = tmp_path / "a.py"
    source.write_text("x = 'gpt-4o'\n")
    _age(source)
    _record(tmp_path / "cache", source, {"findings": [1, 2]})
    cache = Cache.open(tmp_path / "cache", "k")
    assert cache.get(str(source), source.stat(), source.read_bytes) == {"findings": [1, 2]}


def test_an_entry_that_is_not_racy_is_used_without_reading_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("migrator.cache.RACY_NS", 0)  # as if recorded long after the edit
    source = tmp_path / "a.py"
    source.write_text("x = 'gpt-4o'\n")
    _record(tmp_path / "cache", source, "v")
    assert Cache.open(tmp_path / "cache", "k").get(str(source), source.stat()) == "v"


def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path) -> None:
    source = tmp_path / "a.py"
    source.write_text("x = 'gpt-4o'\n")
    _age(source)
    before = source.stat()
    _record(tmp_path / "cache", source, "old")
    source.write_text("y = 'gpt-4o'\n")  # same size
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime
    after = source.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert Cache.open(tmp_path / "cache", "k").get(str(source), after, source.read_bytes) is None


def test_a_racy_entry_is_checked_by_content(tmp_path: Path) -> None:
    source = tmp_path / "a.py"
    source.write_text("x = 'gpt-4o'\n")  # modified just now: within the racy window
    _record(tmp_path / "cache", source, "v")
    cache = Cache.open(tmp_path / "cache", "k")
    info = source.stat()
    assert cache.get(str(source), info, source.read_bytes) == "v"
    assert cache.get(str(source), info, lambda: b"y = 'gpt-4o'\n") is None
    assert cache.get(str(source), info) is None  # no way to read it: not trusted


def test_a_racy_entry_checked_once_out_of_the_window_is_vouched_for_by_its_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "a.py"
    source.write_text("x = 'gpt-4o'\n")  # modified just now: within the racy window
    _record(tmp_path / "cache", source, "v")
    monkeypatch.setattr("migrator.cache.RACY_NS", 0)  # the window has passed
    cache = Cache.open(tmp_path / "cache", "k")
    assert cache.get(str(source), source.stat()) is None  # still racy as recorded
    assert cache.get(str(source), source.stat(), source.read_bytes) == "v"
    cache.save()
    assert Cache.open(tmp_path / "cache", "k").get(str(source), source.stat()) == "v"


def test_another_key_is_another_cache(tmp_path: Path) -> None:
    source = tmp_path / "a.py"
    source.write_text("x = 1\n")
    _age(source)
    _record(tmp_path / "cache", source, "v", key=cache_key("rules A", "settings"))
    other = Cache.open(tmp_path / "cache", cache_key("rules B", "settings"))
    assert other.get(str(source), source.stat(), source.read_bytes) is None
    assert cache_key("a", "bc") != cache_key("ab", "c")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not zlib at all",
        zlib.compress(b"{not json"),
        zlib.compress(b"[1, 2, 3]"),
        zlib.compress(b'"a string"'),
        zlib.compress(json.dumps({"format": 1, "version": "0.0.0", "entries": {}}).encode()),
        zlib.compress(json.dumps({"format": 1, "entries": []}).encode()),
        zlib.compress(json.dumps({"format": 99, "entries": {"a": 1}}).encode()),
    ],
)
def test_a_corrupt_truncated_or_foreign_file_is_ignored_and_rebuilt(
    tmp_path: Path, content: bytes
) -> None:
    directory = tmp_path / "cache"
    directory.mkdir()
    (directory / "k.json.z").write_bytes(content)
    source = tmp_path / "a.py"
    source.write_text("x = 1\n")
    _age(source)
    cache = Cache.open(directory, "k")
    assert cache.entries == {}
    put(cache, str(source), source.stat(), source.read_bytes(), "v")
    cache.save()
    assert Cache.open(directory, "k").get(str(source), source.stat(), source.read_bytes) == "v"


def test_entries_of_files_the_run_did_not_see_are_dropped(tmp_path: Path) -> None:
    kept, gone = tmp_path / "kept.py", tmp_path / "gone.py"
    for path in (kept, gone):
        path.write_text("x = 1\n")
        _age(path)
    cache = Cache.open(tmp_path / "cache", "k")
    for path in (kept, gone):
        put(cache, str(path), path.stat(), path.read_bytes(), path.name)
    cache.save()
    gone.unlink()
    cache = Cache.open(tmp_path / "cache", "k")
    cache.keep([str(kept)])
    cache.save()
    assert set(Cache.open(tmp_path / "cache", "k").entries) == {str(kept)}


def test_the_directory_ignores_itself(tmp_path: Path) -> None:
    source = tmp_path / "a.py"
    source.write_text("x = 1\n")
    _record(tmp_path / ".migrator_cache", source, "v")
    assert (tmp_path / ".migrator_cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_read_only_directory_is_one_notice_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "cache"
    directory.mkdir()
    directory.chmod(0o500)
    if os.geteuid() == 0:  # root writes into read-only directories: fail as a user would

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("tempfile.mkstemp", refuse)
    source = tmp_path / "a.py"
    source.write_text("x = 1\n")
    cache = Cache.open(directory, "k")
    put(cache, str(source), source.stat(), source.read_bytes(), "v")
    cache.save()
    assert cache.notice is not None and "cache not written" in cache.notice


def test_a_cache_path_that_cannot_be_a_directory_is_one_notice(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the directory would go")
    source = tmp_path / "a.py"
    source.write_text("x = 1\n")
    cache = Cache.open(blocker / "sub", "k")
    put(cache, str(source), source.stat(), source.read_bytes(), "v")
    cache.save()
    assert cache.notice is not None and "cache not written" in cache.notice


_WRITER = """
import sys
from pathlib import Path
from migrator.cache import Cache, content_hash, stamp
directory, source, tag = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
for i in range(60):
    cache = Cache.open(directory, "k")
    cache.record(f"{source}-{tag}-{i % 5}", stamp(source.stat()), content_hash(b"x"), "x" * 2000)
    cache.keep(cache.entries)
    cache.save()
    assert cache.notice is None, cache.notice
"""


def test_two_runs_at_once_never_corrupt_it(tmp_path: Path) -> None:
    source = tmp_path / "a.py"
    source.write_text("x = 1\n")
    directory = tmp_path / "cache"
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(directory), str(source), tag])
        for tag in ("a", "b")
    ]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    data = json.loads(zlib.decompress((directory / "k.json.z").read_bytes()))
    assert data["entries"]  # whole and readable: one run's complete write
    assert [p.name for p in directory.iterdir() if p.name.startswith(".tmp-")] == []


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIGRATOR_CACHE_DIR", raising=False)
    assert cache_directory(tmp_path, None) == tmp_path / ".migrator_cache"
    assert cache_directory(tmp_path, "build/c") == tmp_path / "build" / "c"
    monkeypatch.setenv("MIGRATOR_CACHE_DIR", str(tmp_path / "env"))
    assert cache_directory(tmp_path, "build/c") == tmp_path / "env"


def test_the_settings_fingerprint_is_the_same_in_every_process(tmp_path: Path) -> None:
    # Frozensets of strings iterate in a per-process order (hash randomisation): the key of a
    # cache must not depend on it, or every run would start cold.
    script = (
        "from pathlib import Path; from migrator.config import load_settings; "
        "from migrator.cache import fingerprint; "
        "print(fingerprint(load_settings(cwd=Path('/'))))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (1, 2, 3)
    }
    assert len(outputs) == 1


def test_files_of_keys_unused_for_a_month_are_removed(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    source = tmp_path / "a.py"
    source.write_text("x = 1\n")
    old, recent = Cache.open(directory, "old"), Cache.open(directory, "recent")
    for cache in (old, recent):
        put(cache, str(source), source.stat(), source.read_bytes(), "v")
        cache.save()
    month_ago = time.time() - 31 * 24 * 3600
    os.utime(directory / "old.json.z", (month_ago, month_ago))
    current = Cache.open(directory, "current")
    put(current, str(source), source.stat(), source.read_bytes(), "v")
    current.save()
    assert sorted(p.name for p in directory.glob("*.json.z")) == [
        "current.json.z",
        "recent.json.z",
    ]
