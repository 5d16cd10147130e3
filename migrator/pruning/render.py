"""The pruned text: what is not kept blanked, with every line and column where it was."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from migrator.pruning.statements import BODIES, Statement, start
from migrator.pruning.text import SourceLines

_NEWLINE = re.compile(r"\r\n|\r|\n")


def render(
    source: SourceLines, kept: dict[int, Statement], blanked: dict[int, ast.AST]
) -> str | None:
    """``source`` with the statements of kept bodies not in ``kept`` blanked to empty lines
    (a body left with nothing gets ``pass``) and each of ``blanked`` to ``0``; None if nothing
    would change."""
    text, lines, starts = source.text, source.lines, source.starts
    edits: list[tuple[int, int, str]] = []
    for statement in kept.values():
        for body, needs_statement in _bodies_with_need(statement, lines):
            dropped = [child for child in body if id(child) not in kept]
            for child in dropped:
                first, last = start(child), child.end_lineno
                assert last is not None
                begin, end = starts[first - 1], starts[last]
                blank = _blank(text[begin:end], keep_last=False, after=text[begin - 1 : begin])
                # A coding cookie on line 2 counts only after a blank or comment line 1.
                if first == 1 or (
                    needs_statement and len(dropped) == len(body) and child is body[0]
                ):
                    line = lines[first - 1]
                    blank = line[: len(line) - len(line.lstrip(" \t\f"))] + "pass" + blank
                edits.append((begin, end, blank))
    for item in blanked.values():
        begin, end = source.offsets(item)
        blank = _blank(text[begin + 1 : end], keep_last=True, after="0")
        edits.append((begin, end, "0" + blank))
    if not edits:
        return None  # every statement is read
    edits.sort()
    out, at = [], 0
    for begin, end, replacement in edits:
        out.append(text[at:begin])
        out.append(replacement)
        at = end
    out.append(text[at:])
    return "".join(out)


def _bodies_with_need(
    statement: Statement, lines: list[str]
) -> Iterator[tuple[list[ast.stmt], bool]]:
    """Each statement list of ``statement``, and whether blanking all of it needs a ``pass``."""
    for field in BODIES:
        body = getattr(statement, field, None)
        if not body:
            continue
        # A module may be empty; so may an if without its elif.
        elif_only = field == "orelse" and _is_elif(body, lines)
        yield body, not (isinstance(statement, ast.Module) or elif_only)
    for handler in getattr(statement, "handlers", ()):
        yield handler.body, True
    for case in getattr(statement, "cases", ()):
        yield case.body, True


def _is_elif(orelse: list[ast.stmt], lines: list[str]) -> bool:
    if len(orelse) != 1 or not isinstance(orelse[0], ast.If):
        return False
    node = orelse[0]
    return lines[node.lineno - 1].encode()[node.col_offset :].startswith(b"elif")


def _blank(span: str, *, keep_last: bool, after: str = "") -> str:
    """``span`` as whitespace: its line breaks, and (``keep_last``) its last line's width.

    ``after``: the text the result follows. A lone ``\\r`` and a ``\\n`` brought together
    would read as one ``\\r\\n``: a space keeps them two lines.
    """
    out = []
    previous = after[-1:]
    for found in _NEWLINE.finditer(span):
        if previous == "\r" and found.group().startswith("\n"):
            out.append(" ")
        out.append(found.group())
        previous = found.group()[-1]
    breaks = "".join(out)
    tail = span[span.rfind(previous) + 1 :] if out else span
    return breaks + (" " * len(tail) if keep_last else "")
