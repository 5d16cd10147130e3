"""The request index: what a file's requests name, built once per file for every check that
judges a value by its request (MIG003 and MIG004 share one)."""

from __future__ import annotations

import pytest

from migrator.checks.requests import RequestIndex
from migrator.config import Settings
from migrator.kinds.python import check_source
from migrator.ruleset import RuleSet

SOURCE = b"""\
LIMIT = 50_000
client.chat.completions.create(model="gpt-4o-mini", max_tokens=LIMIT, modalities=["audio"])
"""


def test_one_index_serves_both_request_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[RequestIndex] = []
    original = RequestIndex.__init__

    def counting(self: RequestIndex, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(RequestIndex, "__init__", counting)
    result = check_source(SOURCE, "a.py", Settings(ruleset=RuleSet.load()), fix=False)
    assert {f.code for f in result.findings} >= {"MIG003", "MIG004"}
    assert len(made) == 1
