"""--jobs: the same findings, fixes and order whatever the number of worker processes."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator import engine
from migrator.cli import main
from migrator.config import load_settings


def _tree(root: Path, files: int) -> Path:
    """Files with findings on varying lines, clean files and a nested package, in any order."""
    for i in range(files):
        folder = root / f"pkg{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 3:
            body = "\n" * (i % 5) + f'MODEL_{i} = "gpt-4o"\nOTHER = "gpt-4o-mini"  # {i}\n'
        else:
            body = f"VALUE = {i}\n"
        (folder / f"mod{i:03}.py").write_text(body)
    return root


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def test_lint_output_is_the_same_for_any_job_count(in_tmp: Path) -> None:
    _tree(in_tmp / "src", engine.POOL_THRESHOLD + 30)
    one = _invoke("lint", "--jobs", "1", "src")
    two = _invoke("lint", "--jobs", "2", "src")
    assert one == two
    assert one[0] == 1
    # Without the summary and the closing note on the targets' shutdown dates.
    *lines, _summary, note = one[1].splitlines()
    assert note.startswith("Note: ")
    keys = [(path, int(line), int(col)) for path, line, col, _ in (x.split(":", 3) for x in lines)]
    assert keys == sorted(keys)


def test_fix_changes_the_same_files_for_any_job_count(tmp_path: Path) -> None:
    source = _tree(tmp_path / "src", engine.POOL_THRESHOLD + 30)
    results = {}
    for jobs in (1, 2):
        copy = tmp_path / f"copy{jobs}"
        shutil.copytree(source, copy)
        settings = load_settings(None, cwd=tmp_path)
        result = engine.run([copy], settings, engine.Mode.FIX, jobs=jobs)
        changed = sorted(Path(p).relative_to(copy).as_posix() for p in result.changed_files)
        contents = {p.relative_to(copy).as_posix(): p.read_text() for p in copy.rglob("*.py")}
        results[jobs] = (changed, len(result.fixed), contents)
    assert results[1] == results[2]
    assert len(results[1][0]) > 40


def test_a_small_run_stays_in_process(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a small run")

    monkeypatch.setattr(multiprocessing, "Pool", no_pool)
    _tree(in_tmp / "src", engine.POOL_THRESHOLD - 1)
    code, out = _invoke("lint", "--jobs", "2", "-q", "src")
    assert code == 1
    assert out.count("MIG001") == 2 * sum(1 for i in range(engine.POOL_THRESHOLD - 1) if i % 3)


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker count of each pool the test starts, in order."""
    started: list[int] = []
    real_pool = multiprocessing.Pool

    def pool(*args: object, **kwargs: object) -> object:
        started.append(args[0])  # type: ignore[arg-type]
        return real_pool(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(multiprocessing, "Pool", pool)
    return started


def test_a_large_run_uses_the_pool(in_tmp: Path, pools: list[int]) -> None:
    started = pools
    _tree(in_tmp / "src", engine.POOL_THRESHOLD)
    assert _invoke("lint", "--jobs", "2", "-q", "src")[0] == 1
    assert started == [2]  # one pass reads each file for the view and checks it
    assert _invoke("lint", "--jobs", "1", "-q", "src")[0] == 1
    assert started == [2]


def test_a_few_big_files_checked_after_the_view_use_the_pool(
    in_tmp: Path, pools: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `fix`, a file that names a retiring model is checked once the view has spoken; a
    project's big catalogues are too. A few such files are shared between the workers when
    their bytes, besides the largest file's, are worth it (POOL_BYTES, small here)."""
    started = pools
    monkeypatch.setattr(engine, "POOL_BYTES", 10)
    (in_tmp / "one.py").write_text('MODEL = "gpt-4o"\n')
    assert _invoke("fix", "--jobs", "2", "-q", "one.py")[0] == 0
    assert started == []  # one file: nothing to share
    for name in ("two.py", "three.py"):
        (in_tmp / name).write_text('MODEL = "gpt-4o"\n')
    assert _invoke("fix", "--jobs", "2", "-q", ".")[0] == 0
    assert started == [2]
    assert (in_tmp / "three.py").read_text() == 'MODEL = "gpt-4.1"\n'


def test_jobs_must_be_positive(in_tmp: Path) -> None:
    result = CliRunner().invoke(main, ["lint", "--jobs", "0"])
    assert result.exit_code == 2
    assert "--jobs" in result.output


def test_batches_start_small_and_grow_to_the_largest() -> None:
    """A short run spreads over the workers; a long one pays few round trips."""
    from migrator.pool import Batches

    paths = [f"f{i}.py" for i in range(1000)]
    batches = list(Batches(paths, 8, 128, every=4))
    sizes = [len(batch) for batch in batches]
    assert sizes[:4] == [8] * 4
    assert sizes[4:8] == [16] * 4
    assert max(sizes) == 128
    assert sizes == sorted(sizes[:-1]) + sizes[-1:]  # never smaller again, but for the rest
    assert [p for batch in batches for p in batch] == paths


@pytest.mark.parametrize(
    ("given", "shown"),
    [("a/b.py", "a/b.py"), ("./a/b.py", "a/b.py"), ("a/../b.py", "b.py"), ("a//b.py", "a/b.py")],
)
def test_paths_are_shown_relative_and_normalised(in_tmp: Path, given: str, shown: str) -> None:
    assert engine.display_path(Path(given)) == shown.replace("/", os.sep)
    assert engine.display_path(in_tmp / given) == shown.replace("/", os.sep)
