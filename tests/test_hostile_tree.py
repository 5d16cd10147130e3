"""Hostile trees (issue 17): whatever the tree, the config or the machine does, a run ends, with
a clear per-file error where something is wrong, and goes on with the other files.

A test that would hang or exhaust memory on a regression runs migrator in a subprocess with a
timeout and a memory cap, so it fails instead of taking the test run down.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

GPT4O = b'A = "gpt-4o"\n'
GPT41 = b'A = "gpt-4.1"\n'
POSIX = os.name == "posix"


def bounded_run(
    *args: str, cwd: Path, timeout: float = 20, memory: int = 1 << 30
) -> subprocess.CompletedProcess[str]:
    """``python -m migrator ARGS`` in its own process, killed after ``timeout`` seconds and
    capped at ``memory`` bytes of address space (a regression fails the test, not the machine)."""

    def cap() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    command = [sys.executable, "-m", "migrator", *args]
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=cap if POSIX else None,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _memory_cap(memory: int = 1 << 30) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def invoke_in(cwd: Path, *args: str) -> tuple[int, str, str]:
    """The command in this process (fast), run from ``cwd``."""
    from tests.test_cli import invoke

    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return invoke(*args)
    finally:
        os.chdir(previous)


def _git() -> str | None:
    import shutil

    return shutil.which("git")


def make_char_device(path: Path) -> None:
    """A node like /dev/zero (reads never end) under a checked name; skip where not allowed."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o644, os.makedev(1, 5))
    except (OSError, AttributeError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")


# -- 1. FIFOs and devices --------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
@pytest.mark.parametrize("command", ["lint", "fix"])
def test_fifo_and_device_in_a_walked_tree_are_skipped(tmp_path: Path, command: str) -> None:
    os.mkfifo(tmp_path / "x.py")
    make_char_device(tmp_path / "z.py")
    (tmp_path / "ok.py").write_bytes(GPT4O)
    done = bounded_run(command, ".", cwd=tmp_path)
    assert "x.py: skipped: a named pipe (FIFO), not a regular file" in done.stderr
    assert "z.py: skipped: a character device, not a regular file" in done.stderr
    assert "Traceback" not in done.stderr
    if command == "fix":
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "ok.py").read_bytes() == GPT41  # the run went on
    else:
        assert done.returncode == 1, done.stderr
        assert "ok.py:1:5: MIG001" in done.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_and_device_named_on_the_command_line_are_errors(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.py")
    make_char_device(tmp_path / "z.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    (tmp_path / "ok.py").write_bytes(GPT4O)
    done = bounded_run("fix", "x.py", "z.py", "zero.py", "/dev/zero", "ok.py", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "x.py: error: cannot read: a named pipe (FIFO), not a regular file" in done.stderr
    assert "z.py: error: cannot read: a character device, not a regular file" in done.stderr
    assert "zero.py: error: cannot read: a character device, not a regular file" in done.stderr
    assert "/dev/zero: error: cannot read: a character device, not a regular file" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "ok.py").read_bytes() == GPT41


def test_a_file_swapped_for_a_fifo_after_the_check_is_not_blocked_on(tmp_path: Path) -> None:
    from migrator.files import NotRegularFile, read_regular

    fifo = tmp_path / "x.py"
    os.mkfifo(fifo)
    real_stat = os.stat
    # The first look (stat) sees a regular file; the open descriptor is what counts.
    regular = real_stat(__file__)

    def stat_once(path: object, *args: object, **kwargs: object) -> os.stat_result:
        return regular if path == fifo else real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    started = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "stat", stat_once)
        with pytest.raises(NotRegularFile):
            read_regular(fifo)
    assert time.monotonic() - started < 1


# -- 4. Config and rule files ------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_rules_and_config_are_read_as_bounded_regular_files(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_bytes(GPT4O)
    os.mkfifo(tmp_path / "rules.toml")
    os.mkfifo(tmp_path / "config.toml")
    (tmp_path / "huge.toml").write_bytes(b"# padding\n" * 200_000)  # 2 MB of comments
    cases = {
        ("--rules", "/dev/zero"): "a character device, not a regular file",
        ("--rules", "rules.toml"): "a named pipe (FIFO), not a regular file",
        ("--rules", "huge.toml"): "larger than 1,048,576 bytes",
        ("--config", "/dev/zero"): "a character device, not a regular file",
        ("--config", "config.toml"): "a named pipe (FIFO), not a regular file",
        ("--config", "huge.toml"): "larger than 1,048,576 bytes",
    }
    # One process for every case (each would hang or fill memory on a regression).
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from migrator.config import ConfigError, load_settings\n"
        "for option, name in zip(sys.argv[1::2], sys.argv[2::2]):\n"
        "    try:\n"
        "        load_settings(**{option: Path(name)})\n"
        "    except ConfigError as exc:\n"
        "        print(option, name, exc)\n"
    )
    keyword = {"--rules": "rules_path", "--config": "config_path"}
    argv = [word for option, name in cases for word in (keyword[option], name)]
    done = subprocess.run(
        [sys.executable, "-c", script, *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=10,
        preexec_fn=_memory_cap if POSIX else None,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(cases), done.stdout
    for line, message in zip(lines, cases.values()):
        assert message in line, line
    # The command line says so and exits 2.
    code, _, err = invoke_in(tmp_path, "lint", "--rules", "rules.toml", "ok.py")
    assert code == 2
    assert "migrator: error: cannot read rule file " in err
    assert "rules.toml: a named pipe (FIFO)" in err


# -- 3. Patterns that make the pattern library backtrack -------------------------------------

STAR_PATTERNS = ["*" * 14 + "a", "*" * 20 + "a", "**" + "*" * 30 + "/deep/" + "*" * 25 + "x"]


def test_star_runs_in_gitignore_and_exclude_do_not_hang_the_walk(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("\n".join(STAR_PATTERNS) + "\n")
    for name in ("alpha_beta_gamma_delta.py", "epsilon_zeta_eta_theta_iota.py", "kappa.py"):
        (tmp_path / name).write_bytes(GPT4O)
    script = (
        "from pathlib import Path\n"
        "from migrator.discovery import iter_paths\n"
        f"exclude = {STAR_PATTERNS!r}\n"
        "print(sorted(str(p) for p in iter_paths([Path('.')], root=Path('.'), exclude=exclude)))\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=20
    )
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "kappa.py" in done.stdout and "alpha_beta_gamma_delta.py" in done.stdout
    assert took < 5, took  # about 0.2 s with collapsed stars, minutes without


@pytest.mark.parametrize(
    ("pattern", "path", "ignored"),
    [
        ("***/foo.py", "x/y/foo.py", True),  # a whole segment: git reads it as **
        ("/***", "x.py", True),
        ("a/****/b.py", "a/x/y/b.py", True),
        ("a**b.py", "axxb.py", True),  # not a segment: one *
        ("a**b.py", "ax/xb.py", False),
        ("**a.py", "x/ya.py", True),
        ("\\**a.py", "*xa.py", True),  # an escaped star stays literal
        ("\\**a.py", "yxa.py", False),
        ("!***/keep.py", "keep.py", False),
    ],
)
def test_collapsed_star_patterns_match_as_git_does(
    tmp_path: Path, pattern: str, path: str, ignored: bool
) -> None:
    from migrator.discovery import iter_paths

    negated = pattern.startswith("!")
    (tmp_path / ".gitignore").write_text(("*.py\n" if negated else "") + pattern + "\n")
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_bytes(GPT4O)
    walked = {p.relative_to(tmp_path).as_posix() for p in iter_paths([tmp_path], root=tmp_path)}
    assert (path not in walked) is ignored
    if git := _git():
        subprocess.run([git, "init", "-q"], cwd=tmp_path, check=True)
        check = subprocess.run([git, "check-ignore", "-q", path], cwd=tmp_path)
        assert (check.returncode == 0) is ignored  # the same answer as git's


# -- 2. YAML that expands or nests without bound -----------------------------------------------


def billion_laughs() -> str:
    """460 bytes that stand for 9^9 strings once the aliases are expanded."""
    lines = ["model: gpt-4o", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_billion_laughs_and_deep_flow_nesting_are_errors(tmp_path: Path) -> None:
    (tmp_path / "laughs.yaml").write_text(billion_laughs())
    deep = "model: gpt-4o\nx: " + "[" * 3_000 + "]" * 3_000 + "\n"
    (tmp_path / "deep.yaml").write_text(deep)
    # A long single line of shallow nesting: PyYAML looks ahead 1,024 characters for each
    # "[" (it might start a key), so the cost grows with the line, not the depth.
    wide = "model: gpt-4o\nx: [" + ",".join(["[[[[[]]]]]"] * 1_000) + "]\n"
    (tmp_path / "wide.yaml").write_text(wide)
    (tmp_path / "ok.yaml").write_text("base: &base {model: gpt-4o}\nuse: *base\n")
    done = bounded_run("fix", ".", cwd=tmp_path, timeout=30)
    assert done.returncode == 2, done.stderr
    assert 'laughs.yaml: error: YAML aliases expand to too many nodes (a "billion laughs"' in (
        done.stderr
    )
    assert "deep.yaml: error: YAML nested more than 64 levels deep; not checked" in done.stderr
    assert "wide.yaml: error: YAML too costly to parse" in done.stderr
    assert (tmp_path / "laughs.yaml").read_text() == billion_laughs()
    assert (tmp_path / "deep.yaml").read_text() == deep
    assert (tmp_path / "ok.yaml").read_text() == "base: &base {model: gpt-4.1}\nuse: *base\n"


def test_yaml_bounds_leave_ordinary_nesting_and_aliases_alone() -> None:
    from migrator.kinds.yaml_files import MAX_DEPTH, parse_bounded

    nested = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert parse_bounded(nested)
    block = "".join("  " * level + f"k{level}:\n" for level in range(MAX_DEPTH - 1))
    assert parse_bounded(block + "  " * MAX_DEPTH + "v: 1\n")
    anchors = "base: &b {a: 1, b: 2}\n" + "".join(f"u{i}: *b\n" for i in range(5_000))
    assert parse_bounded(anchors)


# -- 6. The temporary file of an atomic write cannot be created --------------------------------


def test_a_name_near_the_length_limit_is_still_fixed(in_tmp: Path) -> None:
    long_name = "m" * 250 + ".py"  # 253 bytes: ".NAME.xxxxxxxx.migrator" would not fit
    (in_tmp / long_name).write_bytes(GPT4O)
    code, _, err = invoke_in(in_tmp, "fix", long_name)
    assert code == 0, err
    assert (in_tmp / long_name).read_bytes() == GPT41
    assert not list(in_tmp.glob(".*.migrator"))


@pytest.mark.parametrize(
    ("errno_name", "message"),
    [
        ("EMFILE", "Too many open files"),
        ("EROFS", "Read-only file system"),
        ("EACCES", "Permission denied"),  # a read-only directory (root is not stopped by one)
        ("ENOSPC", "No space left on device"),
    ],
)
def test_failing_to_create_the_temporary_file_is_a_per_file_error(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, errno_name: str, message: str
) -> None:
    import errno
    import tempfile

    for name in ("a.py", "b.py", "c.py"):
        (in_tmp / name).write_bytes(GPT4O)
    real = tempfile.mkstemp

    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        if str(kwargs.get("prefix", "")).startswith(".b.py."):
            code = getattr(errno, errno_name)
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    code, _, err = invoke_in(in_tmp, "fix")
    assert code == 2, err
    assert f"b.py: error: cannot create a temporary file beside it: {message}" in err
    assert (in_tmp / "a.py").read_bytes() == GPT41
    assert (in_tmp / "b.py").read_bytes() == GPT4O
    assert (in_tmp / "c.py").read_bytes() == GPT41  # the files after it too


# -- 5. Many model overrides -------------------------------------------------------------------


def test_many_model_overrides_cost_linear_time(tmp_path: Path) -> None:
    # Random names share no long substring, so the screen needs about one anchor per name:
    # the greedy cover recounted every name for every anchor (1,000 names: 37 s on a busy
    # machine, 4,000: over 5 minutes).
    import random
    import string

    rng = random.Random(17)
    names = {"".join(rng.choices(string.ascii_lowercase, k=10)) for _ in range(2_000)}
    table = "".join(f'"{name}" = "gpt-4.1"\n' for name in sorted(names))
    (tmp_path / "pyproject.toml").write_text("[tool.migrator.models]\n" + table)
    script = (
        "import time\n"
        "from migrator.config import load_settings\n"
        "from migrator.screen import Screen\n"
        "started = time.perf_counter()\n"
        "screen = Screen(load_settings().ruleset)\n"
        "assert screen.bytes_admit(b'A = \"" + min(names) + "\"')\n"
        "print(time.perf_counter() - started)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) < 10  # about 0.5 s on an idle machine


def test_the_screen_anchors_cover_every_token_once_chosen() -> None:
    from migrator.screen.byte_tokens import _cover

    tokens = ["gpt-4o", "gpt-4o-mini", "max_tokens", "audio", "ab", "xaby", "zzzzzzzz"]
    chosen = _cover(tokens)
    assert set(chosen) == set(tokens)
    assert all(anchor in token for token, anchor in chosen.items())
    assert chosen["xaby"] == "ab"  # a short token is its own anchor, and covers what holds it


# -- 8. An edit landing while the file is being replaced ---------------------------------------


def test_an_edit_after_the_content_check_is_still_caught_before_the_rename(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editor's save lands just after migrator compared the content (the last read
    before the rename): the identity check right before the rename sees it."""
    import migrator.files

    target = in_tmp / "app.py"
    target.write_bytes(GPT4O)
    theirs = GPT4O + b"B = 1  # the user's edit\n"

    def read_then_edit(read: object) -> object:
        def wrapper(path: object, *args: object) -> bytes:
            data: bytes = read(path, *args)  # type: ignore[operator]
            # The read that compares, made once the new content waits in its temporary file.
            if Path(str(path)).name == "app.py" and list(in_tmp.glob(".app.py.*.migrator")):
                target.write_bytes(theirs)
            return data

        return wrapper

    # This code compares with read_regular; the code before it read with Path.read_bytes.
    monkeypatch.setattr(Path, "read_bytes", read_then_edit(Path.read_bytes))
    if hasattr(migrator.files, "read_regular"):
        monkeypatch.setattr(
            migrator.files, "read_regular", read_then_edit(migrator.files.read_regular)
        )
    code, _, err = invoke_in(in_tmp, "fix", "app.py")
    assert code == 2
    assert "app.py: error: file changed on disk while it was being fixed; not overwritten" in err
    assert target.read_bytes() == theirs
    assert not list(in_tmp.glob(".*.migrator"))


# -- 10. Workers end with their parent ---------------------------------------------------------


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper that never comes counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_ends_when_its_parent_is_killed() -> None:
    script = (
        "import os, sys, time\n"
        "from migrator.interrupts import in_worker\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    in_worker()\n"
        "    print(os.getpid(), flush=True)\n"
        "    time.sleep(30)\n"
        "    os._exit(0)\n"
        "time.sleep(0.3)\n"  # the child is set up
        "os._exit(0)\n"  # the parent goes, as with SIGKILL: no cleanup, no SIGTERM to workers
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    worker = int(done.stdout.split()[0])
    deadline = time.monotonic() + 5
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(worker)
    if alive:
        os.kill(worker, 9)
    assert not alive


def test_a_worker_whose_parent_is_gone_stops_between_files(monkeypatch: pytest.MonkeyPatch) -> None:
    import migrator.interrupts

    monkeypatch.setattr(migrator.interrupts, "_parent", -1)  # not our parent: it is gone
    assert migrator.interrupts.orphaned()
    monkeypatch.setattr(migrator.interrupts, "_parent", os.getppid())
    assert not migrator.interrupts.orphaned()


# -- 7. A directory symlink named on the command line -----------------------------------------


def test_a_named_directory_symlink_is_checked_but_never_written_through(in_tmp: Path) -> None:
    outside = in_tmp / "outside"
    (outside / "pkg").mkdir(parents=True)
    (outside / "pkg" / "target.py").write_bytes(GPT4O)
    tree = in_tmp / "tree"
    tree.mkdir()
    (tree / "own.py").write_bytes(GPT4O)
    (tree / "vendor").symlink_to(outside, target_is_directory=True)
    code, out, _ = invoke_in(in_tmp, "lint", "tree/vendor")  # reported through the link
    assert code == 1
    assert "tree/vendor/pkg/target.py:1:5: MIG001" in out
    # As `fix *` inside tree/ would name it: the link's files are not written, the rest is.
    for paths in (
        ["tree/vendor", "tree/own.py"],
        ["tree/vendor/pkg"],
        ["tree/vendor/pkg/target.py"],
    ):
        code, _, err = invoke_in(in_tmp, "fix", *paths)
        assert code == 2, err
        assert "target.py: error: behind the symbolic link 'tree/vendor' (a directory)" in err
        assert (outside / "pkg" / "target.py").read_bytes() == GPT4O
    assert (tree / "own.py").read_bytes() == GPT41
    assert not list(in_tmp.rglob(".*.migrator"))
    # The real path is fixed as usual.
    code, _, err = invoke_in(in_tmp, "fix", "outside")
    assert code == 0, err
    assert (outside / "pkg" / "target.py").read_bytes() == GPT41


# -- 9. Memory per file ------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="checked in-process elsewhere")
def test_a_check_that_runs_out_of_memory_costs_one_file(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibCST's allocator aborts the process that parses when memory runs out (SIGABRT):
    that must be a child, not the run. The abort is simulated (how much a parse may still
    take from the process's free heap depends on what ran before)."""
    import migrator.engine
    import migrator.isolation

    monkeypatch.setattr(migrator.isolation, "ISOLATE_ABOVE", 1000)
    real = migrator.engine.check_file

    def check_file(source: bytes, path: str, *args: object, **kwargs: object) -> object:
        if path.endswith("big.py"):
            os.abort()  # as the native allocator does
        return real(source, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(migrator.engine, "check_file", check_file)
    body = "".join(f'def f{i}(c):\n    return c.create(model="gpt-4o", n={i})\n' for i in range(60))
    (in_tmp / "big.py").write_text(body)
    (in_tmp / "small.py").write_bytes(GPT4O)
    code, _, err = invoke_in(in_tmp, "fix")
    assert code == 2, err
    assert "big.py: error: too large to check: its check was killed by signal 6" in err
    assert "file left unchanged" in err
    assert (in_tmp / "big.py").read_text() == body
    assert (in_tmp / "small.py").read_bytes() == GPT41  # the run went on


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="checked in-process elsewhere")
def test_the_child_cannot_grow_past_its_memory_budget() -> None:
    from migrator.isolation import TooLarge, run_bounded

    assert run_bounded(lambda: len(bytearray(1 << 20)), budget=256 << 20) == 1 << 20
    with pytest.raises(TooLarge, match="ran out of memory"):
        run_bounded(lambda: len(bytearray(512 << 20)), budget=64 << 20)
    with pytest.raises(ValueError, match="comes back"):  # the check's own errors come back
        run_bounded(lambda: int("comes back"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="checked in-process elsewhere")
def test_a_big_file_within_the_budget_is_checked_in_a_child_as_usual(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import migrator.isolation

    monkeypatch.setattr(migrator.isolation, "ISOLATE_ABOVE", 1000)
    body = "".join(f'def f{i}(c):\n    return c.create(model="gpt-4o", n={i})\n' for i in range(60))
    (in_tmp / "big.py").write_text(body)
    code, out, err = invoke_in(in_tmp, "lint")
    assert code == 1, err
    assert out.count("MIG001") == 60
    code, _, err = invoke_in(in_tmp, "fix")
    assert code == 0, err
    assert (in_tmp / "big.py").read_text() == body.replace('"gpt-4o"', '"gpt-4.1"')
