"""Markdown and reStructuredText: fenced Python code blocks, reported but never rewritten.

Documentation is prose; only its Python examples can hold a model ID the way code does. Each
fenced block whose language is Python goes through the Python checks; findings are placed at
their line and column in the document and carry no fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from migrator.config import Settings
from migrator.kinds.ipython import check_fragment, split_lines
from migrator.kinds.scalars import Document, skipped
from migrator.results import SourceResult
from migrator.screen import Screen

PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "py3", "ipython", "ipython3"})
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
RST_SUFFIXES = (".rst", ".rest")
# MyST and Sphinx directives that take the language as their argument: ```{code-cell} python
_DIRECTIVES = frozenset({"code-cell", "code-block", "code", "sourcecode", "jupyter-execute"})
# Anchored with \A: matched at a line's start only, and an anchor keeps a search() linear too.
_FENCE = re.compile(r"\A(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)")
_RST_DIRECTIVE = re.compile(
    r"\A(?P<indent>[ \t]*)\.\.[ \t]+(?P<name>code-block|code|sourcecode|jupyter-execute|ipython)"
    r"::[ \t]*(?P<lang>\S*)"
)
_RST_OPTION = re.compile(r"\A[ \t]+:[\w-]+:")


@dataclass(frozen=True)
class Block:
    """A code block: its code, the document line of its fence or directive and of its first
    line of code, and the indent taken off each line (to put findings back at their column)."""

    code: str
    opened: int
    first_line: int
    indents: tuple[int, ...]


def check_docs(
    source: bytes, path: str, settings: Settings, *, fix: bool, screen: Screen | None = None
) -> SourceResult:
    """Findings in the document's Python blocks; ``fix`` is ignored: docs are never rewritten."""
    doc = Document.decode(source)
    if isinstance(doc, str):
        return skipped(doc)
    rst = path.lower().endswith(RST_SUFFIXES)
    blocks = rst_blocks(doc.text) if rst else markdown_blocks(doc.text)
    result = SourceResult()
    for block in blocks:
        fragment = check_fragment(block.code, path, settings, fix=False, screen=screen)
        if fragment.skipped is not None:
            result.warnings.append(f"code block at line {block.opened} skipped: {fragment.skipped}")
            continue
        for finding in fragment.result.findings:
            line = finding.line + block.first_line - 1
            end_line = finding.end_line + block.first_line - 1
            result.findings.append(
                replace(
                    finding,
                    line=line,
                    column=finding.column + block.indents[finding.line - 1],
                    end_line=end_line,
                    end_column=finding.end_column + block.indents[finding.end_line - 1],
                    fix=None,  # documentation is never rewritten
                )
            )
    return result


def _language(info: str) -> str:
    words = info.replace("{", " ").replace("}", " ").replace(",", " ").split()
    if words and words[0] in _DIRECTIVES:
        words = words[1:]
    return words[0].lstrip(".").lower() if words else ""


def markdown_blocks(text: str) -> Iterator[Block]:
    """Fenced blocks (``` or ~~~) whose info string names Python."""
    lines = split_lines(text)
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        i += 1
        if opening is None:
            continue
        fence, indent = opening.group("fence"), len(opening.group("indent"))
        if fence[0] == "`" and "`" in opening.group("info"):
            continue  # an inline code span, not a fence
        start = i
        while i < len(lines):
            closing = _FENCE.match(lines[i])
            if (
                closing
                and closing.group("fence")[0] == fence[0]
                and len(closing.group("fence")) >= len(fence)
                and not closing.group("info").strip()
            ):
                break
            i += 1
        body = lines[start:i]
        i += 1  # past the closing fence
        if _language(opening.group("info")) not in PYTHON_LANGUAGES:
            continue
        taken = [min(indent, len(line) - len(line.lstrip(" "))) for line in body]
        code = "".join(line[n:] for line, n in zip(body, taken))
        yield Block(code, start, start + 1, tuple(taken) or (0,))


def rst_blocks(text: str) -> Iterator[Block]:
    """``.. code-block:: python`` (and ``code``, ``sourcecode``, ``jupyter-execute``) bodies."""
    lines = split_lines(text)
    i = 0
    while i < len(lines):
        directive = _RST_DIRECTIVE.match(lines[i])
        i += 1
        if directive is None:
            continue
        name, lang = directive.group("name"), directive.group("lang").lower()
        if name == "ipython" or (name != "jupyter-execute" and lang not in PYTHON_LANGUAGES):
            continue
        opened = i
        outer = len(directive.group("indent"))
        while i < len(lines) and _RST_OPTION.match(lines[i]):
            i += 1  # directive options
        start = i
        body_indent = None
        while i < len(lines):
            line = lines[i]
            if line.strip():
                depth = len(line) - len(line.lstrip(" \t"))
                if depth <= outer:
                    break
                body_indent = depth if body_indent is None else min(body_indent, depth)
            i += 1
        if body_indent is None:
            continue
        body = lines[start:i]
        while body and not body[-1].strip():
            body.pop()
        taken = [body_indent if line.strip() else 0 for line in body]
        code = "".join(line[n:] if line.strip() else "\n" for line, n in zip(body, taken))
        yield Block(code, opened, start + 1, tuple(taken) or (0,))
