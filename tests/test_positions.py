"""Positions of reported nodes are exactly LibCST's PositionProvider's, for far less work."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from migrator.positions import positions

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(ROOT.glob("fixtures/**/*.py")) + sorted(ROOT.glob("migrator/**/*.py"))


class _Collect(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        return True


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_same_ranges_as_position_provider(path: Path) -> None:
    module = cst.parse_module(path.read_bytes())
    collect = _Collect()
    module.visit(collect)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert positions(module, collect.nodes) == {n: expected[n] for n in collect.nodes}
    few = collect.nodes[::37]
    assert positions(module, few) == {n: expected[n] for n in few}


@pytest.mark.parametrize("code", ["", "\n", "x = 1", "x = 1\r\ny = 2\r\n", "if x:\n    pass\n"])
def test_edge_cases(code: str) -> None:
    module = cst.parse_module(code)
    collect = _Collect()
    module.visit(collect)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert positions(module, collect.nodes) == {n: expected[n] for n in collect.nodes}
