"""``--write-baseline`` / ``--baseline``: today's findings are accepted, new ones reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import main


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_baseline_hides_recorded_findings_even_when_code_moves(in_tmp: Path) -> None:
    app = in_tmp / "app.py"
    app.write_text('A = "gpt-4o"\nB = "gpt-4o"\nC = {"gpt-4o-mini": 1}\n')
    code, out, err = invoke("lint", "--write-baseline", "migrator-baseline.json")
    assert code == 0 and out == ""
    assert "Recorded 3 findings in migrator-baseline.json." in err
    assert invoke("lint", "--baseline", "migrator-baseline.json")[0] == 0
    # Lines added above, and the same line once more below: only the new one is reported.
    app.write_text(
        '"""Doc."""\n\nimport os\nA = "gpt-4o"\nB = "gpt-4o"\n'
        'C = {"gpt-4o-mini": 1}\nB = "gpt-4o"\n'
    )
    code, out, err = invoke("lint", "-q", "--baseline", "migrator-baseline.json")
    assert code == 1
    assert out.splitlines() == [
        "app.py:7:5: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'"
    ]
    # A changed line is a new finding.
    app.write_text('A = "gpt-4o"  # changed\nB = "gpt-4o"\nC = {"gpt-4o-mini": 1}\n')
    _, out, _ = invoke("lint", "-q", "--baseline", "migrator-baseline.json")
    assert [line.split(":")[1] for line in out.splitlines()] == ["1"]


def test_baseline_paths_are_relative_to_the_baseline_file(in_tmp: Path, monkeypatch) -> None:
    (in_tmp / "pkg").mkdir()
    (in_tmp / "pkg" / "app.py").write_text('A = {"gpt-4o": 1}\n')
    invoke("lint", "--write-baseline", "ci/baseline.json")
    data = json.loads((in_tmp / "ci" / "baseline.json").read_text())
    assert [(e["path"], e["code"], e["line_text"]) for e in data["findings"]] == [
        ("../pkg/app.py", "MIG001", 'A = {"gpt-4o": 1}')
    ]
    monkeypatch.chdir(in_tmp / "pkg")
    assert invoke("lint", "--baseline", "../ci/baseline.json", ".")[0] == 0


def test_fix_with_a_baseline_reports_and_exits_on_new_findings_only(in_tmp: Path) -> None:
    app = in_tmp / "app.py"
    # A catalogue of another model than B's: B is then an uncoupled value, a safe fix.
    app.write_text('A = {"gpt-4o-mini": 1}\n')
    invoke("fix", "--write-baseline", "base.json")
    app.write_text('A = {"gpt-4o-mini": 1}\nB = "gpt-4o"\n')
    code, out, _ = invoke("fix", "--baseline", "base.json")
    assert code == 0, out
    assert app.read_text() == 'A = {"gpt-4o-mini": 1}\nB = "gpt-4.1"\n'


def test_notebook_findings_are_keyed_by_their_cell_line(in_tmp: Path) -> None:
    cell = {
        "cell_type": "code",
        "source": ["x = 1\n", 'M = {"gpt-4o": 1}\n'],
        "metadata": {},
        "outputs": [],
        "execution_count": None,
    }
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (in_tmp / "nb.ipynb").write_text(json.dumps(notebook))
    invoke("lint", "--write-baseline", "b.json")
    assert json.loads((in_tmp / "b.json").read_text())["findings"][0]["line_text"] == (
        'M = {"gpt-4o": 1}'
    )
    cell["source"].insert(0, "import os\n")
    (in_tmp / "nb.ipynb").write_text(json.dumps(notebook))
    assert invoke("lint", "--baseline", "b.json", "nb.ipynb")[0] == 0


@pytest.mark.parametrize(
    "content", ["not json", '{"version": 99}', '{"version": 1, "findings": [1]}']
)
def test_a_bad_baseline_is_an_error(in_tmp: Path, content: str) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    (in_tmp / "b.json").write_text(content)
    code, _, err = invoke("lint", "--baseline", "b.json", "app.py")
    assert code == 2
    assert err.startswith("migrator: error: b.json: ")
    assert "Traceback" not in err


def test_baseline_and_write_baseline_together_is_a_usage_error(in_tmp: Path) -> None:
    assert invoke("lint", "--baseline", "a.json", "--write-baseline", "b.json")[0] == 2
