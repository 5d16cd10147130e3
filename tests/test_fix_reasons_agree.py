"""Why a MIG001 fix is unsafe reads the same in a ``.py`` file and in a data file: every reason
is written once, in ``migrator.checks.wording``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from migrator.checks import wording
from migrator.config import load_settings
from migrator.kinds import check_file
from migrator.project.verdicts import NONE

# Each kind's own judgement, without the project view (which would call a mapping keyed by
# model IDs, or a list of them, a catalogue, in every kind alike).
SETTINGS = replace(load_settings(cwd=Path("/")), verdicts=NONE)

SITUATIONS = {
    "a key": (
        wording.KEY,
        {
            "app.py": 'PRICES = {"gpt-4o": 2.5}\n',
            "a.json": '{"prices": {"gpt-4o": 2.5}}\n',
            "a.yaml": "prices:\n  gpt-4o: 2.5\n",
            "a.toml": '[prices]\n"gpt-4o" = 2.5\n',
        },
    ),
    "a duplicate in a list": (
        wording.duplicate("gpt-4.1"),
        {
            "app.py": 'MODELS = ["gpt-4o", "gpt-4.1"]\n',
            "a.json": '{"models": ["gpt-4o", "gpt-4.1"]}\n',
            "a.yaml": "models: [gpt-4o, gpt-4.1]\n",
            "a.toml": 'models = ["gpt-4o", "gpt-4.1"]\n',
        },
    ),
    "a deployment value": (
        wording.deployment_value("azure_deployment"),
        {
            "app.py": 'CONFIG = {"azure_deployment": "gpt-4o"}\n',
            "a.json": '{"azure_deployment": "gpt-4o"}\n',
            "a.yaml": "azure_deployment: gpt-4o\n",
            "a.toml": 'azure_deployment = "gpt-4o"\n',
        },
    ),
    "a deployment name": (
        wording.DEPLOYMENT_NAME,
        {
            "app.py": 'MODEL = "azure/gpt-4o"\n',
            "a.json": '{"model": "azure/gpt-4o"}\n',
            "a.yaml": "model: azure/gpt-4o\n",
            "a.env": "MODEL=azure/gpt-4o\n",
        },
    ),
}


def _reasons(name: str, text: str) -> list[str]:
    result = check_file(text.encode(), name, SETTINGS, fix=False)
    assert result.error is None, result.error
    return [f.fix.reason for f in result.findings if f.code == "MIG001" and f.fix is not None]


@pytest.mark.parametrize("situation", SITUATIONS, ids=list(SITUATIONS))
def test_one_situation_one_reason_in_every_kind(situation: str) -> None:
    reason, files = SITUATIONS[situation]
    found = {name: _reasons(name, text) for name, text in files.items()}
    assert found == {name: [reason] for name in files}
