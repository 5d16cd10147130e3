"""Broken and hostile sources: a clear message, the right exit status, and nothing lost.

Encodings, BOM/CRLF with a coding cookie, non-UTF-8 and syntax errors are covered in
test_cli.py; this file covers the rest.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from migrator.config import load_settings
from migrator.kinds.python import check_source
from migrator.nesting import MAX_BRACKETS, MAX_DEPTH, TOO_DEEP, nesting_problem
from tests.fixture_cases import FIXTURES
from tests.test_cli import invoke

GPT4O = b'A = "gpt-4o"\n'
GPT41 = b'A = "gpt-4.1"\n'


def migrator_process(*args: str, cwd: Path, raw: bool = False) -> subprocess.CompletedProcess[Any]:
    """The real command in its own process: a crash there cannot take the test run with it."""
    command = [sys.executable, "-m", "migrator", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=not raw, timeout=300)


# Sources LibCST's native parser overflows the stack on (SIGSEGV, the whole process dies).
DEEP_SOURCES = {
    "parens.py": "x = " + "(" * 20_000 + "1" + ")" * 20_000,
    "lines.py": "x = " + "(\n" * 20_000 + "1" + ")" * 20_000,
    "ands.py": "x = " + "a and " * 20_000 + "a",
    "unary.py": "x = " + "-" * 20_000 + "1",
    "lambdas.py": "x = " + "lambda: " * 5_000 + "1",
    "elifs.py": "if a:\n    pass\n" + "elif a:\n    pass\n" * 20_000,
    "in_fstring.py": "x = f'{" + "(" * 3_000 + "1" + ")" * 3_000 + "}'",
    "fstrings.py": "x = " + "f'{" * 3_000 + "1" + "}'" * 3_000,
}


def test_deep_nesting_is_reported_not_crashed_on(tmp_path: Path) -> None:
    # Each file names a model, so the pre-parse screens let it through to the parser's guard.
    head = 'MODEL = "gpt-4o"\n'
    for name, source in DEEP_SOURCES.items():
        (tmp_path / name).write_text(head + source + "\n")
    (tmp_path / "ok.py").write_bytes(GPT4O)
    done = migrator_process("fix", ".", cwd=tmp_path)
    assert done.returncode == 2, done.stderr  # not -11 (SIGSEGV)
    for name, source in DEEP_SOURCES.items():
        assert f"{name}: error: {TOO_DEEP}" in done.stderr
        assert (tmp_path / name).read_text() == head + source + "\n"
    assert (tmp_path / "ok.py").read_bytes() == GPT41  # the run went on


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "(" * MAX_BRACKETS + "1" + ")" * MAX_BRACKETS,  # CPython's own limit
        "x = " + "-" * (MAX_DEPTH - 10) + "1",
        "x = [" + ", ".join(["a + b - c"] * 100_000) + "]",  # long but flat
        "a = 1; " * 20_000,
        "@d\n" * 20_000 + "def f(): pass",
        "x = '" + "(" * 5_000 + "'",  # brackets in strings do not count
        "# " + "(" * 5_000,
        "x = f'{a}" + "{(b)}" * 5_000 + "'",  # many shallow fields
        "x = f'{\"(\" * 5000}'",
    ],
)
def test_nesting_guard_accepts_deep_enough_code(source: str) -> None:
    assert nesting_problem(source.encode()) is None


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "[" * (MAX_BRACKETS + 1) + "1" + "]" * (MAX_BRACKETS + 1),
        "x = " + "-" * MAX_DEPTH + "1",
        "x = " + "a.b" * MAX_DEPTH,
        "x = " + "'s' " * MAX_DEPTH,  # implicit concatenation nests
        "x = f'{" + "[" * (MAX_BRACKETS + 1) + "}'",
        'x = f"{' + "(')'," * (MAX_BRACKETS + 1) + '}"',  # closers hidden in strings
        "if a:\n    pass\n" + "elif b:\n    pass\n" * MAX_DEPTH,
    ],
)
def test_nesting_guard_refuses_beyond_the_limits(source: str) -> None:
    assert nesting_problem(source.encode()) == TOO_DEEP


@pytest.mark.parametrize("stage", ["_position", "replace_nodes"])
def test_recursion_in_a_later_pass_is_reported(monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    """Regression: a tree the walk could still visit made the position or fix pass raise
    RecursionError (at 139 nested lists, or 324 chained 'and's, on CPython 3.11), which
    escaped check_source and ended the run."""
    import migrator.kinds.libcst_pass

    def too_deep(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(migrator.kinds.libcst_pass, stage, too_deep)
    result = check_source(GPT4O, "x.py", load_settings(), fix=True)
    assert result.error == "too deeply nested to check"
    assert result.new_source is None


@pytest.mark.parametrize(
    ("template", "depths"),
    [
        ("x = {open}'gpt-4o'{close}", [*range(100, 200, 3), MAX_BRACKETS + 1]),
        ("x = {chain}'gpt-4o'", [*range(250, 450, 7), MAX_DEPTH]),
    ],
)
def test_trees_too_deep_for_a_later_pass_are_reported(template: str, depths: list[int]) -> None:
    """Around the depths where each pass gives up: an answer every time, never an exception."""
    settings = load_settings()
    outcomes = set()
    for n in depths:
        source = template.format(open="[" * n, close="]" * n, chain="a and " * n)
        result = check_source(source.encode() + b"\n", "x.py", settings, fix=True)
        if result.error is None:
            assert result.new_source is not None and b"gpt-4.1" in result.new_source
            outcomes.add("fixed")
        else:
            assert result.error.startswith("too deeply nested"), result.error
            outcomes.add("refused")
    assert outcomes == {"fixed", "refused"}  # the range spans the limit


def test_null_bytes(in_tmp: Path) -> None:
    raw = b'A = "gpt-4o"\x00\nB = 1\n'
    (in_tmp / "nul.py").write_bytes(raw)
    code, _, err = invoke("fix", "nul.py")
    assert code == 2
    assert "nul.py: error: syntax error" in err
    assert (in_tmp / "nul.py").read_bytes() == raw


@pytest.mark.parametrize(
    "raw",
    [
        b"# -*- coding: klingon -*-\n" + GPT4O,
        b"\xef\xbb\xbf# -*- coding: latin-1 -*-\n" + GPT4O,  # a BOM says UTF-8
        b"# coding: utf-8\n" + b'A = "gpt-4o"  # \xff\xfe\n',
    ],
)
def test_undecodable_sources(in_tmp: Path, raw: bytes) -> None:
    (in_tmp / "enc.py").write_bytes(raw)
    code, _, err = invoke("fix", "enc.py")
    assert code == 2
    assert "enc.py: error: cannot decode source" in err
    assert (in_tmp / "enc.py").read_bytes() == raw


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        # mixed line endings, each kept where it was, and a last line without one
        (
            b'A = "gpt-4o"\r\nB = "gpt-4o"\nC = "gpt-4o"\rD = 1\r\nE = "gpt-4o"',
            b'A = "gpt-4.1"\r\nB = "gpt-4.1"\nC = "gpt-4.1"\rD = 1\r\nE = "gpt-4.1"',
        ),
        (
            b'def f():\n\tif x:\n\t\treturn "gpt-4o"\n\treturn None\n',
            b'def f():\n\tif x:\n\t\treturn "gpt-4.1"\n\treturn None\n',
        ),
        (
            b'A = "gpt-4o"\x0c\n\x0c\nclass C:\n    m = "gpt-4o"\n    \x0c\n\x0c# page\n',
            b'A = "gpt-4.1"\x0c\n\x0c\nclass C:\n    m = "gpt-4.1"\n    \x0c\n\x0c# page\n',
        ),
        (b'A = "gpt-4o" \\\n    if x else None\n', b'A = "gpt-4.1" \\\n    if x else None\n'),
    ],
    ids=["mixed-line-endings", "tabs", "form-feeds", "backslash-continuation"],
)
def test_whitespace_is_kept_byte_for_byte(in_tmp: Path, raw: bytes, fixed: bytes) -> None:
    (in_tmp / "ws.py").write_bytes(raw)
    code, _, err = invoke("fix", "ws.py")
    assert code == 0, err
    assert (in_tmp / "ws.py").read_bytes() == fixed


@pytest.mark.parametrize(
    "raw",
    [
        b'\x0cA = "gpt-4o"\n',
        b'B = 1\n\x0cA = "gpt-4o"\n',
        b'if x:\n    B = 1\n\x0c    A = "gpt-4o"\n',
    ],
)
def test_sources_libcst_cannot_reproduce_are_left_alone(in_tmp: Path, raw: bytes) -> None:
    """Regression: LibCST drops a form feed that precedes a statement, so a fix deleted it."""
    (in_tmp / "ff.py").write_bytes(raw)
    code, out, err = invoke("fix", "ff.py")
    assert code == 2
    assert "ff.py: error: LibCST cannot reproduce this file byte for byte" in err
    assert "MIG001" in out  # the finding is still reported
    assert (in_tmp / "ff.py").read_bytes() == raw


@pytest.mark.parametrize("raw", [b"", b"\n", b"\xef\xbb\xbf", b"   ", b"\r\n\r\n"])
def test_empty_files(in_tmp: Path, raw: bytes) -> None:
    (in_tmp / "empty.py").write_bytes(raw)
    code, out, _ = invoke("fix", "empty.py")
    assert code == 0
    assert "1 file checked" in out
    assert (in_tmp / "empty.py").read_bytes() == raw


def test_a_directory_named_like_a_python_file(in_tmp: Path) -> None:
    (in_tmp / "x.py").mkdir()
    (in_tmp / "x.py" / "inner.py").write_bytes(GPT4O)
    for args in (["fix"], ["fix", "x.py"]):
        (in_tmp / "x.py" / "inner.py").write_bytes(GPT4O)
        code, _, err = invoke(*args)
        assert code == 0, err
        assert "error" not in err
        assert (in_tmp / "x.py" / "inner.py").read_bytes() == GPT41


def test_a_50_mb_file_is_skipped_with_a_notice(in_tmp: Path) -> None:
    big = in_tmp / "generated.py"
    line = b'MODELS = ["gpt-4o", "gpt-4o-mini"]  # ' + b"x" * 60 + b"\n"
    with big.open("wb") as handle:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    (in_tmp / "small.py").write_bytes(GPT4O)
    for args in (["fix"], ["fix", "generated.py", "small.py"]):  # walked or named: the same
        (in_tmp / "small.py").write_bytes(GPT4O)
        code, out, err = invoke(*args)
        assert code == 0, err  # a notice, not an error
        assert "generated.py: skipped: 50.0 MiB, over the 5.0 MiB limit" in err
        assert "max-file-size" in err
        assert "1 file skipped" in out
        assert (in_tmp / "small.py").read_bytes() == GPT41
    assert big.read_bytes().startswith(line)  # untouched


def test_the_size_limit_is_configurable(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_bytes(GPT4O * 10)  # 130 bytes
    (in_tmp / "pyproject.toml").write_text("[tool.migrator]\nmax-file-size = 100\n")
    code, _, err = invoke("lint")
    assert code == 0
    assert "app.py: skipped: 130 bytes, over the 100 bytes limit" in err
    (in_tmp / "pyproject.toml").write_text("[tool.migrator]\nmax-file-size = 0\n")
    code, out, err = invoke("lint", "-q")
    assert code == 1
    assert out.count("MIG001") == 10 and "skipped" not in err


def test_a_bug_in_a_check_costs_one_file_not_the_run(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import migrator.engine

    real = migrator.engine.check_file

    def flaky(source: bytes, path: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if path.endswith("boom.py"):
            raise ValueError("a check tripped")
        return real(source, path, *args, **kwargs)

    monkeypatch.setattr(migrator.engine, "check_file", flaky)
    (in_tmp / "boom.py").write_bytes(GPT4O)
    (in_tmp / "fine.py").write_bytes(GPT4O)
    code, _, err = invoke("fix")
    assert code == 2
    assert "boom.py: error: internal error (ValueError: a check tripped)" in err
    assert (in_tmp / "boom.py").read_bytes() == GPT4O
    assert (in_tmp / "fine.py").read_bytes() == GPT41


def test_fixed_files_still_parse_with_python(in_tmp: Path) -> None:
    source = b'# -*- coding: latin-1 -*-\nA = ("gpt-4o",\n     "x")  # caf\xe9\r\n'
    (in_tmp / "a.py").write_bytes(source)
    assert invoke("fix")[0] == 0
    ast.parse((in_tmp / "a.py").read_bytes())


# -- fix --diff: the diff applies with git apply and writes exactly what fix writes ------------


def _git_apply(patch: bytes, cwd: Path) -> None:
    env = {"PATH": os.environ["PATH"], "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    done = subprocess.run(
        ["git", "apply", "--whitespace=nowarn", "-"],
        input=patch,
        cwd=cwd,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _assert_diff_reproduces_fix(source: Path, tmp_path: Path, *options: str) -> None:
    for copy in ("diffed", "fixed", "applied"):
        shutil.copytree(source, tmp_path / copy, symlinks=True)
    done = migrator_process("fix", "--diff", *options, ".", cwd=tmp_path / "diffed", raw=True)
    patch = done.stdout
    assert b"Traceback" not in done.stderr
    assert _tree(tmp_path / "diffed") == _tree(source)  # --diff writes nothing
    migrator_process("fix", *options, ".", cwd=tmp_path / "fixed")
    _git_apply(patch, tmp_path / "applied")
    fixed, applied = _tree(tmp_path / "fixed"), _tree(tmp_path / "applied")
    assert fixed != _tree(source), "nothing was fixed: the test proves nothing"
    assert [name for name in fixed if fixed[name] != applied[name]] == []


def test_fix_diff_applies_and_reproduces_fix_for_every_fixture(tmp_path: Path) -> None:
    # Unsafe fixes too: the most rewrites, in every kind of file the fixtures hold.
    _assert_diff_reproduces_fix(FIXTURES, tmp_path, "--unsafe-fixes")


HOSTILE_DIFF_SOURCES = {
    "bom.py": b'\xef\xbb\xbfMODEL = "gpt-4o"\n',
    "bom_crlf.py": b'\xef\xbb\xbfA = "gpt-4o"\r\nB = "gpt-4o-mini"\r\n',
    "latin1.py": b'# -*- coding: latin-1 -*-\nNAME = "caf\xe9"\nMODEL = "gpt-4o"\n',
    "cp1252_crlf.py": b'# coding: cp1252\r\nQ = "\x93quoted\x94"\r\nMODEL = "gpt-4o"\r\n',
    "no_newline.py": b'MODEL = "gpt-4o"',
    "lone_cr.py": b'A = 1\rMODEL = "gpt-4o"\n',
    "bom.json": b'\xef\xbb\xbf{"model": "gpt-4o"}\n',
    "sp ace/x y.py": b'MODEL = "gpt-4o"\n',
    'q"uote\\back\ttab.py': b'MODEL = "gpt-4o"\n',
    "caf\xe9.py": b'MODEL = "gpt-4o"\n',
}


@pytest.mark.skipif(os.name != "posix", reason="file names with tabs and backslashes")
def test_fix_diff_keeps_bom_latin1_crlf_and_odd_names(tmp_path: Path) -> None:
    source = tmp_path / "source"
    for name, raw in HOSTILE_DIFF_SOURCES.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(raw)
    _assert_diff_reproduces_fix(source, tmp_path / "runs")
    fixed = _tree(tmp_path / "runs" / "fixed")
    assert fixed["bom.py"] == b'\xef\xbb\xbfMODEL = "gpt-4.1"\n'
    assert fixed["latin1.py"].endswith(b'NAME = "caf\xe9"\nMODEL = "gpt-4.1"\n')


# -- what LibCST cannot parse but Python can is the parser's limit, not the user's error -------


@pytest.mark.parametrize(
    "raw",
    [
        b'A = "gpt-4o"\r\nx = 1 \\\r\n',  # a backslash continuation with CRLF at the end
        b'A = "gpt-4o"\r\nx = 1 \\\r\n\\\r\n',
    ],
)
def test_libcst_rejects_what_cpython_accepts_not_supported_by_the_parser(
    in_tmp: Path, raw: bytes
) -> None:
    compile(raw, "crlf.py", "exec")  # Python accepts it
    (in_tmp / "crlf.py").write_bytes(raw)
    for command in ("lint", "fix"):
        code, _, err = invoke(command, "crlf.py")
        assert code == 2
        assert "crlf.py: error: not supported by the parser: Python accepts this file" in err
        assert "syntax error" not in err
        assert (in_tmp / "crlf.py").read_bytes() == raw


@pytest.mark.parametrize(
    "raw",
    [
        b'A = "gpt-4o"\nx = 1 \\\n',  # the same with LF: Python refuses it too
        b'A = "gpt-4o"\ndef (:\n',
    ],
)
def test_real_syntax_errors_are_still_syntax_errors(in_tmp: Path, raw: bytes) -> None:
    (in_tmp / "bad.py").write_bytes(raw)
    code, _, err = invoke("lint", "bad.py")
    assert code == 2
    assert "bad.py: error: syntax error" in err
