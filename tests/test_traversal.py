"""The fast walk meets the same nodes, in the same order, with the same parents as LibCST's."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import libcst as cst
import pytest

from migrator.traversal import _Dispatcher, walk

ROOT = Path(__file__).resolve().parent.parent
# Real code of many shapes: this project, its fixtures, and a few stdlib modules.
STDLIB = [Path(inspect.getfile(m)) for m in (ast, dataclasses, inspect, json, textwrap)]
SOURCES = (
    sorted(ROOT.glob("fixtures/**/*.py"))
    + sorted(ROOT.glob("migrator/**/*.py"))
    + sorted(ROOT.glob("tests/**/*.py"))
    + STDLIB
)
SOURCES = [path for path in SOURCES if path.stat().st_size]

SYNTAX = """\
import a.b as c
from . import (d, e as f)
@decorator(1, *args, key=[x for x in y if x], **kw)
async def g(a, /, b: int = 1, *c, d, **e) -> "T":
    global h
    async with open(p) as q, r:
        async for s in t:
            yield (u := v)
    try:
        pass
    except* (E1, E2) as err:
        raise X from err
    else:
        del w[1:2, ::3]
    finally:
        lambda k=1, *a, **b: {**k, "x": 1}
    match point:
        case {"x": 0, **rest} if rest:
            pass
        case [1, *others] | Point(x=0, y=_):
            pass
        case str() as s:
            pass
    return f"{a!r:>{width}} {b=}" "tail", rb"raw" b"bytes"
class K(Base, metaclass=M):
    x: int = 1; y = z = -~+3 ** 2 // 4 @ m
    assert x, "msg"
while not a and b or c: break
else: continue
for (i, *j) in {1, 2}: print(i if j else ..., sep="", end=None)
with (a as b, c): nonlocal_ = [*a, *b]
type Alias[T: int = str, *Ts, **P] = list[T]
"""


class _Recorder(cst.BatchableCSTVisitor):
    """Records every visit and leave with the parent stack at that moment."""

    def __init__(self, parents: list[cst.CSTNode]) -> None:
        super().__init__()
        self.parents = parents
        self.events: list[tuple[str, int, tuple[int, ...]]] = []

    def get_visitors(self) -> dict[str, Callable[[cst.CSTNode], None]]:
        kinds = {k.__name__ for k in _all_node_types()}
        handlers = {f"visit_{name}": self._visit for name in kinds}
        handlers.update({f"leave_{name}": self._leave for name in kinds})
        return handlers

    def _visit(self, node: cst.CSTNode) -> None:
        self.events.append(("visit", id(node), tuple(map(id, self.parents))))

    def _leave(self, node: cst.CSTNode) -> None:
        self.events.append(("leave", id(node), tuple(map(id, self.parents))))


def _all_node_types() -> set[type[cst.CSTNode]]:
    found: set[type[cst.CSTNode]] = set()
    todo = [cst.CSTNode]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _events_both_ways(module: cst.Module) -> tuple[list[object], list[object]]:
    fast_parents: list[cst.CSTNode] = []
    fast = _Recorder(fast_parents)
    walk(module, [fast], fast_parents)
    slow_parents: list[cst.CSTNode] = []
    slow = _Recorder(slow_parents)
    module.visit(_Dispatcher([slow], slow_parents))
    return fast.events, slow.events  # type: ignore[return-value]


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_same_walk_as_libcst(path: Path) -> None:
    fast, slow = _events_both_ways(cst.parse_module(path.read_bytes()))
    assert len(fast) > 10
    assert fast == slow


def test_same_walk_on_every_kind_of_syntax() -> None:
    module = cst.parse_module(SYNTAX)
    fast, slow = _events_both_ways(module)
    assert fast == slow
