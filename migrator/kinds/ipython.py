"""Python with IPython syntax (notebook cells, doc snippets): checked with the Python checks.

``%magic``, ``!shell``, ``?help`` and ``help?`` lines are not Python. Each such line is swapped
for a placeholder statement on the same line (so every other line and column stays where it
was), the code is checked, and the original lines are put back into the fixed code. A cell
magic that runs Python (``%%time``) keeps its body; any other (``%%bash``) skips the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from migrator.config import Settings
from migrator.results import SourceResult
from migrator.screen import Screen

# Cell magics whose body is Python that IPython runs (timed, captured, profiled ...).
PYTHON_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "python", "python3", "pypy"}
)
# Anchored with \A: they are only ever matched at a line's start, and an anchor keeps even a
# search() over a long line linear.
_CELL_MAGIC = re.compile(r"\A[ \t]*%%(\S*)")
_LINE_MAGIC = re.compile(r"\A[ \t]*[%!?]")  # %magic, %%magic, !shell, !!shell, ?obj, ??obj
_HELP_SUFFIX = re.compile(r"\A[ \t]*[\w.]+\?\??[ \t]*\Z")  # obj? and obj??
_ASSIGNED_MAGIC = re.compile(r"\A([ \t]*[\w.]+[ \t]*=[ \t]*)[%!]")  # files = !ls, t = %time f()
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


@dataclass
class Fragment:
    """The checks' result for a piece of code, and the fixed code with IPython lines restored."""

    result: SourceResult = field(default_factory=SourceResult)
    new_code: str | None = None
    skipped: str | None = None  # why the code was not checked


def split_lines(code: str) -> list[str]:
    """Lines with their endings kept, split where Python's tokenizer (and so LibCST's line
    numbers) splits them: at ``\\r\\n``, ``\\r`` and ``\\n``, not at form feeds or U+2028."""
    return _LINE.findall(code)


def mask(code: str) -> tuple[str, list[int]]:
    """``code`` with IPython lines replaced by placeholders, and the indices of those lines."""
    if "%" not in code and "!" not in code and "?" not in code:
        return code, []  # every IPython line holds one of them: most cells, at no cost
    lines = split_lines(code)
    masked: list[int] = []
    for index, line in enumerate(lines):
        body = line.rstrip("\r\n")
        eol = line[len(body) :]
        assigned = _ASSIGNED_MAGIC.match(body)
        if assigned:
            lines[index] = assigned.group(1) + "None" + eol
        elif _LINE_MAGIC.match(body) or _HELP_SUFFIX.match(body):
            indent = body[: len(body) - len(body.lstrip(" \t"))]
            lines[index] = indent + "pass" + eol
        else:
            continue
        masked.append(index)
    return "".join(lines), masked


def check_fragment(
    code: str, path: str, settings: Settings, *, fix: bool, screen: Screen | None = None
) -> Fragment:
    """Run the Python checks over ``code``, which may hold IPython syntax.

    With a ``screen``, code that cannot hold a finding is not parsed, as for a ``.py`` file.
    """
    magic = _CELL_MAGIC.match(code)
    if magic and magic.group(1) not in PYTHON_CELL_MAGICS:
        return Fragment(skipped=f"%%{magic.group(1)} cell is not Python")
    if screen is not None and not screen.bytes_admit(code.encode("utf-8")):
        # Masking only blanks IPython lines, so it never lets in what the raw code keeps out.
        return Fragment()
    masked, lines = mask(code)
    result = _check(masked, path, settings, fix, screen)
    if lines and _unparsed(result):
        # A line that starts with % can be Python: the continuation of a modulo expression.
        plain = _check(code, path, settings, fix, screen)
        if not _unparsed(plain):
            result, lines = plain, []
    if _unparsed(result):
        return Fragment(skipped=result.error)
    fragment = Fragment(result)
    if result.new_source is not None:
        fixed = split_lines(result.new_source.decode(result.encoding))
        original = split_lines(code)
        if len(fixed) != len(original):
            result.error = "the fix would change the number of lines; file left unchanged"
            result.findings = sorted(result.findings + result.fixed, key=lambda f: f.sort_key)
            result.fixed = []
            result.new_source = None
            return fragment
        for index in lines:
            fixed[index] = original[index]
        fragment.new_code = "".join(fixed)
    return fragment


def _check(
    code: str, path: str, settings: Settings, fix: bool, screen: Screen | None
) -> SourceResult:
    # Imported here: it loads LibCST, and the project view uses this module only to mask magics.
    from migrator.kinds.python import check_source

    return check_source(code.encode("utf-8"), path, settings, fix=fix, screen=screen)


def _unparsed(result: SourceResult) -> bool:
    # check_source returns an error with no findings only when it could not parse or walk the
    # code; an error that comes with findings is about the fix.
    return result.error is not None and not result.findings
