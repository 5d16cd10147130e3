"""The hook runs on every commit: the lint and fix paths must not import the openai SDK."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("openai", "httpx", "httpx2", "pydantic", "anyio")
PROBE = """
import sys
from migrator.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print("EXIT", code, file=sys.stderr)
print("HEAVY", sorted({m.split(".")[0] for m in sys.modules} & HEAVY), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "app.py"],
        ["lint", "--format", "sarif", "app.py"],
        ["fix", "app.py"],
        ["rules"],
        ["explain", "MIG001"],
    ],
)
def test_no_heavy_imports(in_tmp: Path, args: list[str]) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    done = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {set(HEAVY)!r}\n" + PROBE, *args],
        capture_output=True,
        text=True,
        cwd=in_tmp,
    )
    lines = done.stderr.splitlines()
    assert any(line.startswith("EXIT ") for line in lines), done.stderr
    assert "HEAVY []" in lines, done.stderr
