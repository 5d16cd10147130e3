"""MIG003/MIG004 on the demo project: the right lines, nothing on the negatives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import main


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        # reports.py: max_tokens=64_000 on gpt-4o; an input_audio part sent to gpt-4o-mini. Not
        # flagged: max_tokens=1_024, the image part, voice.py's audio to gpt-4o-audio-preview.
        # nightly.jsonl: the same two mistakes in Batch API request bodies.
        (
            "MIG003",
            [
                ("demo/batch/nightly.jsonl", 1, 123, "MIG003"),
                ("demo/support_bot/reports.py", 15, 20, "MIG003"),
            ],
        ),
        (
            "MIG004",
            [
                ("demo/batch/nightly.jsonl", 2, 203, "MIG004"),
                ("demo/support_bot/reports.py", 45, 30, "MIG004"),
            ],
        ),
    ],
)
def test_demo_lint_select(
    demo: Path, monkeypatch: pytest.MonkeyPatch, select: str, expected: list[tuple]
) -> None:
    monkeypatch.chdir(demo.parent)
    result = CliRunner().invoke(main, ["lint", "demo", "--select", select, "--format", "json"])
    assert result.exit_code == 1
    found = [(f["path"], f["line"], f["column"], f["code"]) for f in json.loads(result.stdout)]
    assert found == expected
