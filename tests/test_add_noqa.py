"""``lint --add-noqa`` writes ``# noqa: MIGxxx`` as ``ruff check --add-noqa`` does."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from migrator.cli import main


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


SOURCE = (
    'A = "gpt-4o"  # noqa: E501\n'
    'B = {"gpt-4o": 1}  # type: ignore\n'
    'C = """\ngpt-4o""" if x else "gpt-4o-audio-preview"\n'
    'D = ("gpt-4o",\n      "gpt-4o-mini")\n'
    "E = 1 + \\\n"
    '    len("gpt-4o")\n'
    'F = "gpt-4o"   \n'
    'G = "gpt-4.1"\n'
)
EXPECTED = (
    'A = "gpt-4o"  # noqa: E501, MIG001\n'
    'B = {"gpt-4o": 1}  # type: ignore  # noqa: MIG001\n'
    'C = """\ngpt-4o""" if x else "gpt-4o-audio-preview"  # noqa: MIG002\n'
    'D = ("gpt-4o",  # noqa: MIG001\n      "gpt-4o-mini")  # noqa: MIG001\n'
    "E = 1 + \\\n"
    '    len("gpt-4o")  # noqa: MIG001\n'
    'F = "gpt-4o"  # noqa: MIG001\n'
    'G = "gpt-4.1"\n'
)


def test_add_noqa_merges_and_keeps_formatting(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(SOURCE)
    code, _, err = invoke("lint", "--add-noqa", "app.py")
    assert code == 0, err
    assert (in_tmp / "app.py").read_text() == EXPECTED
    assert "Added 7 noqa directives to 1 file." in err
    assert invoke("lint", "app.py")[0] == 0  # every finding is now suppressed
    assert invoke("lint", "--select", "MIG100", "app.py")[0] == 0  # and every comment used
    # Run again: nothing to add.
    code, _, err = invoke("lint", "--add-noqa", "app.py")
    assert code == 0 and "Added 0 noqa directives" in err
    assert (in_tmp / "app.py").read_text() == EXPECTED


def test_add_noqa_keeps_crlf_and_merges_an_existing_list(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_bytes(b'A = "gpt-4o"  # noqa:MIG002 \r\nB = 2\r\n')
    invoke("lint", "--add-noqa", "app.py")
    assert (in_tmp / "app.py").read_bytes() == b'A = "gpt-4o"  # noqa: MIG002, MIG001 \r\nB = 2\r\n'


def test_notebooks_and_data_files_are_left_to_the_baseline(in_tmp: Path) -> None:
    (in_tmp / "bot.yaml").write_text("model: gpt-4o\n")
    (in_tmp / "nb.ipynb").write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "source": ['M = "gpt-4o"\n'],
                        "metadata": {},
                        "outputs": [],
                        "execution_count": None,
                    }
                ],
                "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    before = {p.name: p.read_bytes() for p in in_tmp.iterdir()}
    code, out, err = invoke("lint", "--add-noqa", ".")
    assert code == 1  # what could not take a comment is still reported
    assert "bot.yaml:1:8: MIG001" in out and "nb.ipynb:cell 1:1:5: MIG001" in out
    assert "bot.yaml: no noqa comment added" in err and "--write-baseline" in err
    assert {p.name: p.read_bytes() for p in in_tmp.iterdir()} == before
