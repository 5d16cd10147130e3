"""Output a CI system or an editor can use: --output-file, --output-format, --stdin-filename,
JSON with applicability and errors, display-only fixes, and the wording of summaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import main
from migrator.engine import Mode, RunResult
from migrator.findings import Finding, Fix
from migrator.formats import FORMATS, fix_summary, statistics, text


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_output_format_is_an_alias_of_format(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    assert invoke("lint", "--output-format", "json")[1] == invoke("lint", "--format", "json")[1]


def test_output_file_takes_the_report(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    code, out, _ = invoke("lint", "--output-format", "sarif", "--output-file", "out/m.sarif")
    assert code == 1 and out == ""
    assert json.loads((in_tmp / "out" / "m.sarif").read_text())["runs"][0]["results"]
    code, out, _ = invoke("lint", "-o", "report.txt")
    assert out == ""
    assert "app.py:1:5: MIG001" in (in_tmp / "report.txt").read_text()
    assert "1 finding (1 file checked)" in (in_tmp / "report.txt").read_text()


def test_stdin_lint_reports_as_the_named_file(in_tmp: Path) -> None:
    code, out, _ = invoke("lint", "--stdin-filename", "pkg/app.py", "-q", stdin='A = "gpt-4o"\n')
    assert code == 1
    assert out == "pkg/app.py:1:5: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'\n"
    assert not (in_tmp / "pkg").exists()


def test_stdin_fix_prints_the_fixed_source(in_tmp: Path) -> None:
    code, out, err = invoke(
        "fix", "--stdin-filename", "app.py", stdin='A = "gpt-4o"\nB = {"gpt-4o-mini": 1}\n'
    )
    assert out == 'A = "gpt-4.1"\nB = {"gpt-4o-mini": 1}\n'
    assert code == 1  # the catalogue key is left
    assert "app.py:2:6: MIG001" in err
    code, out, _ = invoke("fix", "--stdin-filename", "app.yaml", stdin="model: gpt-4o\n")
    assert (code, out) == (0, "model: gpt-4.1\n")
    assert not (in_tmp / "app.yaml").exists()


def test_stdin_takes_no_paths(in_tmp: Path) -> None:
    assert invoke("lint", "--stdin-filename", "a.py", "b.py", stdin="")[0] == 2


def test_fix_exit_zero(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('B = {"gpt-4o": 1}\n')
    assert invoke("fix")[0] == 1
    assert invoke("fix", "--exit-zero")[0] == 0
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    # As in Ruff, --exit-non-zero-on-fix still reports the rewrite.
    assert invoke("fix", "--exit-zero", "--exit-non-zero-on-fix")[0] == 1


def test_json_has_applicability_reason_and_errors(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('B = {"gpt-4o": 1}\n')
    (in_tmp / "bad.py").write_text('A = "gpt-4o"\nx = (1,\n')
    code, out, _ = invoke("lint", "--format", "json")
    assert code == 2
    app, bad = json.loads(out)
    assert app["fix"]["applicability"] == "display-only"
    assert app["fix"]["reason"].startswith("a model catalogue")
    assert bad == {
        "path": "bad.py",
        "line": 2,
        "column": 5,
        "end_line": 2,
        "end_column": 5,
        "code": None,
        "message": "syntax error at 2:5: '(' was never closed",
        "fix": None,
        "error": True,
    }


def test_a_syntax_error_is_one_position_and_a_short_message(in_tmp: Path) -> None:
    (in_tmp / "bad.py").write_text('A = "gpt-4o"\nB = foo(\n  1 2)\n')
    _, _, err = invoke("lint", "bad.py")
    # Python's own wording (3.10+ adds "Perhaps you forgot a comma?"), not LibCST's token list.
    assert err.startswith("bad.py: error: syntax error at 3:3: invalid syntax")
    assert err.count("\n") == 1 and "expected one of" not in err


def _display_only_result(mode: Mode) -> RunResult:
    fix = Fix('"gpt-4.1"', safe=False, reason="a person should pick the model", display_only=True)
    finding = Finding("app.py", 1, 5, 1, 13, "MIG001", "'gpt-4o' retires", fix)
    return RunResult(mode, findings=[finding], files_checked=1)


@pytest.mark.parametrize("mode", [Mode.LINT, Mode.FIX])
def test_display_only_fixes_are_neither_safe_nor_unsafe(mode: Mode) -> None:
    result = _display_only_result(mode)
    line = text.render(result)
    assert "[*]" not in line and "--unsafe-fixes" not in line
    assert "fix shown, never applied" in line
    assert "--unsafe-fixes" not in text.summary(result)
    assert "--unsafe-fixes" not in fix_summary.details(result)
    assert "fixable" not in FORMATS["github"](result)
    assert statistics.counts(result)[0].fixable == 0
    sarif = json.loads(FORMATS["sarif"](result))["runs"][0]["results"][0]
    assert sarif["properties"]["fixApplicability"] == "display-only"
    assert "display-only" in sarif["fixes"][0]["description"]["text"]
    assert json.loads(FORMATS["json"](result))[0]["fix"]["applicability"] == "display-only"


def test_diff_mode_says_would_fix(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    _, _, err = invoke("fix", "--diff")
    assert "Would fix per code: MIG001 1" in err
    assert "Fixed" not in err


def test_no_unsafe_mention_when_there_are_none(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\nB = "gpt-4o-audio-preview"\n')
    _, out, _ = invoke("lint")
    # The summary line, then the closing note about the target's own shutdown date.
    assert "2 findings (1 file checked), 1 fixable with 'migrator fix'.\n" in out
    assert "--unsafe-fixes" not in out
    # With --unsafe-fixes given, an unsafe fix left (the file was not written) needs no hint.
    (in_tmp / "app.py").write_text('B = m == "gpt-4o"\n')  # a lookup: an unsafe fix
    (in_tmp / "app.py").chmod(0o444)
    code, out, _ = invoke("fix", "--unsafe-fixes")
    assert code == 2
    assert "1 finding left." in out
    assert "(--unsafe-fixes)" not in out


def test_left_block_groups_by_reason() -> None:
    findings = [
        Finding(
            f"f{i}.env",
            1,
            1,
            1,
            2,
            "MIG001",
            "m",
            Fix("x", safe=False, reason=f"the 'KEY_{i}_DEPLOYMENT' value names a deployment"),
        )
        for i in range(5)
    ]
    details = fix_summary.details(RunResult(Mode.FIX, findings=findings))
    assert details.splitlines()[1:] == [
        "  MIG001  5  unsafe fix, applied only with --unsafe-fixes: "
        "the '...' value names a deployment"
    ]


def test_sarif_help_has_no_raw_fix_key(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    rules = json.loads(invoke("lint", "--format", "sarif")[1])["runs"][0]["tool"]["driver"]["rules"]
    mig001 = next(r for r in rules if r["id"] == "MIG001")
    assert "sometimes:" not in mig001["help"]["text"]
    assert "Fix: safe in some places" in mig001["help"]["text"]


def test_mig004_lists_read_as_english(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(
        'client.chat.completions.create(model="gpt-4.1", messages=[{"role": "user", '
        '"content": [{"type": "input_audio", "input_audio": a}]}])\n'
    )
    _, out, _ = invoke("lint", "-q")
    assert out.rstrip().endswith("which accepts file, image and text")


def test_interrupted_lint_does_not_talk_about_fixed_files(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import migrator.engine

    def interrupted(*args: object, **kwargs: object) -> RunResult:
        raise KeyboardInterrupt

    monkeypatch.setattr(migrator.engine, "run", interrupted)
    code, _, err = invoke("lint")
    assert code == 130
    assert err == "migrator: interrupted\n"
    _, _, err = invoke("fix")
    assert "fully fixed or untouched" in err
