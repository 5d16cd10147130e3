"""The cache as runs use it: a warm run gives what a cold one gives, whatever changed in
between, and a cache that cannot be used or written never changes a result."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import main
from migrator.project.gather import Gatherer
from tests.fixture_cases import FIXTURES

AN_HOUR_AGO = time.time_ns() - 3600 * 10**9


def migrator(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def cache_dir() -> Path:
    return Path(os.environ["MIGRATOR_CACHE_DIR"])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo whose files are old enough for their timestamps to be trusted."""
    root = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", root)
    for path in root.rglob("*"):
        os.utime(path, ns=(AN_HOUR_AGO, AN_HOUR_AGO))
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The files checked or read for the project view in this process (not served by the
    cache)."""
    seen: list[str] = []
    import migrator.engine as engine

    real_check, real_facts = engine.check_file, Gatherer.facts

    def check_file(source: bytes, path: str, *args: object, **kwargs: object) -> object:
        seen.append(f"check {path}")
        return real_check(source, path, *args, **kwargs)  # type: ignore[arg-type]

    def facts(self: Gatherer, path: str, source: bytes) -> object:
        seen.append(f"facts {path}")
        return real_facts(self, path, source)

    monkeypatch.setattr(engine, "check_file", check_file)
    monkeypatch.setattr(Gatherer, "facts", facts)
    yield seen


def entries(cache_dir: Path) -> dict[str, list[str]]:
    """Each store's file names: the base names of the files it holds entries for."""
    found = {}
    for store in cache_dir.glob("*.json.z"):
        data = json.loads(zlib.decompress(store.read_bytes()))
        found[store.name] = sorted(Path(k).name for k in (*data["entries"], *data["values"]))
    return found


def test_a_warm_run_reads_nothing_again_and_says_the_same(
    project: Path, checks: list[str], cache_dir: Path
) -> None:
    cold = migrator("lint", "--format", "json", ".")
    assert any(c.startswith("check ") for c in checks)
    assert any(c.startswith("facts ") for c in checks)
    checks.clear()
    warm = migrator("lint", "--format", "json", ".")
    assert warm == cold
    assert checks == []
    assert (cache_dir / ".gitignore").read_text().strip().endswith("*")


def test_no_cache_neither_reads_nor_writes_it(project: Path, cache_dir: Path) -> None:
    assert migrator("lint", "--no-cache", ".")[0] == 1
    assert list(cache_dir.iterdir()) == []


