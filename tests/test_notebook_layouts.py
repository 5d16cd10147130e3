"""A notebook cell's source may be one string, one string per line, or any split into strings
(nbformat allows each). Whatever the layout, fixing the notebook gives each cell exactly the code
that fixing that cell as a ``.py`` file gives, and the layout itself is kept."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.config import Settings
from migrator.kinds import check_file
from migrator.ruleset import RuleSet

RULES = RuleSet.load()
SETTINGS = Settings(ruleset=RULES)

# IDs whose rewrite grows, shrinks or keeps the string's length, so that stale offsets show.
IDS = ["gpt-4o", "gpt-4o-mini", "gpt-4.5-preview", "gpt-4o-2024-08-06", "gpt-4.1", "other"]
STATEMENT = st.builds(
    lambda name, model, trailing: f"{name} = {model!r}{trailing}\n",
    st.sampled_from(["a", "bé", "model_name"]),
    st.sampled_from(IDS),
    st.sampled_from(["", "  # ü", "; x = 1"]),
)
CELL = st.lists(STATEMENT, min_size=1, max_size=6).map("".join)


def _notebook(sources: list[str | list[str]]) -> bytes:
    cells = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": s}
        for s in sources
    ]
    meta = {"kernelspec": {"language": "python", "name": "python3", "display_name": "Python 3"}}
    notebook = {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook, indent=1).encode()


def _as_py(code: str) -> str:
    result = check_file(code.encode(), "cell.py", SETTINGS, fix=True)
    assert result.error is None
    return code if result.new_source is None else result.new_source.decode()


def _layout(code: str, kind: str, cuts: list[int]) -> str | list[str]:
    if kind == "one string":
        return code
    if kind == "one string per line":
        return code.splitlines(keepends=True)
    points = sorted({c % (len(code) + 1) for c in cuts} | {0, len(code)})
    return [code[a:b] for a, b in zip(points, points[1:])]


def _fixed_cells(data: bytes) -> tuple[list[str], list[str | list[str]]]:
    result = check_file(data, "nb.ipynb", SETTINGS, fix=True)
    assert result.error is None, result.error
    fixed = data if result.new_source is None else result.new_source
    sources = [cell["source"] for cell in json.loads(fixed)["cells"]]
    return [s if isinstance(s, str) else "".join(s) for s in sources], sources


def test_one_string_with_several_lines_is_fixed_line_by_line() -> None:
    code = "a = 'gpt-4o'\nb = 'gpt-4o-mini'\nc = 'gpt-4o'\n"
    codes, _ = _fixed_cells(_notebook([code]))
    assert codes == ["a = 'gpt-4.1'\nb = 'gpt-4.1-mini'\nc = 'gpt-4.1'\n"]


def test_a_change_across_two_strings_lands_in_the_first() -> None:
    codes, sources = _fixed_cells(_notebook([["a = 'gpt-", "4o'\n"]]))
    assert codes == ["a = 'gpt-4.1'\n"]
    assert len(sources[0]) == 2


@settings(max_examples=200)
@given(
    cells=st.lists(CELL, min_size=1, max_size=3),
    kind=st.sampled_from(["one string", "one string per line", "arbitrary chunks"]),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=8),
)
def test_each_cell_is_fixed_as_its_own_py_file(
    cells: list[str], kind: str, cuts: list[int]
) -> None:
    layouts = [_layout(code, kind, cuts) for code in cells]
    codes, sources = _fixed_cells(_notebook(layouts))
    assert codes == [_as_py(code) for code in cells]
    for before, after in zip(layouts, sources):  # the layout is kept: same number of strings
        assert type(before) is type(after)
        if isinstance(before, list):
            assert len(before) == len(after)


def test_a_wrong_edit_is_never_written(monkeypatch: pytest.MonkeyPatch) -> None:
    # The last guard: should the edits ever disagree with the cell's own fix, the notebook is
    # an error and nothing is written, whatever the edits got wrong.
    from migrator.kinds import notebooks

    monkeypatch.setattr(notebooks, "_rebuild", lambda values, changes: [v[::-1] for v in values])
    result = check_file(_notebook(["a = 'gpt-4o'\n"]), "nb.ipynb", SETTINGS, fix=True)
    assert result.new_source is None
    assert result.error is not None and "file left unchanged" in result.error
    assert not result.fixed and [f.code for f in result.findings] == ["MIG001"]
