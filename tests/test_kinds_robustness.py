"""Damaged notebooks, config files and docs: never a crash, never a file that stops parsing.

Each fixture of a non-Python kind is mutated at random (seeded, so a failure reproduces) with
the characters these formats care about, then checked and fixed with and without unsafe fixes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from migrator import tomlcompat as tomllib
from migrator.config import load_settings
from migrator.kinds import check_file, kind_of
from tests.fixture_cases import FIXTURES

INPUTS = sorted(
    p for p in FIXTURES.rglob("*") if p.is_file() and kind_of(p.name) not in ("python",)
)
PIECES = [*"\"'\\{}[]:,#\n\r \t-=|>%!?&*`", "gpt-4o", "gpt-4o-mini", "gpt-4.1", "\u2028"]
PIECES += ["\ufeff", "é", "```python\n", '"""', "'''", "\\u002d", "    "]


def _jsonl(text: str) -> list[Any]:
    out = []
    for line in text.split("\n"):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append(ValueError)  # left as it was: it must stay as it was
    return out


PARSE: dict[str, Callable[[str], Any]] = {
    "json": json.loads,
    "notebook": json.loads,
    "jsonl": _jsonl,
    "toml": tomllib.loads,
    "yaml": lambda text: list(yaml.safe_load_all(text)),
    "env": str,
    "docs": str,
}


def _mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(text) + 1)
        roll = rng.random()
        if roll < 0.4:
            text = text[:i] + rng.choice(PIECES) + text[i:]
        elif roll < 0.8:
            text = text[:i] + text[i + rng.randint(1, 5) :]
        else:
            text = text[:i] + rng.choice(PIECES) + text[i + 1 :]
    return text


@pytest.mark.parametrize("seed", range(3))
def test_mutated_files_never_crash_and_fixes_still_parse(seed: int) -> None:
    rng = random.Random(seed)
    safe = load_settings(cwd=Path("/"))
    unsafe = replace(safe, unsafe_fixes=True)
    for _ in range(100):
        path = rng.choice(INPUTS)
        kind = kind_of(path.name)
        text = _mutate(path.read_text(encoding="utf-8"), rng)
        try:
            before = PARSE[kind](text)
        except Exception:
            before = None
        for settings in (safe, unsafe):
            result = check_file(text.encode(), path.name, settings, fix=True)
            if result.new_source is None or before is None:
                continue
            after = PARSE[kind](result.new_source.decode("utf-8").removeprefix("\ufeff"))
            if kind == "jsonl":
                assert [x is ValueError for x in after] == [x is ValueError for x in before]
