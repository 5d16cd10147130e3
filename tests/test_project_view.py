"""The project-wide view: files judged with the rest of their project, whichever are named."""

from __future__ import annotations

import ast
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from migrator import engine
from migrator.config import load_settings
from migrator.formats.text import finding_line
from migrator.project.gather import Gatherer
from tests.fixture_cases import FIXTURES

PROJECT = {
    "pyproject.toml": "[tool.migrator]\n",
    "shop/__init__.py": "",
    "shop/pricing.py": 'PRICES = {"gpt-4o": 2.5, "gpt-4o-mini": 0.15}\n',
    "shop/app.py": (
        "from shop.pricing import PRICES\n"
        "\n"
        "def ask(client):\n"
        '    reply = client.responses.create(model="gpt-4o", input="hi")\n'
        "    return reply, PRICES[reply.model]\n"
    ),
    "shop/models.py": 'DEFAULT = "gpt-4.5-preview"\n',
    "tests/test_models.py": (
        "from shop import models\n"
        "\n"
        "def test_default():\n"
        '    assert models.DEFAULT == "gpt-4.5-preview"\n'
    ),
    # Not imported by the test above: its gpt-4.5-preview moves safely.
    "examples/script.py": 'SUMMARY = "gpt-4.5-preview"\n',
    # Data a module names is reached through it.
    "config/bot.yaml": "model: gpt-4o-2024-08-06\n",
    "tests/test_config.py": (
        'CONFIG = "config/bot.yaml"\n'
        "\n"
        "def test_model(load):\n"
        '    assert load(CONFIG)["model"] == "gpt-4o-2024-08-06"\n'
    ),
}


