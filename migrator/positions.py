"""Line and column of the few nodes a file's findings are on.

LibCST's PositionProvider records a range for every node of the module, which costs several
times the code generation it rides on. Findings need a handful: this runs the same code
generation, counts lines and columns as it goes, and records ranges for the wanted nodes only,
with the same rules (a node's syntactic range where it declares one, else its whole extent).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from types import TracebackType

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import NEWLINE_RE


def positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[cst.CSTNode, CodeRange]:
    """The range of each of ``nodes`` as PositionProvider gives it."""
    wanted = {id(node): node for node in nodes}
    state = _State(module, set(wanted))
    with contextlib.suppress(_Done):  # raised once every wanted node is placed
        module._codegen(state)
    try:
        return {node: state.ranges[key] for key, node in wanted.items()}
    except KeyError:  # a node hoists its bounds from one generated earlier: take the long way
        computed = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return {node: computed[node] for node in wanted.values()}


class _Done(Exception):
    """Every node asked for has its range: the rest of the file need not be generated."""


class _State(CodegenState):
    def __init__(self, module: cst.Module, wanted: set[int]) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.line = 1  # one-based, as in LibCST
        self.column = 0  # zero-based
        self.wanted = wanted  # grows with the children a wanted node hoists its bounds from
        self.asked = set(wanted)
        self.starts: dict[int, CodePosition] = {}
        self.ranges: dict[int, CodeRange] = {}

    # The generated text itself is not kept: only where it ends, and whether there is any
    # (Module's code generation asks, to decide on a trailing newline).
    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        if not self.tokens:
            self.tokens.append(value)
        self._advance(value)

    def pop_trailing_newline(self) -> None:
        pass

    def _advance(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            segments = NEWLINE_RE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.starts[id(node)] = CodePosition(self.line, self.column)

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.wanted:
            start = self.starts.pop(key)
            if key not in self.ranges:  # a syntactic range, once recorded, stands
                self.ranges[key] = CodeRange(start, CodePosition(self.line, self.column))
            if key in self.asked:
                self.asked.discard(key)
                if not self.asked:
                    raise _Done

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _Record | _Nothing:
        if id(node) not in self.wanted:
            return _NOTHING
        for hoisted in (start_node, end_node):
            if hoisted is not None:
                self.wanted.add(id(hoisted))
        return _Record(self, node, start_node, end_node)


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NOTHING = _Nothing()


class _Record:
    def __init__(
        self,
        state: _State,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.state, self.node = state, node
        self.start_node, self.end_node = start_node, end_node
        self.start = CodePosition(state.line, state.column)

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None:
            return
        state = self.state
        start, end = self.start, CodePosition(state.line, state.column)
        if self.start_node is not None:
            start = state.ranges[id(self.start_node)].start
        if self.end_node is not None:
            end = state.ranges[id(self.end_node)].end
        state.ranges[id(self.node)] = CodeRange(start, end)
