"""File-level ``# migrator: noqa``, ``per-file-ignores``, a bare ``# migrator: ignore`` and
MIG100 (a suppression comment that suppresses nothing), as Ruff has them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from migrator.cli import main


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_file_level_noqa_suppresses_every_code_in_the_file(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(
        '"""Doc."""\n# migrator: noqa\nA = "gpt-4o"\nB = "gpt-4o-audio-preview"\n'
    )
    assert invoke("lint", "app.py")[0] == 0
    assert invoke("fix", "app.py")[0] == 0
    assert '"gpt-4o"' in (in_tmp / "app.py").read_text()  # an ignored code is not fixed either


def test_file_level_noqa_with_codes_suppresses_only_those(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(
        'A = "gpt-4o"\nB = "gpt-4o-audio-preview"\n#  migrator: noqa: MIG002\n'
    )
    code, out, _ = invoke("lint", "-q", "app.py")
    assert code == 1
    assert out.splitlines() == [
        "app.py:1:5: MIG001 [*] 'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'"
    ]


def test_file_level_noqa_after_code_is_not_file_level(in_tmp: Path) -> None:
    # At the end of a code line it holds for that line only, like any other comment there.
    (in_tmp / "app.py").write_text('A = "gpt-4o"  # migrator: noqa\nB = "gpt-4o"\n')
    assert invoke("lint", "-q", "app.py")[1].count("MIG001") == 2


def test_file_level_noqa_in_a_yaml_file(in_tmp: Path) -> None:
    (in_tmp / "bot.yaml").write_text("# migrator: noqa: MIG001\nmodel: gpt-4o\n")
    assert invoke("lint", "bot.yaml")[0] == 0


def test_a_bare_migrator_ignore_means_every_code(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(
        'A = "gpt-4o"  # migrator: ignore\n'
        'B = "gpt-4o"  # migrator: ignore[MIG002]\n'
        'C = "gpt-4o"  # migrator: ignore[MIG001\n'  # unclosed: suppresses nothing
    )
    _, out, _ = invoke("lint", "-q", "app.py")
    assert [line.split(":")[1] for line in out.splitlines()] == ["2", "3"]


def test_per_file_ignores_from_config(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text(
        '[tool.migrator.per-file-ignores]\n"tests/*" = ["MIG001"]\n"conftest.py" = ["MIG"]\n'
    )
    (in_tmp / "tests").mkdir()
    (in_tmp / "tests" / "test_app.py").write_text('A = "gpt-4o"\nB = "gpt-4o-audio-preview"\n')
    (in_tmp / "sub").mkdir()
    (in_tmp / "sub" / "conftest.py").write_text('A = "gpt-4o"\n')
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    _, out, _ = invoke("lint", "-q", ".")
    assert sorted(line.split(": ")[0] + " " + line.split()[1] for line in out.splitlines()) == [
        "app.py:1:5 MIG001",
        "tests/test_app.py:2:5 MIG002",
    ]
    invoke("fix", ".")
    assert '"gpt-4o"' in (in_tmp / "tests" / "test_app.py").read_text()  # ignored: not fixed


def test_per_file_ignores_must_list_known_codes(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.migrator.per-file-ignores]\n"a.py" = ["E501"]\n')
    code, _, err = invoke("lint", ".")
    assert code == 2
    assert "per-file-ignores \"a.py\": unknown code 'E501'" in err


def test_an_option_error_is_blamed_on_the_command_line(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.migrator]\nselect = ["MIG"]\n')
    code, _, err = invoke("lint", "--select", "MIG9", ".")
    assert code == 2
    assert "command line: --select: unknown code 'MIG9'" in err
    assert "pyproject.toml" not in err


UNUSED = (
    'A = "gpt-4.1"  # noqa: MIG001\n'  # 1: nothing to suppress
    'B = "gpt-4o"  # noqa: MIG001\n'  # 2: used
    'C = "gpt-4.1"  # noqa: E501\n'  # 3: another linter's
    'D = "gpt-4.1"  # noqa\n'  # 4: bare noqa: maybe another linter's
    'E = "gpt-4.1"  # migrator: ignore\n'  # 5: ours, suppresses nothing
    'F = "gpt-4o"  # noqa: MIG001, MIG002\n'  # 6: MIG002 unused
)


def test_unused_suppressions_are_mig100_when_selected(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(UNUSED)
    code, out, _ = invoke("lint", "-q", "--select", "MIG100", "app.py")
    assert code == 1
    assert out.splitlines() == [
        "app.py:1:16: MIG100 Unused suppression comment (suppresses nothing: MIG001)",
        "app.py:5:16: MIG100 Unused suppression comment (suppresses nothing: every code)",
        "app.py:6:15: MIG100 Unused suppression comment (suppresses nothing: MIG002)",
    ]


def test_mig100_is_not_in_the_default_selection(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(UNUSED)
    assert invoke("lint", "app.py")[0] == 0
    assert invoke("lint", "--select", "MIG", "app.py")[0] == 0
    assert "MIG100" in invoke("lint", "--select", "MIG1", "app.py")[1]


def test_an_unused_file_level_noqa_is_mig100(in_tmp: Path) -> None:
    (in_tmp / "clean.py").write_text('# migrator: noqa\nA = "gpt-4.1"\n')
    (in_tmp / "used.py").write_text('# migrator: noqa: MIG001\nA = "gpt-4o"\n')
    (in_tmp / "half.py").write_text('# migrator: noqa: MIG001, MIG002\nA = "gpt-4o"\n')
    _, out, _ = invoke("lint", "-q", "--select", "MIG100", ".")
    assert out.splitlines() == [
        "clean.py:1:1: MIG100 Unused suppression comment (suppresses nothing: every code)",
        "half.py:1:1: MIG100 Unused suppression comment (suppresses nothing: MIG002)",
    ]
