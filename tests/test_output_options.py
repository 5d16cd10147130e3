"""CI and one-off conveniences: colour, --statistics, --exit-non-zero-on-fix, progress, summary."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator import progress
from migrator.cli import main
from migrator.colour import use_colour
from tests.terminal import run_on_tty

OLD = 'A = "gpt-4o"\n'
# B looks up another model than A's: A, coupled with nothing, stays a safe fix.
MIXED = (
    'A = "gpt-4o"\nB = PRICES["gpt-4o-2024-05-13"]\nC = "gpt-4o-audio-preview"\nD = "gpt-4o-mini"\n'
)
ESC = "\x1b["


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def migrator_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(extra)
    return env


class FakeStream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


# -- colour ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tty", "no_color", "expected"),
    [(True, None, True), (False, None, False), (True, "1", False), (True, "", True)],
)
def test_colour_decision(monkeypatch, tty: bool, no_color: str | None, expected: bool) -> None:
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    assert use_colour(FakeStream(tty)) is expected


def test_colour_on_a_terminal(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(OLD)
    command = [sys.executable, "-m", "migrator", "lint", "app.py"]
    code, shown, _ = run_on_tty(command, tty="stdout", cwd=in_tmp, env=migrator_env())
    assert code == 1
    assert ESC in shown
    assert "MIG001" in shown


def test_no_colour_on_a_terminal_with_no_color(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(OLD)
    command = [sys.executable, "-m", "migrator", "lint", "app.py"]
    env = migrator_env(NO_COLOR="1")
    code, shown, _ = run_on_tty(command, tty="stdout", cwd=in_tmp, env=env)
    assert code == 1
    assert ESC not in shown
    assert "app.py:1:5: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14" in shown


def test_no_colour_into_a_pipe(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(OLD)
    code, out, _ = invoke("lint", "app.py")
    assert code == 1
    assert ESC not in out and "MIG001" in out


# -- --statistics ------------------------------------------------------------------------------


def test_statistics_text(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(MIXED)
    code, out, _ = invoke("lint", "--statistics", "-q")
    assert code == 1
    assert out.splitlines() == [
        "3  MIG001  [*] Retiring model ID with a drop-in replacement (2 fixable)",
        "1  MIG002      Retiring model ID with no drop-in GPT-4.1 replacement",
    ]


def test_statistics_json(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(MIXED)
    _, out, _ = invoke("lint", "--statistics", "--format", "json")
    assert [(row["code"], row["count"], row["fixable"]) for row in json.loads(out)] == [
        ("MIG001", 3, 2),
        ("MIG002", 1, 0),
    ]


def test_statistics_after_fix_counts_what_is_left(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(MIXED)
    _, out, _ = invoke("fix", "--statistics", "--format", "json")
    assert [(row["code"], row["count"]) for row in json.loads(out)] == [
        ("MIG001", 1),
        ("MIG002", 1),
    ]


def test_statistics_needs_a_tabular_format(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(MIXED)
    code, _, err = invoke("lint", "--statistics", "--format", "sarif")
    assert code == 2
    assert "--statistics works with --format text or json" in err


# -- exit codes --------------------------------------------------------------------------------


def test_exit_non_zero_on_fix(in_tmp: Path) -> None:
    app = in_tmp / "app.py"
    app.write_text(OLD)
    assert invoke("fix", "--exit-non-zero-on-fix")[0] == 1
    assert app.read_text() == 'A = "gpt-4.1"\n'
    assert invoke("fix", "--exit-non-zero-on-fix")[0] == 0  # nothing changed this time
    app.write_text(OLD)
    assert invoke("fix")[0] == 0  # without the flag, a complete fix is a success


def test_exit_zero_with_statistics(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(MIXED)
    assert invoke("lint", "--exit-zero", "--statistics")[0] == 0


# -- the summary of a fix run ------------------------------------------------------------------


def test_fix_summary_counts_files_fixes_and_reasons(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(MIXED)
    (in_tmp / "clean.py").write_text("X = 1\n")
    (in_tmp / "other.py").write_text(OLD)
    code, out, _ = invoke("fix")
    assert code == 1
    lines = out.splitlines()
    summary = lines.index(
        "Fixed 3 findings in 2 files (3 files checked); 2 findings left, "
        "1 with an unsafe fix (--unsafe-fixes)."
    )
    assert lines[summary + 1 :] == [
        "Fixed per code: MIG001 3",
        "Left:",
        "  MIG001  1  unsafe fix, applied only with --unsafe-fixes: "
        "a subscript: lookups by the old ID would miss",
        "  MIG002  1  no automatic fix: a person has to make this change",
        # The targets have announced dates too (the suite's day is 2026-12-01).
        "Note: the models this run moves code to have announced shutdown dates too: "
        "gpt-4.1, gpt-4.1-2025-04-14, gpt-4.1-mini on 2027-01-14 (44 days left). Plan the "
        "next migration (migrator rules --dates).",
    ]


def test_fix_summary_tells_catalogue_entries_and_coupled_values_apart(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('PRICES = {"gpt-4o": 1}\nA = "gpt-4o"\n')
    code, out, _ = invoke("fix")
    assert code == 1
    lines = out.splitlines()
    summary = lines.index(
        "Fixed 0 findings in 0 files (1 file checked); 2 findings left, "
        "1 with an unsafe fix (--unsafe-fixes)."
    )
    assert lines[summary + 1 :] == [
        "Left:",
        # Quoted names are folded, so that a large tree's lines group by reason.
        "  MIG001  1  fix shown, never applied: a model catalogue (a mapping keyed by model IDs): "
        "add an entry for '...' if the code needs one",
        "  MIG001  1  unsafe fix, applied only with --unsafe-fixes: coupled with "
        "a lookup or catalogue of the same model (each finding names them)",
        "Note: the models this run moves code to have announced shutdown dates too: "
        "gpt-4.1 on 2027-01-14 (44 days left). Plan the next migration (migrator rules --dates).",
    ]


def test_fix_summary_is_left_out_with_quiet(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(MIXED)
    _, out, _ = invoke("fix", "-q")
    assert "Left:" not in out and "Fixed" not in out


# -- progress bar ------------------------------------------------------------------------------


def many_files(folder: Path, n: int) -> None:
    for i in range(n):
        (folder / f"m{i:04}.py").write_text(f"X{i} = {i}\n")
    (folder / "app.py").write_text(OLD)


def test_progress_bar_on_a_terminal_for_a_large_tree(in_tmp: Path) -> None:
    many_files(in_tmp, progress.MIN_FILES + 1)
    command = [sys.executable, "-m", "migrator", "fix", "--diff", "."]
    code, shown, out = run_on_tty(command, tty="stderr", cwd=in_tmp, env=migrator_env())
    assert code == 1
    assert "Checking files" in shown
    assert "100%" in shown
    assert "Checking files" not in out  # the diff on stdout stays clean
    assert '+A = "gpt-4.1"' in out


def test_no_progress_bar_for_a_small_tree(in_tmp: Path) -> None:
    many_files(in_tmp, 5)
    command = [sys.executable, "-m", "migrator", "fix", "--diff", "."]
    code, shown, _ = run_on_tty(command, tty="stderr", cwd=in_tmp, env=migrator_env())
    assert code == 1
    assert "Checking files" not in shown
    assert "Would fix 1 finding" in shown


def test_no_progress_bar_off_a_terminal(in_tmp: Path) -> None:
    many_files(in_tmp, progress.MIN_FILES + 1)
    code, _, err = invoke("fix", "--diff", ".")
    assert code == 1
    assert "Checking files" not in err


def test_no_progress_bar_with_quiet(in_tmp: Path, monkeypatch) -> None:
    many_files(in_tmp, 5)
    monkeypatch.setattr(progress, "MIN_FILES", 2)
    monkeypatch.setattr(progress, "stderr_is_tty", lambda: True)
    assert "Checking files" in invoke("fix", ".")[2]
    (in_tmp / "app.py").write_text(OLD)
    assert "Checking files" not in invoke("fix", "-q", ".")[2]
