"""``--write-baseline`` and ``--baseline``: accept today's findings, report only new ones.

An entry is keyed by the file (relative to the baseline file), the code, the text of the
finding's line (stripped) and which occurrence of that (file, code, text) it is: moving code up
or down, or adding lines above it, keeps the entries valid; changing the line itself makes its
finding new again. Line numbers are kept for people reading the file, never matched on.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from migrator.findings import Finding

VERSION = 1
Key = tuple[str, str, str, int]  # path, code, line text, occurrence


class BaselineError(Exception):
    """The baseline file cannot be read or written; the CLI exits 2 with this message."""


def write(baseline: Path, findings: Iterable[Finding]) -> int:
    """Record ``findings`` in ``baseline``; returns how many."""
    findings = sorted(findings, key=lambda f: f.sort_key)
    entries = [
        {
            "path": path,
            "code": code,
            "line_text": text,
            "occurrence": occurrence,
            "line": finding.line,
            "message": finding.message,
        }
        for finding, (path, code, text, occurrence) in zip(findings, keys(findings, baseline))
    ]
    data = {"version": VERSION, "findings": entries}
    try:
        if baseline.parent != Path(""):
            baseline.parent.mkdir(parents=True, exist_ok=True)
        baseline.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    except OSError as exc:
        raise BaselineError(f"{baseline}: cannot write: {exc.strerror or exc}") from exc
    return len(entries)


def load(baseline: Path) -> Counter[Key]:
    try:
        data = json.loads(baseline.read_text("utf-8"))
    except OSError as exc:
        raise BaselineError(f"{baseline}: cannot read: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise BaselineError(f"{baseline}: not a baseline file (invalid JSON: {exc})") from exc
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise BaselineError(
            f"{baseline}: not a baseline file of version {VERSION} (write one with "
            "--write-baseline)"
        )
    entries = data.get("findings")
    out: Counter[Key] = Counter()
    for entry in entries if isinstance(entries, list) else [None]:
        try:
            out[_key(entry)] += 1
        except (TypeError, KeyError, ValueError):
            raise BaselineError(f"{baseline}: malformed entry {entry!r}") from None
    return out


def _key(entry: Any) -> Key:
    path, code, text, occurrence = (
        entry["path"],
        entry["code"],
        entry["line_text"],
        entry["occurrence"],
    )
    if not all(isinstance(v, str) for v in (path, code, text)) or not isinstance(occurrence, int):
        raise ValueError
    return (path, code, text, occurrence)


def new_findings(baseline: Path, findings: list[Finding]) -> tuple[list[Finding], int]:
    """The findings not recorded in ``baseline``, and how many were."""
    known = load(baseline)
    kept = []
    for finding, key in zip(findings, keys(findings, baseline)):
        if known[key] > 0:
            known[key] -= 1
        else:
            kept.append(finding)
    return kept, len(findings) - len(kept)


def keys(findings: list[Finding], baseline: Path) -> list[Key]:
    """One key per finding, in order (``findings`` sorted as a run sorts them)."""
    base = os.path.dirname(os.path.abspath(baseline))
    lines = _Lines()
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for finding in findings:
        path = os.path.relpath(os.path.abspath(finding.path), base).replace(os.sep, "/")
        text = lines.text(finding)
        occurrence = seen[(path, finding.code, text)]
        seen[(path, finding.code, text)] += 1
        out.append((path, finding.code, text, occurrence))
    return out


class _Lines:
    """The text of a finding's line, from the file as it is now (each file read once)."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, int | None], list[str]] = {}

    def text(self, finding: Finding) -> str:
        where = (finding.path, finding.cell)
        if where not in self._files:
            self._files[where] = _read_lines(finding.path, finding.cell)
        lines = self._files[where]
        index = finding.line - 1
        return lines[index].strip() if 0 <= index < len(lines) else ""


def _read_lines(path: str, cell: int | None) -> list[str]:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    if cell is not None:
        try:
            source = json.loads(text)["cells"][cell - 1]["source"]
        except (ValueError, LookupError, TypeError):
            return []
        text = "".join(source) if isinstance(source, list) else str(source)
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
