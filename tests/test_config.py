from __future__ import annotations

from pathlib import Path

import pytest

from migrator.config import ConfigError, load_settings
from migrator.ruleset import SnapshotMode


def write_pyproject(directory: Path, body: str) -> Path:
    path = directory / "pyproject.toml"
    path.write_text("[project]\nname = 'x'\n\n[tool.migrator]\n" + body)
    return path


def test_defaults_without_config(in_tmp: Path) -> None:
    settings = load_settings()
    assert settings.snapshot is SnapshotMode.AUTO
    assert settings.config_path is None
    assert settings.selected_codes >= {"MIG001", "MIG002"}


def test_found_upward_from_cwd(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_pyproject(in_tmp, 'snapshot = "always"\nignore = ["MIG002"]\n')
    sub = in_tmp / "pkg" / "sub"
    sub.mkdir(parents=True)
    (in_tmp / "pkg" / "pyproject.toml").write_text("[project]\nname = 'inner'\n")
    monkeypatch.chdir(sub)
    settings = load_settings()
    assert settings.config_path == in_tmp / "pyproject.toml"
    assert settings.snapshot is SnapshotMode.ALWAYS
    assert "MIG002" not in settings.selected_codes


def test_command_line_wins(in_tmp: Path) -> None:
    write_pyproject(in_tmp, 'snapshot = "always"\nselect = ["MIG002"]\n')
    settings = load_settings(snapshot="never", select=["MIG001"])
    assert settings.snapshot is SnapshotMode.NEVER
    assert settings.selected_codes == {"MIG001"}


def test_model_override_to_cheaper_tier(in_tmp: Path) -> None:
    write_pyproject(in_tmp, '[tool.migrator.models]\n"gpt-4o" = "gpt-4.1-mini"\n')
    settings = load_settings()
    assert settings.ruleset.sources["gpt-4o"].replacement == "gpt-4.1-mini"


def test_model_override_to_an_sdk_model(in_tmp: Path) -> None:
    write_pyproject(in_tmp, '[tool.migrator.models]\n"gpt-4o" = "o3"\n')
    assert load_settings().ruleset.sources["gpt-4o"].replacement == "o3"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('snapshot = "sometimes"', "snapshot = 'sometimes'"),
        ("snapshot = 3", "snapshot must be"),
        ('colour = "red"', "unknown key [tool.migrator] 'colour'"),
        ('select = ["MIG9"]', "unknown code 'MIG9'"),
        ("select = [1]", "select must be a list"),
        ('[tool.migrator.models]\n"gpt-4o" = "gpt-99"', "\"gpt-4o\" = 'gpt-99': unknown model"),
        ('[tool.migrator.models]\n"gpt-4o" = "gpt-4o-mini"', "itself a model being migrated"),
        ('[tool.migrator.models]\n"a-1" = "b-1"\n"b-1" = "a-1"', '"a-1"'),
        ("exclude = [", "invalid TOML"),
    ],
)
def test_bad_config_names_the_key(in_tmp: Path, body: str, message: str) -> None:
    write_pyproject(in_tmp, body + "\n")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert message in str(info.value)


def test_explicit_config_must_exist(in_tmp: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(in_tmp / "nope.toml")
