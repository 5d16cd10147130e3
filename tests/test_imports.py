"""Start-up: each command imports only what its path needs (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.cli import main

# Run the CLI in a fresh interpreter and report, at exit, which modules were imported.
_PROBE = """
import atexit, json, sys
atexit.register(lambda: print("\\0" + json.dumps(sorted(sys.modules))))
from migrator.cli import main
main(sys.argv[1:], prog_name="migrator")
"""

# Never needed to lint, list rules or print the version.
HEAVY = ("openai", "httpx", "pydantic", "multiprocessing", "concurrent", "difflib")


def _modules(*args: str, cwd: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=cwd, capture_output=True, text=True
    )
    assert done.returncode in (0, 1), done.stderr
    return set(json.loads(done.stdout.rpartition("\0")[2]))


def _loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in packages or m in packages)


def test_version_imports_no_engine(tmp_path: Path) -> None:
    modules = _modules("--version", cwd=tmp_path)
    assert not _loaded(modules, ("libcst", "pathspec", *HEAVY))
    assert "migrator.engine" not in modules


def test_lint_of_a_clean_file_imports_nothing_heavy(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("import os\n\nprint(os.getcwd())\n")
    modules = _modules("lint", "clean.py", cwd=tmp_path)
    assert "migrator.engine" in modules
    assert not _loaded(modules, HEAVY)


def test_rules_imports_nothing_heavy(tmp_path: Path) -> None:
    if "rules" not in main.commands:  # type: ignore[attr-defined]
        pytest.skip("no `migrator rules` command in this build")
    modules = _modules("rules", cwd=tmp_path)
    assert not _loaded(modules, HEAVY)


# Issue 14's pre-commit case: files named, the rest of the project read for the project view.
PRE_COMMIT = ("fix", "support_bot/answer.py", "support_bot/voice.py", "config/bot.yaml")


@pytest.mark.parametrize("args", [("lint", "."), PRE_COMMIT], ids=["lint", "pre-commit"])
def test_a_warm_run_never_imports_libcst(demo: Path, args: tuple[str, ...]) -> None:
    """Every file is answered from the cache (conftest gives each test its own): nothing needs
    LibCST, whose import costs more than the rest of such a run."""
    assert "libcst" in _modules(*args, cwd=demo)  # the cold run parses: the probe sees it
    assert not _loaded(_modules(*args, cwd=demo), ("libcst",))


def test_files_changed_outside_those_named_are_read_without_libcst(demo: Path) -> None:
    """The project view reads their facts again; only files to check need LibCST."""
    _modules(*PRE_COMMIT, cwd=demo)
    with (demo / "support_bot/reports.py").open("a") as module:
        module.write("# edited\n")
    notebook = demo / "notebooks/answer_quality.ipynb"
    cells = json.loads(notebook.read_text())
    cells["cells"][0]["source"].append("\n")
    notebook.write_text(json.dumps(cells))
    assert not _loaded(_modules(*PRE_COMMIT, cwd=demo), ("libcst",))


def test_a_named_file_the_screen_rules_out_is_checked_without_libcst(demo: Path) -> None:
    """A pre-commit run whose staged files were edited but name no model: the screen, built
    from the codes table, turns them away before LibCST is needed."""
    helper = demo / "support_bot/helpers.py"
    helper.write_text("def shout(text):\n    return text.upper()\n")
    _modules("fix", "support_bot/helpers.py", cwd=demo)
    helper.write_text("def shout(text):\n    return text.upper() + '!'\n")
    assert not _loaded(_modules("fix", "support_bot/helpers.py", cwd=demo), ("libcst",))