def make(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def lines(result: engine.RunResult) -> list[str]:
    found = sorted(result.findings + result.fixed, key=lambda f: f.sort_key)
    return [finding_line(f) for f in found]


def run(root: Path, *paths: str, unsafe: bool = False, jobs: int = 1) -> engine.RunResult:
    settings = load_settings(cwd=root, unsafe_fixes=unsafe)
    targets = [Path(p) for p in paths] or [Path(".")]
    return engine.run(targets, settings, engine.Mode.FIX, allow_dirty=True, jobs=jobs)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make(tmp_path / "proj", PROJECT)
    monkeypatch.chdir(root)
    return root


def test_a_price_table_in_another_module_couples_the_request(project: Path) -> None:
    result = run(project)
    [request] = [f for f in result.findings if f.path == "shop/app.py"]
    assert request.fix is not None and not request.fix.safe
    assert "coupled with the catalogue at shop/pricing.py:1" in request.fix.reason
    assert 'model="gpt-4o"' in (project / "shop/app.py").read_text()
    assert all(
        f.fix is not None and f.fix.display_only
        for f in result.findings
        if f.path == "shop/pricing.py"
    )


def test_a_test_lookup_couples_only_what_the_test_reaches(project: Path) -> None:
    result = run(project)
    [default] = [f for f in result.findings if f.path == "shop/models.py"]
    assert default.fix is not None
    assert default.fix.reason.startswith("coupled with the comparison at tests/test_models.py:4")
    # The example script is not imported by any test: its fix is safe and applied.
    assert (project / "examples/script.py").read_text() == 'SUMMARY = "gpt-4.1"\n'
    # The YAML file is named by a test module: coupled with its assertion.
    [config] = [f for f in result.findings if f.path == "config/bot.yaml"]
    assert config.fix is not None
    assert "the comparison at tests/test_config.py:4" in config.fix.reason


def test_a_lookup_in_code_couples_values_anywhere(project: Path) -> None:
    (project / "shop/router.py").write_text('def route(m):\n    return m == "gpt-4.5-preview"\n')
    result = run(project)
    [script] = [f for f in result.findings if f.path == "examples/script.py"]
    assert script.fix is not None and "shop/router.py:2" in script.fix.reason


def test_unsafe_fixes_move_the_value_and_its_lookups_together(project: Path) -> None:
    run(project, unsafe=True)
    assert (project / "shop/models.py").read_text() == 'DEFAULT = "gpt-4.1"\n'
    assert '== "gpt-4.1"' in (project / "tests/test_models.py").read_text()
    # Catalogue entries are never rewritten, not even then.
    assert (project / "shop/pricing.py").read_text() == PROJECT["shop/pricing.py"]


@pytest.mark.parametrize("name", ["shop/app.py", "shop/models.py", "examples/script.py"])
def test_naming_one_file_judges_it_with_its_project(
    project: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = shutil.copytree(project, project.parent / "whole")
    monkeypatch.chdir(whole)
    expected = [line for line in lines(run(whole)) if line.startswith(name + ":")]
    monkeypatch.chdir(project)
    assert expected and lines(run(project, name)) == expected


def test_a_named_file_in_a_subfolder_finds_its_project(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "shop")
    settings = load_settings(cwd=project / "shop")
    result = engine.run([Path("models.py")], settings, engine.Mode.LINT)
    [default] = result.findings
    assert default.fix is not None and "tests/test_models.py:4" in default.fix.reason


def test_pooled_and_in_process_runs_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = dict(PROJECT)
    for i in range(engine.POOL_THRESHOLD + 10):
        files[f"shop/gen_{i}.py"] = (
            f'MODEL_{i} = "gpt-4o"\nif MODEL_{i} == "gpt-4o-mini":\n    pass\n'
        )
    outcomes = []
    for jobs in (1, 2):
        root = make(tmp_path / f"copy{jobs}", files)
        monkeypatch.chdir(root)
        result = run(root, jobs=jobs)
        texts = {p.as_posix(): p.read_text() for p in sorted(root.rglob("*.py"))}
        outcomes.append((lines(result), sorted(result.changed_files), list(texts.values())))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("mode", list(engine.Mode))
def test_a_cold_run_reads_a_file_once_unless_the_view_judges_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: engine.Mode
) -> None:
    """The view's facts and the file's checks come from one read; a file is read again only
    to be checked knowing its verdicts, or (``fix``) to be written once they are known."""
    import migrator.project.view as view

    reads: list[str] = []
    views: list[view.ProjectView] = []

    def counted(real: Callable[..., Any]) -> Callable[..., Any]:
        def read(path: str, *args: object, **kwargs: object) -> Any:
            reads.append(Path(path).as_posix())
            return real(path, *args, **kwargs)

        return read

    def build_view(*args: Any, **kwargs: Any) -> Any:
        built = real_build_view(*args, **kwargs)
        views.append(built[0])
        return built

    real_build_view = engine.build_view
    monkeypatch.setattr(engine, "read_regular_stat", counted(engine.read_regular_stat))
    monkeypatch.setattr(view, "read_regular_stat", counted(view.read_regular_stat))
    monkeypatch.setattr(engine, "build_view", build_view)
    root = make(tmp_path, PROJECT)
    monkeypatch.chdir(root)
    gatherer = Gatherer(load_settings(cwd=root).ruleset)
    models = {p for p in PROJECT if gatherer.mentions((root / p).read_bytes())}
    engine.run([Path(".")], load_settings(cwd=root), mode, allow_dirty=True, jobs=1)
    [seen] = views
    judged = {os.path.relpath(k, root) for k, v in seen.verdicts.items() if v.by_site}
    assert judged and reads and models - judged  # the project has files of each sort
    # `fix` writes the files that name a retiring model, once the view has decided: it
    # checks them then, once.
    again = models if mode is engine.Mode.FIX else judged
    for path in sorted(set(reads)):
        assert reads.count(path) == (2 if path in again else 1), path


def test_a_cold_run_parses_each_read_of_a_module_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The view's facts and the screen read one `ast` of each read of a file (a module the
    view judges is read, and so parsed, twice)."""
    import ast

    from migrator import ast_trees

    parsed: list[bytes | str] = []
    real_parse = ast.parse

    def parse(source: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(source)
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(ast_trees.ast, "parse", parse)
    root = make(tmp_path, PROJECT)
    monkeypatch.chdir(root)
    engine.run([Path(".")], load_settings(cwd=root), engine.Mode.LINT, jobs=1)
    modules = [s for s in parsed if isinstance(s, bytes)]
    named = [s for s in modules if b"gpt-4" in s]
    assert named  # the modules that name a model are parsed
    pricing = (root / "shop/pricing.py").read_bytes()  # a catalogue: read twice
    app = (root / "shop/app.py").read_bytes()  # a lookup in it, coupled: read twice too
    script = (root / "examples/script.py").read_bytes()  # no verdict: read once
    assert modules.count(pricing) == 2 and modules.count(app) == 2
    assert modules.count(script) == 1


@pytest.mark.parametrize(
    "path",
    "| a.py a/b.py ./a.py a/./b.py a/../b.py a//b.py /x/y /x/../y a/ .. ../a . a/. a/.. "
    ".hidden/x.py a/..b/c a./b / //x a/.../b".replace("|", "").split(" "),
)
def test_a_key_is_the_absolute_path_whatever_the_spelling(path: str) -> None:
    from migrator.project.view import key

    assert key(path) == os.path.normcase(os.path.abspath(path))


@pytest.mark.parametrize("python", [False, True])
def test_a_file_mentions_a_model_when_its_bytes_hold_any_id(python: bool) -> None:
    """The needles that hold another are left out of the scan, never out of the answer."""
    from migrator.ruleset import RuleSet

    ruleset = RuleSet.load()
    gatherer = Gatherer(ruleset)
    named = [*ruleset.sources, *(ruleset.targets if python else ())]
    for model in named:
        assert gatherer.mentions(f'x = "{model}"\n'.encode(), python=python), model
    assert not gatherer.mentions(b'x = "gpt-4"  # gpt-5 gpt-4-turbo\n', python=python)
    if not python:
        assert not gatherer.mentions(b'x = "gpt-4.1"\n')


def test_many_needles_are_scanned_by_one_pattern() -> None:
    from migrator.project.gather import _AnyOf

    few, many = _AnyOf([b"ab", b"xab", b"cd"]), _AnyOf([b"m%d-" % i for i in range(20)])
    assert few.found_in(b"..cd..") and few.found_in(b"xab") and not few.found_in(b"a b c d")
    assert many.found_in(b"..m17-..") and not many.found_in(b"m17")


def test_a_notebook_s_facts_parse_only_the_cells_that_name_a_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json

    from migrator import ast_trees
    from migrator.ruleset import RuleSet

    parsed: list[object] = []
    real_parse = ast_trees.parse
    monkeypatch.setattr(
        "migrator.project.python_facts.ast_trees.parse", lambda s: parsed.append(s) or real_parse(s)
    )
    cells = ["import os\n", 'MODEL = "gpt-4o"\n', "%time x = 1 % 2\n"]
    notebook = {"cells": [{"cell_type": "code", "source": c} for c in cells]}
    facts = Gatherer(RuleSet.load()).facts("a.ipynb", json.dumps(notebook).encode())
    assert parsed == ['MODEL = "gpt-4o"\n']
    assert [o.cell for o in facts.occurrences] == [2] and facts.imports == ("os",)


def test_the_facts_walk_every_node_in_the_order_of_ast_walk() -> None:
    # The first rule to claim a literal wins: the walk's order is part of what a module means.
    from migrator.project.python_facts import _walk

    source = (FIXTURES / "safety" / "catalogue_dict" / "input.py").read_text()
    tree = ast.parse(source + "match m:\n    case 'gpt-4o':\n        pass\nf'{x!r:>{w}}'\n")
    assert _walk(tree) == list(ast.walk(tree))


def test_the_facts_read_no_ast_class_newer_than_python_3_9(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On 3.9, `ast.MatchValue` does not exist: reading it raised, the view took the module for
    # unreadable, and a value coupled with a comparison got a safe fix.
    monkeypatch.delattr(ast, "MatchValue")
    gatherer = Gatherer(load_settings(None).ruleset)
    source = b'MODEL = "gpt-4o"\nif m == "gpt-4o":\n    pass\n'
    roles = [o.role for o in gatherer.facts("app.py", source).occurrences]
    assert roles == ["value", "lookup"]
