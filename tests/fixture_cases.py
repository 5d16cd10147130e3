"""Before/after fixture cases: ``fixtures/<group>/<case>/``.

Each case folder holds one input file, ``input.<suffix>`` (``input.py``, ``input.ipynb``,
``input.yaml`` ...: the suffix picks the file kind), the expected ``fixed.<suffix>`` and
``findings.txt`` (what ``migrator fix`` leaves to report plus what it fixed, one
``line:col: CODE message`` a line, then any ``warning: ...`` lines), and optionally
``options.toml`` ([tool.migrator] keys for that case; ``rules`` names the case's rule set, a
bundled name or a file in the case folder, else every case runs ``FIXTURE_RULES``, named
here rather than taken from the default). Shutdown dates are seen from ``FIXTURE_TODAY``, so
messages do not change with the calendar. After a deliberate change,
``MIGRATOR_UPDATE_FIXTURES=1 pytest tests`` rewrites the expected files; review the diff.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

from migrator import tomlcompat as tomllib
from migrator.config import Settings, load_settings
from migrator.formats.text import finding_line
from migrator.kinds import check_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
UPDATE = os.environ.get("MIGRATOR_UPDATE_FIXTURES") == "1"
FIXTURE_RULES = "gpt-4.1"
FIXTURE_TODAY = "2026-12-01"


@dataclass(frozen=True)
class Case:
    folder: Path

    @property
    def id(self) -> str:
        return self.folder.name

    @property
    def input(self) -> Path:
        found = sorted(self.folder.glob("input.*"))
        assert len(found) == 1, f"{self.folder}: expected one input.* file, found {found}"
        return found[0]

    @property
    def fixed_name(self) -> str:
        """``fixed`` with the input's suffix(es): input.ipynb -> fixed.ipynb."""
        return "fixed" + self.input.name[len("input") :]

    @property
    def options(self) -> Path | None:
        options = self.folder / "options.toml"
        return options if options.exists() else None

    def settings(self) -> Settings:
        options = self.options
        named = options is not None and "rules" in tomllib.loads(options.read_text("utf-8"))
        return load_settings(
            options,
            cwd=self.folder,
            rules_path=None if named else FIXTURE_RULES,
            today=FIXTURE_TODAY,
        )


def cases(group: str) -> list[Case]:
    folders = sorted((FIXTURES / group).iterdir())
    return [Case(d) for d in folders if d.is_dir() and any(d.glob("input.*"))]


def run_case(case: Case) -> tuple[str, bytes]:
    """The findings text and fixed source that ``migrator fix`` gives for the case."""
    source = case.input.read_bytes()
    name = case.input.name
    result = check_file(source, name, case.settings(), fix=True)
    assert result.error is None, result.error
    findings = sorted(result.findings + result.fixed, key=lambda f: f.sort_key)
    lines = [finding_line(f).removeprefix(f"{name}:") for f in findings]
    lines += [f"warning: {warning}" for warning in result.warnings]
    text = "".join(line + "\n" for line in lines)
    return text, result.new_source if result.new_source is not None else source


def expected(case: Case, name: str, actual: str | bytes) -> str | bytes:
    """The case's expected file; written from ``actual`` when updating fixtures."""
    path = case.folder / name
    if UPDATE:
        path.write_bytes(actual if isinstance(actual, bytes) else actual.encode())
    if isinstance(actual, bytes):
        return path.read_bytes()
    return path.read_text(encoding="utf-8")


def assert_fixture(case: Case) -> None:
    """A Python case's findings and fixed source are as expected, and the fixed source parses."""
    findings, fixed = run_case(case)
    assert findings == expected(case, "findings.txt", findings)
    assert fixed == expected(case, case.fixed_name, fixed)
    ast.parse(fixed)


def assert_idempotent(case: Case) -> None:
    """Fixing the fixed source changes nothing."""
    _, fixed = run_case(case)
    result = check_file(fixed, case.input.name, case.settings(), fix=True)
    assert result.error is None
    assert result.new_source is None
    assert not result.fixed
