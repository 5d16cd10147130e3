"""Jupyter notebooks: cells through the Python checks, fixes that touch only source lines."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from migrator.config import load_settings
from migrator.kinds import check_file
from migrator.kinds.ipython import mask
from tests.fixture_cases import Case, cases, expected, run_case

CASES = cases("notebooks")


def _validate(data: bytes) -> None:
    nbformat.validate(nbformat.reads(data.decode("utf-8"), as_version=nbformat.NO_CONVERT))


def _sources(data: bytes) -> list[str | list[str]]:
    return [cell["source"] for cell in json.loads(data)["cells"]]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case) -> None:
    findings, fixed = run_case(case)
    assert findings == expected(case, "findings.txt", findings)
    assert fixed == expected(case, case.fixed_name, fixed)
    _validate(fixed)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fix_is_idempotent(case: Case) -> None:
    _, fixed = run_case(case)
    result = check_file(fixed, case.input.name, case.settings(), fix=True)
    assert result.error is None
    assert result.new_source is None
    assert not result.fixed


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixed_notebook_differs_only_in_source_lines(case: Case) -> None:
    before = case.input.read_bytes()
    _, after = run_case(case)
    old_lines = before.decode().split("\n")
    new_lines = after.decode().split("\n")
    assert len(old_lines) == len(new_lines)  # no line added, removed or re-wrapped
    old_sources = [line for source in _sources(before) for line in _as_list(source)]
    new_sources = [line for source in _sources(after) for line in _as_list(source)]
    for old, new in zip(old_lines, new_lines):
        if old != new:
            assert _element(old) in old_sources
            assert _element(new) in new_sources
    # Everything but the code cells' sources is the same data, in the same order.
    old_nb, new_nb = json.loads(before), json.loads(after)
    for cell in (*old_nb["cells"], *new_nb["cells"]):
        cell.pop("source")
    assert json.dumps(old_nb) == json.dumps(new_nb)


def _element(line: str) -> str:
    """The JSON string on a line of a source list (or of a ``"source": "..."`` line)."""
    text = line.strip().rstrip(",")
    if text.startswith('"source":'):
        text = text.split(":", 1)[1]
    value = json.loads(text)
    assert isinstance(value, str)
    return value


def _as_list(source: str | list[str]) -> list[str]:
    return [source] if isinstance(source, str) else source


def test_nothing_to_migrate_round_trips_byte_identical() -> None:
    case = next(c for c in CASES if c.id == "nothing_to_migrate")
    source = case.input.read_bytes()
    result = check_file(source, "input.ipynb", case.settings(), fix=True)
    assert result.error is None
    assert result.new_source is None
    assert (case.folder / case.fixed_name).read_bytes() == source


def test_odd_layout_is_kept() -> None:
    case = next(c for c in CASES if c.id == "odd_layout")
    _, fixed = run_case(case)
    text = fixed.decode()
    assert not text.endswith("\n")
    assert text.startswith('{\n  "nbformat": 4,')  # key order and two-space indent kept
    assert "caf\\u00e9" in text  # ASCII escapes kept on the changed line
    assert "\"CHEAP = 'gpt-4.1-mini'\\nprint(CHEAP)\\n\"" in text  # single-string source


def test_magic_lines_are_masked_in_place() -> None:
    code = "%time f()\nx = 1\nfiles = !ls\n  obj?\n!echo hi\ny = 'a'"
    masked, lines = mask(code)
    assert lines == [0, 2, 3, 4]
    assert masked.split("\n") == ["pass", "x = 1", "files = None", "  pass", "pass", "y = 'a'"]


def test_non_python_notebook_is_skipped_with_a_warning() -> None:
    notebook = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["x <- 1"]}],
        "metadata": {"kernelspec": {"language": "R", "name": "ir"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    source = json.dumps(notebook).encode()
    result = check_file(source, "r.ipynb", load_settings(cwd=Path("/")), fix=True)
    assert result.warnings == ["a notebook in R, not Python: not checked"]
    assert result.new_source is None and result.error is None


def test_a_broken_notebook_is_an_error() -> None:
    result = check_file(b'{"cells": [', "bad.ipynb", load_settings(cwd=Path("/")), fix=True)
    assert result.error is not None and result.error.startswith("not a valid notebook")
