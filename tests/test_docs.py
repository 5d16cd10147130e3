"""Markdown and reST: fenced Python blocks are reported, never rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import main
from tests.fixture_cases import Case, cases, expected, run_case

CASES = cases("docs")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case) -> None:
    findings, fixed = run_case(case)
    assert findings == expected(case, "findings.txt", findings)
    assert fixed == case.input.read_bytes()  # documentation is never rewritten
    assert "[*]" not in findings


def test_docs_are_walked_only_with_include_docs(in_tmp: Path) -> None:
    guide = in_tmp / "guide.md"
    guide.write_text('```python\nMODEL = "gpt-4o"\n```\n')
    runner = CliRunner()
    result = runner.invoke(main, ["lint", "."])
    assert result.exit_code == 0 and "guide.md" not in result.stdout
    result = runner.invoke(main, ["lint", "--include-docs", "."])
    assert result.exit_code == 1
    assert "guide.md:2:9: MIG001 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'" in result.stdout


def test_fix_never_writes_docs(in_tmp: Path) -> None:
    guide = in_tmp / "guide.rst"
    text = '.. code-block:: python\n\n   MODEL = "gpt-4o"\n'
    guide.write_text(text)
    result = CliRunner().invoke(main, ["fix", "guide.rst"])
    assert result.exit_code == 1
    assert "guide.rst:3:12: MIG001" in result.stdout
    assert guide.read_text() == text


def test_a_lone_carriage_return_ends_a_line_as_in_python(in_tmp: Path) -> None:
    guide = in_tmp / "guide.md"
    guide.write_bytes(b'```python\nx = 1\rMODEL = "gpt-4o"\n```\n')
    result = CliRunner().invoke(main, ["lint", "guide.md"])
    assert "guide.md:3:9: MIG001" in result.stdout
