"""``lint --add-noqa``: a ``# noqa: MIGxxx`` comment on each line with a finding, as
``ruff check --add-noqa`` writes them.

An existing ``# noqa: X`` on the line gets the codes added to its list; any other comment is
kept and the directive follows it. Only Python files take one: a notebook's cells and data
files (JSON has no comments at all) are left to the baseline (``--write-baseline``).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from migrator.files import WriteError, write_atomic
from migrator.findings import FileError, Finding
from migrator.kinds import kind_of
from migrator.suppression import UNUSED_SUPPRESSION

_NOQA_LIST = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Z0-9,\s]+)", re.I)
_BARE_NOQA = re.compile(r"#\s*noqa(?!:)", re.I)


@dataclass
class Added:
    directives: int = 0
    files: int = 0
    left: list[Finding] = field(default_factory=list)  # findings that got no comment
    errors: list[FileError] = field(default_factory=list)


def add_noqa(findings: list[Finding]) -> Added:
    """Write the comments for ``findings``; what could not take one is in ``left``."""
    out = Added()
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.code == UNUSED_SUPPRESSION:
            out.left.append(finding)  # a noqa for an unused noqa: remove the comment instead
        elif finding.cell is not None or kind_of(finding.path) != "python":
            out.left.append(finding)
        else:
            by_file[finding.path].append(finding)
    for path, found in by_file.items():
        try:
            added, left = _add_to_file(Path(path), found)
        except (OSError, WriteError, SyntaxError, UnicodeDecodeError) as exc:
            message = str(exc) if isinstance(exc, WriteError) else f"cannot add noqa: {exc}"
            out.errors.append(FileError(path, message))
            out.left.extend(found)
            continue
        out.left.extend(left)
        out.directives += added
        out.files += added > 0
    out.left.sort(key=lambda f: f.sort_key)
    return out


def _add_to_file(path: Path, findings: list[Finding]) -> tuple[int, list[Finding]]:
    source = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    text = source.decode(encoding)
    bom = text.startswith("\ufeff")
    # Split as tokenize reads it (at "\n" only), so that line numbers agree.
    lines = io.StringIO(text.removeprefix("\ufeff")).readlines()
    open_lines, comments = _comment_places(text.removeprefix("\ufeff"))
    wanted: dict[int, set[str]] = defaultdict(set)
    left = []
    for finding in findings:
        # The end of the finding's span first (after a multi-line string), then its start.
        line = next((n for n in (finding.end_line, finding.line) if n in open_lines), None)
        if line is None:
            left.append(finding)
        else:
            wanted[line].add(finding.code)
    added = 0
    for line, codes in wanted.items():
        new = _with_noqa(lines[line - 1], comments.get(line), codes)
        if new != lines[line - 1]:
            lines[line - 1] = new
            added += 1
    if added:
        new_text = ("\ufeff" if bom else "") + "".join(lines)
        write_atomic(path, new_text.encode(encoding), expected=source)
    return added, left


def _comment_places(text: str) -> tuple[set[int], dict[int, tuple[int, str]]]:
    """Lines that end outside any string or continuation (a comment fits at their end), and
    each line's comment (its column and text)."""
    open_lines: set[int] = set()
    comments: dict[int, tuple[int, str]] = {}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.NEWLINE, tokenize.NL):
            open_lines.add(token.start[0])
        elif token.type == tokenize.COMMENT:
            comments[token.start[0]] = (token.start[1], token.string)
    return open_lines, comments


def _with_noqa(line: str, comment: tuple[int, str] | None, codes: set[str]) -> str:
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    if comment is not None:
        column, string = comment
        if _BARE_NOQA.search(string):
            return line  # already suppresses every code
        match = _NOQA_LIST.search(string)
        if match is not None:
            listed = [c for c in re.split(r"[\s,]+", match["codes"]) if c]
            new = listed + sorted(codes - {c.upper() for c in listed})
            if len(new) == len(listed):
                return line
            trailing = match["codes"][len(match["codes"].rstrip()) :]
            start = column + match.start()
            end = column + match.end()
            return body[:start] + "# noqa: " + ", ".join(new) + trailing + body[end:] + ending
    return body.rstrip(" \t") + "  # noqa: " + ", ".join(sorted(codes)) + ending
