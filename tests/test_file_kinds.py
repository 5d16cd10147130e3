"""Which files a walk picks up beyond Python, which checker each gets, and how they show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import main
from migrator.discovery import iter_paths
from migrator.filekinds import DEFAULT_INCLUDE
from migrator.kinds import kind_of


def touch(root: Path, *names: str, text: str = "x = 1\n") -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def walked(root: Path, include: tuple[str, ...] = DEFAULT_INCLUDE) -> list[str]:
    return sorted(
        Path(str(p)).resolve().relative_to(root).as_posix()
        for p in iter_paths([root], root=root, include=include)
    )


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("app.py", "python"),
        ("script", "python"),
        ("nb/Explore.ipynb", "notebook"),
        ("batch.jsonl", "jsonl"),
        ("events.ndjson", "jsonl"),
        ("config.json", "json"),
        ("CONFIG.YAML", "yaml"),
        ("ci.yml", "yaml"),
        ("pyproject.toml", "toml"),
        (".env", "env"),
        (".env.example", "env"),
        (".env.local", "env"),
        (".env.py", "env"),  # a .env.* file first, whatever its last suffix
        ("pkg/settings.json.py", "python"),
        ("prod.env", "env"),
        ("README.md", "docs"),
        ("index.rst", "docs"),
        ("page.mdx", "docs"),
        ("notes.rest", "docs"),
        ("stub.pyi", "python"),
    ],
)
def test_kind_of(name: str, kind: str) -> None:
    assert kind_of(name) == kind


def test_default_walk_picks_up_config_and_data_files(in_tmp: Path) -> None:
    touch(
        in_tmp,
        "app.py",
        "nb.ipynb",
        ".env",
        ".env.example",
        "a.yaml",
        "b.yml",
        "c.toml",
        "d.json",
        "e.jsonl",
        "f.ndjson",
        "prod.env",
        "README.md",
        "notes.txt",
        "nb/.ipynb_checkpoints/nb-checkpoint.ipynb",
    )
    assert walked(in_tmp) == [
        ".env",
        ".env.example",
        "a.yaml",
        "app.py",
        "b.yml",
        "c.toml",
        "d.json",
        "e.jsonl",
        "f.ndjson",
        "nb.ipynb",
        "prod.env",
    ]


def test_lock_files_are_skipped(in_tmp: Path) -> None:
    touch(in_tmp, "package-lock.json", "pnpm-lock.yaml", "npm-shrinkwrap.json", "x.lock.json")
    touch(in_tmp, "poetry.lock", "uv.lock", "package.json")
    assert walked(in_tmp, (*DEFAULT_INCLUDE, "*.lock")) == ["package.json"]


def test_gitignore_still_applies(in_tmp: Path) -> None:
    touch(in_tmp, ".env", ".env.example", "data/big.jsonl")
    (in_tmp / ".gitignore").write_text(".env\ndata/\n")
    assert walked(in_tmp) == [".env.example"]


def test_include_in_config_replaces_the_defaults(in_tmp: Path) -> None:
    touch(in_tmp, "a.yaml", "b.json", "deploy/app.cfg.yaml")
    touch(in_tmp, "scripts/run", text='MODEL = "gpt-4o"\n')
    (in_tmp / "pyproject.toml").write_text(
        '[tool.migrator]\ninclude = ["deploy/*.yaml", "scripts/*"]\n'
    )
    code, out, _ = invoke("lint", ".")
    assert code == 1
    assert out.startswith("scripts/run:1:9: MIG001")  # a Python script without a suffix
    assert "a.yaml" not in out and "b.json" not in out
    assert "(2 files checked)" in out  # deploy/app.cfg.yaml (nothing found) and scripts/run


def test_include_must_be_a_list(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.migrator]\ninclude = "*.yaml"\n')
    code, _, err = invoke("lint", ".")
    assert code == 2 and "include must be a list of gitignore-style patterns" in err


def _notebook(in_tmp: Path) -> Path:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["gpt-4o"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["%matplotlib inline\n", 'MODEL = "gpt-4o"'],
        },
    ]
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    path = in_tmp / "nb.ipynb"
    path.write_text(json.dumps(nb, indent=1) + "\n")
    return path


def test_notebook_findings_name_the_cell(in_tmp: Path) -> None:
    _notebook(in_tmp)
    code, out, _ = invoke("lint", ".")
    assert code == 1
    assert "nb.ipynb:cell 2:2:9: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'" in out
    _, out, _ = invoke("lint", "--format", "json", ".")
    [finding] = json.loads(out)
    assert (finding["path"], finding["cell"], finding["line"], finding["column"]) == (
        "nb.ipynb",
        2,
        2,
        9,
    )


def test_python_findings_have_no_cell_key(in_tmp: Path) -> None:
    touch(in_tmp, "app.py", text='MODEL = "gpt-4o"\n')
    _, out, _ = invoke("lint", "--format", "json", ".")
    assert "cell" not in json.loads(out)[0]


def test_fix_writes_notebook_and_config_files(in_tmp: Path) -> None:
    notebook = _notebook(in_tmp)
    touch(in_tmp, ".env.example", text="OPENAI_MODEL=gpt-4o  # chat\n")
    touch(in_tmp, "config.yaml", text="model: 'gpt-4o-mini'  # triage\n")
    code, out, _ = invoke("fix", ".")
    assert code == 0, out
    assert "Fixed 3 findings in 3 files" in out
    assert (in_tmp / ".env.example").read_text() == "OPENAI_MODEL=gpt-4.1  # chat\n"
    assert (in_tmp / "config.yaml").read_text() == "model: 'gpt-4.1-mini'  # triage\n"
    assert json.loads(notebook.read_text())["cells"][1]["source"][1] == 'MODEL = "gpt-4.1"'


def test_warnings_are_shown_and_do_not_change_the_exit_status(in_tmp: Path) -> None:
    touch(in_tmp, "tsconfig.json", text='{\n  // the model\n  "model": "gpt-4.1"\n}\n')
    touch(in_tmp, "bad.yaml", text="{{- if .Values.on }}\nmodel: gpt-4o\n{{- end }}\n")
    code, _, err = invoke("lint", ".")
    assert code == 0
    assert "bad.yaml: warning: not valid YAML" in err
    assert "tsconfig.json" not in err  # no model ID in it: not even parsed


def test_unparseable_notebook_is_an_error(in_tmp: Path) -> None:
    touch(in_tmp, "nb.ipynb", text='{"cells": [')
    code, _, err = invoke("lint", ".")
    assert code == 2 and "nb.ipynb: error: not a valid notebook" in err


def test_diff_marks_a_missing_final_newline_and_splits_lines_at_newlines_only(
    in_tmp: Path,
) -> None:
    (in_tmp / "a.json").write_text('{"note": "a\u2028b", "model": "gpt-4o"}')
    (in_tmp / "b.py").write_text('A = "gpt-4o"\n')
    code, out, _ = invoke("fix", "--diff", ".")
    assert code == 1
    assert out == (
        "--- a/a.json\n+++ b/a.json\n@@ -1 +1 @@\n"
        '-{"note": "a\u2028b", "model": "gpt-4o"}\n\\ No newline at end of file\n'
        '+{"note": "a\u2028b", "model": "gpt-4.1"}\n\\ No newline at end of file\n'
        '--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-A = "gpt-4o"\n+A = "gpt-4.1"\n'
    )


def test_every_kind_a_walk_picks_up_is_a_kind_the_checker_knows(in_tmp: Path) -> None:
    # One table: a walk never picks up a file that kind_of would then call by another kind.
    from migrator.filekinds import DOCS_INCLUDE, KINDS

    for kind in KINDS:
        for suffix in kind.suffixes:
            touch(in_tmp, f"{kind.name}/a{suffix}")
    found = walked(in_tmp, DEFAULT_INCLUDE + DOCS_INCLUDE)
    assert sorted(kind_of(name) for name in found) == sorted(
        kind.name for kind in KINDS for _ in kind.suffixes
    )


def test_python_is_a_kind_of_the_table_like_any_other() -> None:
    # Python's checker is a row of the table, loaded as every kind's is: no special case, and
    # no kind reaches for a module outside ``migrator.kinds`` to check its files.
    import importlib

    from migrator.filekinds import BY_NAME
    from migrator.kinds import checker_for
    from migrator.kinds.python import check_source

    assert checker_for("app.py") is check_source
    for kind in BY_NAME.values():
        module, function = kind.checker
        assert callable(getattr(importlib.import_module(f"migrator.kinds.{module}"), function))
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("migrator.runner")
