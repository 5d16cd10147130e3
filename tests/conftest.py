from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fixture_cases import FIXTURES


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A throwaway copy of fixtures/demo."""
    target = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", target)
    return target


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty directory, so no pyproject.toml above the test applies."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