def test_the_default_cache_is_at_the_project_root_and_ignores_itself(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MIGRATOR_CACHE_DIR")
    migrator("lint", "support_bot")
    assert (project / ".migrator_cache" / ".gitignore").is_file()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ".migrator_cache" not in status.stdout


def test_cache_dir_in_the_config_is_relative_to_its_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MIGRATOR_CACHE_DIR")
    config = project / "pyproject.toml"
    config.write_text(config.read_text() + 'cache-dir = "build/mcache"\n')
    migrator("lint", ".")
    assert (project / "build" / "mcache" / ".gitignore").is_file()
    assert not (project / ".migrator_cache").exists()


def test_an_edit_that_keeps_size_and_mtime_is_seen(project: Path, checks: list[str]) -> None:
    source = project / "support_bot" / "voice.py"
    assert migrator("lint", "--select", "MIG002", ".")[0] == 1
    before = source.stat()
    source.write_bytes(
        source.read_bytes().replace(b"gpt-4o-audio-preview", b"gpt-4z-audio-preview")
    )
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = source.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    checks.clear()
    code, out, _ = migrator("lint", "--select", "MIG002", ".")
    assert (code, out) == migrator("lint", "--select", "MIG002", "--no-cache", ".")[:2]
    assert "voice.py" not in out
    assert f"check {Path('support_bot/voice.py')}" in checks


def test_a_rules_file_change_is_seen(project: Path) -> None:
    rules = (Path(__file__).parent.parent / "rules" / "gpt-4.1.toml").read_text()
    (project / "rules.toml").write_text(rules)
    config = project / "pyproject.toml"
    config.write_text(config.read_text() + 'rules = "rules.toml"\n')
    first = migrator("lint", "--format", "json", ".")[1]
    assert "MIG003" in first
    lowered = rules.replace("max_output_tokens = 32768", "max_output_tokens = 100000")
    (project / "rules.toml").write_text(lowered)
    warm = migrator("lint", "--format", "json", ".")
    assert warm == migrator("lint", "--format", "json", "--no-cache", ".")
    assert "MIG003" not in warm[1]


def test_a_settings_change_is_seen(project: Path) -> None:
    assert "MIG004" in migrator("lint", ".")[1]
    config = project / "pyproject.toml"
    config.write_text(config.read_text() + 'ignore = ["MIG004"]\n')
    warm = migrator("lint", ".")
    assert "MIG004" not in warm[1]
    assert warm == migrator("lint", "--no-cache", ".")


def test_a_sub_project_config_change_is_seen(project: Path) -> None:
    (project / "support_bot" / "pyproject.toml").write_text("[tool.migrator]\n")
    assert "support_bot/reports.py:15:20: MIG003" in migrator("lint", ".")[1]
    (project / "support_bot" / "pyproject.toml").write_text(
        '[tool.migrator]\nignore = ["MIG003"]\n'
    )
    warm = migrator("lint", ".")
    assert "support_bot/reports.py:15:20: MIG003" not in warm[1]
    assert warm == migrator("lint", "--no-cache", ".")


def test_another_tool_version_starts_cold(
    project: Path, checks: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = migrator("lint", ".")
    monkeypatch.setattr("migrator.cache.__version__", "999.0")
    checks.clear()
    assert migrator("lint", ".") == cold
    assert any(c.startswith("check ") for c in checks)


def test_a_corrupt_cache_is_ignored_and_rebuilt(
    project: Path, cache_dir: Path, checks: list[str]
) -> None:
    cold = migrator("lint", "--format", "json", ".")
    for store in cache_dir.glob("*.json.z"):
        store.write_bytes(store.read_bytes()[:40])  # truncated
    assert migrator("lint", "--format", "json", ".") == cold
    for store in cache_dir.glob("*.json.z"):
        store.write_bytes(zlib.compress(b'{"format": 1, "version": "x", "entries": []}'))
    assert migrator("lint", "--format", "json", ".") == cold
    for store in cache_dir.glob("*.json.z"):  # ours, with entries of the wrong shape
        data = json.loads(zlib.decompress(store.read_bytes()))
        for entry in data["entries"].values():
            wrong = [1, 2, {"findings": "nonsense"}]
            entry[-1] = wrong if isinstance(entry[-1], list) else {"occurrences": 3}
        store.write_bytes(zlib.compress(json.dumps(data).encode()))
    assert migrator("lint", "--format", "json", ".") == cold
    checks.clear()
    assert migrator("lint", "--format", "json", ".") == cold
    assert checks == []  # rebuilt


def test_a_deleted_file_leaves_the_cache(project: Path, cache_dir: Path) -> None:
    migrator("lint", ".")
    assert all("voice.py" in names for names in entries(cache_dir).values())
    (project / "support_bot" / "voice.py").unlink()
    migrator("lint", ".")
    assert not any("voice.py" in names for names in entries(cache_dir).values())


def test_a_cache_that_cannot_be_written_is_one_notice(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("MIGRATOR_CACHE_DIR", str(blocker / "cache"))
    code, out, err = migrator("lint", ".")
    assert (code, out) == migrator("lint", "--no-cache", ".")[:2]
    assert err.count("cache not written") == 1, err


def test_named_files_get_the_findings_and_fixes_of_the_whole_project(
    project: Path, tmp_path: Path
) -> None:
    # A pre-commit hook names a few files; CI checks the tree: with the cache warm from the
    # tree, the named files get exactly what the tree run gives them.
    other = tmp_path / "other"
    shutil.copytree(project, other)
    migrator("lint", ".")
    named = ["support_bot/answer.py", "support_bot/settings.py", "config/bot.yaml"]
    lint_named = json.loads(migrator("lint", "--format", "json", *named)[1])
    lint_all = json.loads(migrator("lint", "--format", "json", ".")[1])
    assert lint_named == [f for f in lint_all if f["path"] in named]
    migrator("fix", "--unsafe-fixes", *named)
    os.chdir(other)
    migrator("fix", "--unsafe-fixes", "--no-cache", ".")
    for name in named:
        assert (project / name).read_bytes() == (other / name).read_bytes()


_FIXTURE_RUNS = [
    ("--no-cache", "-j1"),
    ("-j2",),  # cold, pooled
    ("-j2",),  # warm, pooled
    ("-j1",),  # warm, in one process
]


def test_every_fixture_gives_the_same_results_with_and_without_cache_at_any_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, tree)
    monkeypatch.chdir(tree)
    outputs = [
        migrator("lint", "--format", "json", "--include-recorded", *args, ".")
        for args in _FIXTURE_RUNS
    ]
    first = outputs[0]
    assert json.loads(first[1])  # findings, not an empty run
    for args, output in zip(_FIXTURE_RUNS, outputs):
        assert output == first, args


@pytest.mark.parametrize("project_name", ["shop_app", "llmkit", "evalsuite"])
def test_real_projects_are_fixed_the_same_with_a_warm_cache(
    project_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold, warm = tmp_path / "cold", tmp_path / "warm"
    for copy in (cold, warm):
        shutil.copytree(FIXTURES / "projects" / project_name, copy)
    monkeypatch.chdir(warm)
    migrator("fix", "--diff", "--unsafe-fixes", ".")  # warms the fix store
    migrator("lint", ".")  # and the view's facts
    warm_result = migrator("fix", "--unsafe-fixes", "--format", "json", "-j2", ".")
    monkeypatch.chdir(cold)
    cold_result = migrator("fix", "--unsafe-fixes", "--format", "json", "--no-cache", ".")
    assert warm_result == cold_result
    for path in cold.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (warm / path.relative_to(cold)).read_bytes(), path


_LINT = [sys.executable, "-m", "migrator", "lint", "--format", "json", "."]


def test_two_runs_at_once_agree_and_leave_a_usable_cache(project: Path) -> None:
    expected = subprocess.run([*_LINT, "--no-cache"], capture_output=True, text=True).stdout
    for _ in range(3):
        runs = [
            subprocess.Popen(_LINT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [out for out, _ in outputs] == [expected, expected]
        assert not any("cache" in err for _, err in outputs)
    assert subprocess.run(_LINT, capture_output=True, text=True).stdout == expected


def test_a_read_only_cache_folder_is_one_notice_and_changes_nothing(
    project: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = migrator("lint", "--format", "json", "--no-cache", ".")
    cache_dir.chmod(0o500)
    if os.geteuid() == 0:  # root writes into read-only folders: fail as a user would

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("tempfile.mkstemp", refuse)
    try:
        code, out, err = migrator("lint", "--format", "json", ".")
    finally:
        cache_dir.chmod(0o700)
    assert (code, out) == expected[:2]
    assert err.count("cache not written (Permission denied)") == 1, err


def test_an_edit_that_keeps_a_files_facts_keeps_the_view(
    project: Path, checks: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    migrator("lint", ".")
    source = project / "support_bot" / "reports.py"
    source.write_text(source.read_text() + "\n# a comment: no import, no model ID\n")
    from migrator.run_cache import RunCache

    real = RunCache.stored_facts
    decided: list[str] = []

    def stored_facts(self: RunCache, key: str, digest: str) -> object:
        decided.append(key)
        return real(self, key, digest)

    monkeypatch.setattr(RunCache, "stored_facts", stored_facts)
    checks.clear()
    warm = migrator("lint", "--format", "json", ".")
    assert decided == []  # the view as recorded
    reports = Path("support_bot/reports.py")
    # Checked as it is read, and again knowing the verdicts the view gives it.
    assert sorted(checks) == [f"check {reports}"] * 2 + [f"facts {reports}"]
    assert warm == migrator("lint", "--format", "json", "--no-cache", ".")


def test_an_edit_that_changes_a_files_facts_decides_the_view_again(project: Path) -> None:
    migrator("lint", ".")
    # settings.py holds the catalogue the demo's values are coupled with: once it no longer
    # names gpt-4o, the values elsewhere are no longer coupled with it.
    settings = project / "support_bot" / "settings.py"
    settings.write_text(settings.read_text().replace('"gpt-4o":', '"gpt-4.1":'))
    warm = migrator("lint", "--format", "json", ".")
    assert warm == migrator("lint", "--format", "json", "--no-cache", ".")
    assert "settings.py:11" not in warm[1]


def test_other_code_under_the_same_version_starts_cold(
    project: Path, checks: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A check edited in a development install keeps the version number: its results must not
    # come from the code before the edit.
    cold = migrator("lint", ".")
    monkeypatch.setattr("migrator.cache.code_stamp", lambda: "edited")
    checks.clear()
    assert migrator("lint", ".") == cold
    assert any(c.startswith("check ") for c in checks)


def test_a_warm_walk_finds_new_files_and_honours_an_edited_gitignore(project: Path) -> None:
    # The walk reuses what the last one found in each unchanged directory (migrator.listing).
    ignore = project / ".gitignore"
    ignore.write_text("*.log\n")
    for path in (ignore, project):
        os.utime(path, ns=(AN_HOUR_AGO, AN_HOUR_AGO))
    migrator("lint", ".")
    added = project / "support_bot" / "extra.py"
    added.write_text('MODEL = "gpt-4o"\n')
    for path in (added, added.parent):  # at rest again, so that this listing is kept too
        os.utime(path, ns=(AN_HOUR_AGO + 10**9, AN_HOUR_AGO + 10**9))
    warm = migrator("lint", "--format", "json", ".")
    assert "extra.py" in warm[1]
    assert warm == migrator("lint", "--format", "json", "--no-cache", ".")
    # Edited in place: no directory's mtime changes.
    with ignore.open("a") as edited:
        edited.write("support_bot/extra.py\n")
    warm = migrator("lint", "--format", "json", ".")
    assert "extra.py" not in warm[1]
    assert warm == migrator("lint", "--format", "json", "--no-cache", ".")
