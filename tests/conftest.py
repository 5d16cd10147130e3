from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from migrator.lifecycle import TODAY_VARIABLE
from migrator.project import view
from tests.fixture_cases import FIXTURE_TODAY, FIXTURES

# Shutdown dates are seen from a day: the suite's messages, notes and exit codes must not change
# with the calendar (tests of the clock itself unset or override it).
os.environ[TODAY_VARIABLE] = FIXTURE_TODAY
_FIXTURES = FIXTURES.resolve()


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with an empty cache of its own, outside the trees it checks (runs
    over fixtures/ would otherwise leave .migrator_cache folders in the repository)."""
    monkeypatch.setenv("MIGRATOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("MIGRATOR_NO_CACHE", raising=False)


_root_of = view._root_of


def _fixture_root(start: Path, nearest_config: Callable[[str], str | None] | None) -> Path:
    if start.is_relative_to(_FIXTURES):
        return start
    return _root_of(start, nearest_config)


@pytest.fixture(autouse=True)
def _fixtures_are_projects_of_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run over a fixture sees that fixture's folder as its project, as a user's run sees a
    folder with its own pyproject.toml. Otherwise the project is this repository (the git work
    tree around fixtures/): the view of every run over one fixture would read the facts of all
    of them (400 files, a second a run), and a fixture's results could hang on another's."""
    monkeypatch.setattr(view, "_root_of", _fixture_root)


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


# -- hypothesis profiles ----------------------------------------------------------------------
# The base example count: each property test scales it by its cost (tests/test_properties.py:
# realistic calls x3, spliced hypothesmith code x1, LibCST-generated code x0.25, bytes x1).
# dev is the local default (seconds); ci, the default when CI=true, runs 700 x 5.25 = 3,675
# examples in about 90 s on 2 cores; slow (`pytest --slow`) ten times that.
PROFILES = {"dev": 50, "ci": 700, "slow": 7000}
for _name, _examples in PROFILES.items():
    settings.register_profile(
        _name,
        max_examples=_examples,
        deadline=None,  # LibCST's first parse of a session is slow; timing is not the property
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        help=f"run the property tests with the 'slow' hypothesis profile ({PROFILES['slow']})",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--slow"):
        settings.load_profile("slow")
    elif os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        settings.load_profile("ci")
    else:
        settings.load_profile("dev")
