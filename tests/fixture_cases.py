"""Before/after fixture cases: ``fixtures/<check>/<case>/``.

Each case folder holds ``input.py``, the expected ``fixed.py`` and ``findings.txt`` (what
``migrator fix`` leaves to report plus what it fixed, one ``line:col: CODE message`` a line),
and optionally ``options.toml`` ([tool.migrator] keys for that case). After a deliberate change,
``MIGRATOR_UPDATE_FIXTURES=1 pytest tests/checks`` rewrites the expected files; review the diff.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from migrator.config import Settings, load_settings
from migrator.formats.text import finding_line
from migrator.runner import check_source

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
UPDATE = os.environ.get("MIGRATOR_UPDATE_FIXTURES") == "1"


@dataclass(frozen=True)
class Case:
    folder: Path

    @property
    def id(self) -> str:
        return self.folder.name

    @property
    def input(self) -> Path:
        return self.folder / "input.py"

    def settings(self) -> Settings:
        options = self.folder / "options.toml"
        return load_settings(options if options.exists() else None, cwd=self.folder)


def cases(check: str) -> list[Case]:
    return [Case(d) for d in sorted((FIXTURES / check).iterdir()) if (d / "input.py").exists()]


def run_case(case: Case) -> tuple[str, bytes]:
    """The findings text and fixed source that ``migrator fix`` gives for the case."""
    source = case.input.read_bytes()
    result = check_source(source, "input.py", case.settings(), fix=True)
    assert result.error is None, result.error
    findings = sorted(result.findings + result.fixed, key=lambda f: f.sort_key)
    text = "".join(finding_line(f).removeprefix("input.py:") + "\n" for f in findings)
    return text, result.new_source if result.new_source is not None else source


def expected(case: Case, name: str, actual: str | bytes) -> str | bytes:
    """The case's expected file; written from ``actual`` when updating fixtures."""
    path = case.folder / name
    if UPDATE:
        path.write_bytes(actual if isinstance(actual, bytes) else actual.encode())
    if isinstance(actual, bytes):
        return path.read_bytes()
    return path.read_text(encoding="utf-8")
