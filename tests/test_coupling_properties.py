"""Property: where a model ID is both a value and a lookup, fixes move them together or not at all.

Generated modules mix values of a model ID (a request's model, a default, a config dict) with
lookups of it (comparisons, membership tests, subscripts, .get, str methods, match patterns)
and with other models. A safe fix must leave every literal of an ID that has a lookup as it
was; ``--unsafe-fixes`` must leave none of them behind.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.config import load_settings
from migrator.kinds import check_file

MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4.5-preview", "gpt-4o-2024-08-06", "openai/gpt-4o"]
OTHERS = ["gpt-4.1", "claude-3-7-sonnet-latest", "o3-mini"]

VALUES = [
    'MODEL_{i} = "{m}"',
    'reply_{i} = client.chat.completions.create(model="{m}", messages=[])',
    'def ask_{i}(model="{m}"):\n    return model',
    'CONFIG_{i} = {{"model": "{m}", "temperature": 0}}',
    'agent_{i} = Agent("{m}")',
    'CHAIN_{i} = ["{m}", "{m}"]',
]
LOOKUPS = [
    'if model == "{m}":\n    pass',
    'ok_{i} = model in ("{m}", "{o}")',
    'price_{i} = PRICES["{m}"]',
    'price_{i} = PRICES.get("{m}")',
    'pinned_{i} = name.startswith("{m}")',
    'match model:\n    case "{m}":\n        pass',
    'assert reply.model != "{m}"',
]
BASE = load_settings(cwd=Path("/"))

statements = st.one_of(
    st.tuples(st.just("value"), st.sampled_from(VALUES), st.sampled_from(MODELS + OTHERS)),
    st.tuples(st.just("lookup"), st.sampled_from(LOOKUPS), st.sampled_from(MODELS + OTHERS)),
)


@st.composite
def modules(draw: st.DrawFn) -> tuple[str, set[str]]:
    """A module, and the model IDs it both uses as a value and looks up."""
    shared = draw(st.sampled_from(MODELS))
    body = [
        ("value", draw(st.sampled_from(VALUES)), shared),
        ("lookup", draw(st.sampled_from(LOOKUPS)), shared),
    ]
    body += draw(st.lists(statements, max_size=6))
    body = draw(st.permutations(body))
    other = draw(st.sampled_from(OTHERS))
    text = "".join(
        template.format(i=i, m=model, o=other) + "\n" for i, (_, template, model) in enumerate(body)
    )
    looked_up = {model for role, _, model in body if role == "lookup"}
    used = {model for role, _, model in body if role == "value"}
    return text, looked_up & used


def literals(source: str) -> Counter[str]:
    return Counter(
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


@settings(max_examples=200, deadline=None)
@given(modules(), st.sampled_from(["app.py", "tests/test_app.py"]))
def test_a_safe_fix_never_moves_a_value_without_its_lookup(
    module: tuple[str, set[str]], path: str
) -> None:
    text, coupled = module
    result = check_file(text.encode(), path, BASE, fix=True)
    assert result.error is None
    fixed = result.new_source.decode() if result.new_source else text
    before, after = literals(text), literals(fixed)
    for model in coupled:
        assert after[model] == before[model], (model, text, fixed)


@settings(max_examples=200, deadline=None)
@given(modules())
def test_unsafe_fixes_move_values_and_lookups_together(module: tuple[str, set[str]]) -> None:
    text, coupled = module
    result = check_file(text.encode(), "app.py", replace(BASE, unsafe_fixes=True), fix=True)
    assert result.error is None
    fixed = result.new_source.decode() if result.new_source else text
    after = literals(fixed)
    for model in coupled & set(MODELS):
        assert after[model] == 0, (model, text, fixed)
