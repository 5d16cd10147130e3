"""Each file's nearest [tool.migrator] table (as Ruff), and --force-exclude for named files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator import config
from migrator.cli import main

MODEL = 'MODEL = "gpt-4o"\n'


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write(root: Path, name: str, text: str = MODEL) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def monorepo(root: Path) -> None:
    """A root project and a sub-project with settings of its own."""
    write(root, "pyproject.toml", '[tool.migrator]\nexclude = ["generated/"]\n')
    write(root, "app.py")
    write(root, "generated/client.py")
    write(root, "services/api/pyproject.toml", '[tool.migrator]\nsnapshot = "always"\n')
    write(root, "services/api/main.py")
    write(root, "services/api/settings.yaml", "model: gpt-4o\n")
    write(root, "services/api/generated/client.py")  # the root's exclude is not the sub's


def test_a_sub_project_uses_its_own_config_from_the_root(in_tmp: Path) -> None:
    monorepo(in_tmp)
    code, out, _ = invoke("lint", "-q")
    assert code == 1
    assert "app.py:1:9: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'" in out
    pinned = "MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1-2025-04-14'"
    assert f"services/api/main.py:1:9: {pinned}" in out
    assert "services/api/settings.yaml:1:8: MIG001" in out and "2025-04-14" in out
    assert f"services/api/generated/client.py:1:9: {pinned}" in out
    assert "generated/client.py" not in out.replace("services/api/generated/client.py", "")


def test_the_same_from_inside_the_sub_project_and_for_named_files(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monorepo(in_tmp)
    _, named, _ = invoke("lint", "-q", "app.py", "services/api/main.py")
    assert "app.py:1:9: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'\n" in named
    assert (
        "services/api/main.py:1:9: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: "
        "use 'gpt-4.1-2025-04-14'" in named
    )
    monkeypatch.chdir(in_tmp / "services")  # no config here: the nearest above each file
    _, out, _ = invoke("lint", "-q", ".")
    assert (
        "api/main.py:1:9: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1-2025-04-14'"
        in out
    )


def test_command_line_options_apply_over_every_config(in_tmp: Path) -> None:
    monorepo(in_tmp)
    _, out, _ = invoke("lint", "-q", "--snapshot", "never", ".")
    assert "2025-04-14" not in out and "services/api/main.py:1:9: MIG001" in out
    _, out, _ = invoke("lint", "-q", "--ignore", "MIG001", ".")
    assert out == ""


def test_config_overrides_the_hierarchy(in_tmp: Path) -> None:
    monorepo(in_tmp)
    _, out, _ = invoke("lint", "-q", "--config", "pyproject.toml", ".")
    assert (
        "services/api/main.py:1:9: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'\n"
        in out
    )
    # The root's exclude ("generated/", unanchored) now covers the sub-project's too.
    assert "generated/client.py" not in out


def test_a_broken_sub_project_config_is_one_error_and_the_rest_is_checked(in_tmp: Path) -> None:
    monorepo(in_tmp)
    write(in_tmp, "services/api/pyproject.toml", "[tool.migrator\n")
    code, out, err = invoke("lint", "-q", ".")
    assert code == 2
    assert err.count("services/api/pyproject.toml: error: invalid TOML") == 1
    assert "app.py:1:9: MIG001" in out and "services/api/main.py" not in out


def test_each_config_is_read_once_per_run(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monorepo(in_tmp)
    for n in range(30):
        write(in_tmp, f"services/api/pkg{n % 3}/m{n}.py")
    reads: list[Path] = []
    real = config._read_toml

    def counting(path: Path) -> dict[str, object]:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(config, "_read_toml", counting)
    code, _, _ = invoke("lint", "-q", "--jobs", "1", ".")
    assert code == 1
    # Found (has_migrator_table) and loaded: two reads per config, whatever the file count.
    assert sorted(p.relative_to(in_tmp).as_posix() for p in reads) == sorted(
        ["pyproject.toml"] * 2 + ["services/api/pyproject.toml"] * 2
    )


def test_force_exclude_applies_exclude_to_named_files(in_tmp: Path) -> None:
    monorepo(in_tmp)
    named = ("app.py", "generated/client.py", "services/api/generated/client.py")
    _, out, _ = invoke("lint", "-q", *named)
    assert out.count("generated/client.py") == 2  # named: checked, as before
    _, out, _ = invoke("lint", "-q", "--force-exclude", *named)
    assert "app.py:1:9" in out
    assert "services/api/generated/client.py" in out  # the sub-project does not exclude it
    assert "\ngenerated/client.py" not in "\n" + out


def test_force_exclude_from_the_config_and_its_negation(in_tmp: Path) -> None:
    config = '[tool.migrator]\nexclude = ["vendor/"]\nforce-exclude = true\n'
    write(in_tmp, "pyproject.toml", config)
    write(in_tmp, "vendor/lib.py")
    code, out, _ = invoke("lint", "-q", "vendor/lib.py")
    assert (code, out) == (0, "")
    code, out, _ = invoke("lint", "-q", "--no-force-exclude", "vendor/lib.py")
    assert code == 1 and "vendor/lib.py:1:9: MIG001" in out


def test_force_exclude_drops_what_a_walk_would_skip(in_tmp: Path) -> None:
    write(in_tmp, "pyproject.toml", '[tool.migrator]\ninclude = ["*.yaml"]\n')
    write(in_tmp, "a.yaml", "model: gpt-4o\n")
    write(in_tmp, "b.json", '{"model": "gpt-4o"}\n')  # not in include
    write(in_tmp, "package-lock.json", '{"model": "gpt-4o"}\n')  # a lock file
    write(in_tmp, "guide.md", '```python\nMODEL = "gpt-4o"\n```\n')  # docs: --include-docs
    write(in_tmp, ".venv/lib/x.py")
    write(in_tmp, "node_modules/y.py")
    write(in_tmp, "ignored/z.py")
    write(in_tmp, ".gitignore", "ignored/\n")
    (in_tmp / ".git").mkdir()
    named = [
        "a.yaml",
        "b.json",
        "package-lock.json",
        "guide.md",
        ".venv/lib/x.py",
        "node_modules/y.py",
        "ignored/z.py",
    ]
    _, walked, _ = invoke("lint", "-q", ".")
    _, forced, _ = invoke("lint", "-q", "--force-exclude", *named)
    assert forced == walked
    assert [line.split(":")[0] for line in forced.splitlines()] == ["a.yaml"]
    _, docs, _ = invoke("lint", "-q", "--force-exclude", "--include-docs", "guide.md")
    assert "guide.md:2:9: MIG001" in docs


def test_force_exclude_with_nothing_left_is_a_clean_run(in_tmp: Path) -> None:
    write(in_tmp, "pyproject.toml", '[tool.migrator]\nexclude = ["*.py"]\n')
    write(in_tmp, "a.py")
    code, out, err = invoke("fix", "--force-exclude", "a.py")
    assert code == 0, out + err
    assert (in_tmp / "a.py").read_text() == MODEL


def test_worker_processes_use_each_files_config(in_tmp: Path) -> None:
    monorepo(in_tmp)
    for n in range(60):  # above the pool threshold
        write(in_tmp, f"services/api/pkg/m{n}.py")
        write(in_tmp, f"lib/m{n}.py")
    _, out, _ = invoke("lint", "-q", "--jobs", "2", ".")
    lines = out.splitlines()
    assert sum("2025-04-14" in line for line in lines) == 63
    assert all(("2025-04-14" in line) == line.startswith("services/api/") for line in lines)
