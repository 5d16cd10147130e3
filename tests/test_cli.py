"""The command line end to end: click's runner for behaviour, a subprocess for the real thing."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from migrator.cli import main
from tests.fixture_cases import FIXTURES, UPDATE

GPT4O_CALL = 'client.chat.completions.create(model="gpt-4o", messages=[])\n'


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_lint_reports_and_exits_1(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(GPT4O_CALL)
    code, out, _ = invoke("lint", "app.py")
    assert code == 1
    assert "app.py:1:38: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'" in out
    assert "1 finding (1 file checked), 1 fixable with 'migrator fix'." in out


def test_lint_clean_exits_0(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('MODEL = "gpt-4.1"\n')
    code, out, _ = invoke("lint")
    assert code == 0
    assert "no findings (1 file checked)" in out


def test_exit_zero(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(GPT4O_CALL)
    assert invoke("lint", "--exit-zero")[0] == 0


def test_select_and_ignore(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\nB = "gpt-4o-audio-preview"\n')
    _, out, _ = invoke("lint", "--select", "MIG002", "-q")
    assert out.count("MIG002") == 1 and "MIG001" not in out
    _, out, _ = invoke("lint", "--ignore", "MIG002", "-q")
    assert out.count("MIG001") == 1 and "MIG002" not in out


def test_json_format(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('X = model == "gpt-4o"\nY = "gpt-4.5-preview"\n')
    _, out, _ = invoke("lint", "--format", "json")
    data = json.loads(out)
    assert data[0] == {
        "path": "app.py",
        "line": 1,
        "column": 14,
        "end_line": 1,
        "end_column": 22,
        "code": "MIG001",
        "message": "'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'",
        "fix": {
            "replacement": '"gpt-4.1"',
            "safe": False,
            "applicability": "unsafe",
            "reason": "a comparison operand: the test would match other models",
        },
        # Added by the lifecycle work: the target's own announced shutdown (suite day 2026-12-01).
        "target_shutdown": {"model": "gpt-4.1", "date": "2027-01-14", "days_left": 44},
    }
    assert data[1]["fix"] == {
        "replacement": '"gpt-4.1"',
        "safe": True,
        "applicability": "safe",
        "reason": "",
    }


def test_fix_rewrites_safe_sites_only(in_tmp: Path) -> None:
    app = in_tmp / "app.py"
    app.write_text('A = "gpt-4o-mini"\nB = model == "gpt-4o"\n')
    code, out, _ = invoke("fix")
    assert app.read_text() == 'A = "gpt-4.1-mini"\nB = model == "gpt-4o"\n'
    assert code == 1  # the comparison is left, with an unsafe fix
    assert "Fixed 1 finding in 1 file" in out
    assert invoke("fix", "--unsafe-fixes")[0] == 0
    assert app.read_text() == 'A = "gpt-4.1-mini"\nB = model == "gpt-4.1"\n'


def test_fix_diff_writes_nothing(in_tmp: Path) -> None:
    app = in_tmp / "app.py"
    app.write_text(GPT4O_CALL)
    code, out, err = invoke("fix", "--diff", "--snapshot", "always")
    assert code == 1
    assert app.read_text() == GPT4O_CALL
    assert '+client.chat.completions.create(model="gpt-4.1-2025-04-14", messages=[])' in out
    assert "Would fix 1 finding" in err


def test_fix_with_nothing_to_do_exits_0(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('MODEL = "gpt-4.1"\n')
    assert invoke("fix")[0] == 0
    assert invoke("fix", "--diff")[0] == 0


def test_unparseable_file_is_reported_and_the_run_goes_on(in_tmp: Path) -> None:
    # The file mentions a model, so the screens pass it on to the parser, which reports it.
    (in_tmp / "bad.py").write_text('MODEL = "gpt-4o"\ndef (:\n')
    (in_tmp / "good.py").write_text('A = "gpt-4o"\n')
    code, _, err = invoke("fix")
    assert code == 2
    assert "bad.py: error: syntax error" in err
    assert (in_tmp / "good.py").read_text() == 'A = "gpt-4.1"\n'
    assert (in_tmp / "bad.py").read_text() == 'MODEL = "gpt-4o"\ndef (:\n'


def test_non_utf8_file_is_reported_and_left_alone(in_tmp: Path) -> None:
    raw = b'A = "gpt-4o"  # caf\xe9\n'
    (in_tmp / "latin.py").write_bytes(raw)
    code, _, err = invoke("fix")
    assert code == 2
    assert "latin.py: error: cannot decode source" in err
    assert (in_tmp / "latin.py").read_bytes() == raw


def test_coding_cookie_bom_and_crlf_are_kept(in_tmp: Path) -> None:
    latin = in_tmp / "latin.py"
    latin.write_bytes(b'# -*- coding: latin-1 -*-\nA = "gpt-4o"  # caf\xe9\r\n')
    bom = in_tmp / "bom.py"
    bom.write_bytes(b'\xef\xbb\xbfA = "gpt-4o"\r\nB = 1\r\n')
    assert invoke("fix")[0] == 0
    assert latin.read_bytes() == b'# -*- coding: latin-1 -*-\nA = "gpt-4.1"  # caf\xe9\r\n'
    assert bom.read_bytes() == b'\xef\xbb\xbfA = "gpt-4.1"\r\nB = 1\r\n'


def test_missing_path(in_tmp: Path) -> None:
    code, _, err = invoke("lint", "nope.py")
    assert code == 2
    assert "nope.py: error: no such file or directory" in err


def test_bad_config_exits_2_naming_the_key(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.migrator]\nsnapshot = "sometimes"\n')
    (in_tmp / "app.py").write_text(GPT4O_CALL)
    code, _, err = invoke("lint")
    assert code == 2
    assert "snapshot = 'sometimes'" in err
    assert (in_tmp / "app.py").read_text() == GPT4O_CALL


def test_unknown_option_is_a_usage_error(in_tmp: Path) -> None:
    assert invoke("lint", "--snapshot", "sometimes")[0] == 2


def test_file_mode_is_kept(in_tmp: Path) -> None:
    script = in_tmp / "run.py"
    script.write_text(GPT4O_CALL)
    script.chmod(0o755)
    invoke("fix")
    assert script.stat().st_mode & 0o777 == 0o755


def test_demo_fix_rewrites_exactly_the_safe_sites(demo: Path, monkeypatch) -> None:
    monkeypatch.chdir(demo.parent)
    code, diff, _ = invoke("fix", "--diff", "demo")
    assert code == 1
    expected = FIXTURES / "demo.fix.diff"
    if UPDATE:
        expected.write_text(diff)
    assert diff == expected.read_text()

    code, _, _ = invoke("fix", "demo")
    assert code == 1  # unsafe and no-drop-in sites remain
    for path in demo.rglob("*.py"):
        ast.parse(path.read_text())
    for path in demo.rglob("*.ipynb"):
        nbformat.validate(nbformat.read(path, as_version=nbformat.NO_CONVERT))
    before = {p: p.read_bytes() for p in demo.rglob("*") if p.is_file()}
    invoke("fix", "demo")
    assert {p: p.read_bytes() for p in demo.rglob("*") if p.is_file()} == before
    code, out, _ = invoke("lint", "demo", "-q")
    assert code == 1
    assert "[*]" not in out  # only unsafe and no-drop-in findings are left


@pytest.mark.parametrize("args", [["-m", "migrator"], []])
def test_real_process(in_tmp: Path, args: list[str]) -> None:
    (in_tmp / "app.py").write_text(GPT4O_CALL)
    command = [sys.executable, *args] if args else [str(Path(sys.executable).with_name("migrator"))]
    done = subprocess.run([*command, "lint", "app.py"], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "MIG001" in done.stdout


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and "migrator" in out
