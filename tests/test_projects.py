"""Real-project fixtures: ``migrator fix`` on a copy of a small project, then its own tests.

Each folder under ``fixtures/projects/`` is a project with its own pytest tests (offline, with
a fake client) and an ``EXPECTED.toml`` that says which request sites a safe fix moves, which
sites and recorded files it leaves, and which project tests ``--unsafe-fixes`` may turn red and
why. A safe fix must keep every project test passing: these are the tests users care about.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from migrator import tomlcompat as tomllib
from migrator.cli import main
from tests.fixture_cases import FIXTURES
from tests.gitrepo import GIT_ENV

PROJECTS = FIXTURES / "projects"
NAMES = sorted(p.name for p in PROJECTS.iterdir() if (p / "EXPECTED.toml").is_file())

# Checks that needed the project-wide view of issue 13 (catalogues, coupling groups): none
# left, since that work is in.
NEEDS_CORE: set[tuple[str, str]] = set()
CORE_REASON = "needs project-wide view (issue 13 core)"


def _params(check: str) -> list[Any]:
    return [
        pytest.param(
            name,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=CORE_REASON)]
            if (name, check) in NEEDS_CORE
            else [],
        )
        for name in NAMES
    ]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GIT_"))}
    env.update(GIT_ENV)
    # The project's own tests need no plugin; loading hypothesis' and the like costs a second.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("MIGRATOR_UPDATE_FIXTURES", None)
    return env


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=_env(), capture_output=True, text=True, check=False, timeout=120
    )


def _git(cwd: Path, *args: str) -> None:
    done = _run(cwd, "git", *args)
    assert done.returncode == 0, done.stderr


@dataclass
class Project:
    name: str
    expected: dict[str, Any]
    # test id -> passed, after each run: "before", "safe", "unsafe"
    outcomes: dict[str, dict[str, bool]] = field(default_factory=dict)
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)  # run -> path -> bytes
    fix_output: dict[str, str] = field(default_factory=dict)

    def lines(self, run: str, site: str) -> str:
        path, line = site.rsplit(":", 1)
        return self.files[run][path].decode().splitlines()[int(line) - 1]


def _copy(name: str, target: Path) -> Path:
    shutil.copytree(
        PROJECTS / name, target, ignore=shutil.ignore_patterns("__pycache__", "EXPECTED.toml")
    )
    _git(target, "init", "-q", "-b", "main")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "project")
    return target


def _project_tests(root: Path) -> dict[str, bool]:
    """Each project test's id and whether it passed (a module that fails to import: none)."""
    report = root.parent / f"{root.name}-junit.xml"
    _run(
        root,
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--continue-on-collection-errors",
        f"--junitxml={report}",
    )
    outcomes = {}
    for case in ET.parse(report).iter("testcase"):
        module, name = case.get("classname", ""), case.get("name", "")
        if not module or not name:  # a collection error
            continue
        test_id = module.replace(".", "/") + ".py::" + name
        outcomes[test_id] = not any(child.tag in ("failure", "error") for child in case)
    report.unlink()
    return outcomes


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def _fix(name: str, target: Path, *flags: str) -> tuple[dict[str, bool], dict[str, bytes], str]:
    root = _copy(name, target)
    # In this process (the command as a user runs it, without a second start-up of LibCST),
    # from the project's root, as a user would run it.
    cwd = os.getcwd()
    os.chdir(root)
    try:
        done = CliRunner().invoke(main, ["fix", *flags], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert done.exit_code in (0, 1), done.stderr
    return _project_tests(root), _snapshot(root), done.stdout + done.stderr


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Project]:
    """Each project, run once per module: its tests before, after ``fix``, after
    ``fix --unsafe-fixes`` (three copies, so the runs do not see each other)."""
    out = {}
    for name in NAMES:
        expected = tomllib.loads((PROJECTS / name / "EXPECTED.toml").read_text())
        project = Project(name, expected)
        base = tmp_path_factory.mktemp(name)
        before = _copy(name, base / "before")
        project.outcomes["before"] = _project_tests(before)
        project.files["before"] = _snapshot(before)
        for run, flags in (("safe", ()), ("unsafe", ("--unsafe-fixes",))):
            tests, files, output = _fix(name, base / run, *flags)
            project.outcomes[run], project.files[run], project.fix_output[run] = (
                tests,
                files,
                output,
            )
        out[name] = project
    return out


def _failing(project: Project, run: str) -> set[str]:
    after = project.outcomes[run]
    return {test for test, passed in project.outcomes["before"].items() if not after.get(test)}


def test_every_project_has_tests_and_expectations() -> None:
    assert len(NAMES) >= 3
    for name in NAMES:
        root = PROJECTS / name
        assert (root / "pyproject.toml").is_file() or (root / "conftest.py").is_file()
        expected = tomllib.loads((root / "EXPECTED.toml").read_text())
        assert expected["moves"], f"{name}: a safe fix must move at least one request"
        # Every site names a line that holds the ID it names (a typo would check nothing).
        for site, model in [(m["site"], m["from"]) for m in expected["moves"]] + [
            (s["site"], s["id"]) for s in expected.get("stays", [])
        ]:
            path, line = site.rsplit(":", 1)
            assert f'"{model}"' in (root / path).read_text().splitlines()[int(line) - 1], site
        for path in [*expected.get("recorded", {}), *expected.get("unsafe", {})]:
            assert (root / path.split("::")[0]).is_file(), path


@pytest.mark.parametrize("name", NAMES)
def test_project_tests_pass_before_the_fix(projects: dict[str, Project], name: str) -> None:
    outcomes = projects[name].outcomes["before"]
    assert outcomes and all(outcomes.values()), outcomes


@pytest.mark.parametrize("name", _params("safe_tests_pass"))
def test_safe_fix_keeps_every_project_test_passing(projects: dict[str, Project], name: str) -> None:
    project = projects[name]
    assert _failing(project, "safe") == set(), project.fix_output["safe"]


@pytest.mark.parametrize("name", _params("moves"))
def test_safe_fix_moves_the_listed_requests(projects: dict[str, Project], name: str) -> None:
    project = projects[name]
    for move in project.expected["moves"]:
        before, after = project.lines("before", move["site"]), project.lines("safe", move["site"])
        assert f'"{move["from"]}"' in before, move
        assert f'"{move["to"]}"' in after and f'"{move["from"]}"' not in after, move


@pytest.mark.parametrize("name", _params("stays"))
def test_safe_fix_leaves_catalogues_and_coupled_sites(
    projects: dict[str, Project], name: str
) -> None:
    project = projects[name]
    moved = [
        (stay["site"], stay["why"])
        for stay in project.expected.get("stays", [])
        if project.lines("safe", stay["site"]) != project.lines("before", stay["site"])
    ]
    assert moved == []


@pytest.mark.parametrize("name", _params("recorded"))
@pytest.mark.parametrize("run", ["safe", "unsafe"])
def test_fix_never_rewrites_recorded_data(
    projects: dict[str, Project], name: str, run: str
) -> None:
    project = projects[name]
    changed = [
        path
        for path in project.expected.get("recorded", {})
        if project.files[run][path] != project.files["before"][path]
    ]
    assert changed == []


@pytest.mark.parametrize("name", _params("unsafe_tests"))
def test_unsafe_fixes_change_only_the_listed_tests(projects: dict[str, Project], name: str) -> None:
    project = projects[name]
    allowed = set(project.expected.get("unsafe", {}))
    assert _failing(project, "unsafe") - allowed == set(), project.fix_output["unsafe"]
