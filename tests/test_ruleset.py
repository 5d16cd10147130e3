from __future__ import annotations

import pytest

from migrator.ruleset import Migration, Retirement, RuleSet, RuleSetError, SnapshotMode

RULES = RuleSet.load()


def test_bundled_rule_set_has_the_reference_figures() -> None:
    for target in ("gpt-4.1", "gpt-4.1-mini"):
        t = RULES.targets[target]
        assert t.max_output_tokens == 32768
        assert t.context_window == 1047576
        assert t.inputs == {"text", "image", "file"}
    assert RULES.targets["gpt-4.1"].snapshot == "gpt-4.1-2025-04-14"
    assert RULES.targets["gpt-4.1-mini"].snapshot == "gpt-4.1-mini-2025-04-14"


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("gpt-4o", "gpt-4.1"),
        ("gpt-4o-2024-05-13", "gpt-4.1"),
        ("gpt-4o-2024-08-06", "gpt-4.1"),
        ("gpt-4o-2024-11-20", "gpt-4.1"),
        ("chatgpt-4o-latest", "gpt-4.1"),
        ("gpt-4o-mini", "gpt-4.1-mini"),
        ("gpt-4o-mini-2024-07-18", "gpt-4.1-mini"),
        ("gpt-4.5-preview", "gpt-4.1"),
        ("gpt-4.5-preview-2025-02-27", "gpt-4.1"),
    ],
)
def test_default_mapping(source: str, target: str) -> None:
    assert RULES.sources[source].replacement == target


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        ("gpt-4o", SnapshotMode.AUTO, "gpt-4.1"),
        ("gpt-4o-2024-11-20", SnapshotMode.AUTO, "gpt-4.1-2025-04-14"),
        ("gpt-4o", SnapshotMode.ALWAYS, "gpt-4.1-2025-04-14"),
        ("gpt-4o-mini-2024-07-18", SnapshotMode.NEVER, "gpt-4.1-mini"),
        ("openai/gpt-4o", SnapshotMode.AUTO, "openai/gpt-4.1"),
        ("openrouter/openai/gpt-4o-mini", SnapshotMode.AUTO, "openrouter/openai/gpt-4.1-mini"),
        ("openai:gpt-4o", SnapshotMode.AUTO, "openai:gpt-4.1"),
    ],
)
def test_classify_migration(value: str, mode: SnapshotMode, expected: str) -> None:
    found = RULES.classify(value, mode)
    assert isinstance(found, Migration)
    assert found.new_text == expected


@pytest.mark.parametrize(
    "value",
    ["gpt-4o-audio-preview-2025-06-03", "gpt-4o-mini-tts", "ft:gpt-4o-mini-2024-07-18:org::id"],
)
def test_classify_retirement(value: str) -> None:
    assert isinstance(RULES.classify(value, SnapshotMode.AUTO), Retirement)


@pytest.mark.parametrize(
    "value",
    [
        "GPT-4o",
        "gpt-4o ",
        " gpt-4o",
        "gpt-4.1",
        "use gpt-4o",
        "gpt-4o-mini-free",
        "../gpt-4o",
        "a//gpt-4o",
        "ft:gpt-4.1-2025-04-14:org::id",
        "",
        "x" * 10_000,
    ],
)
def test_not_a_retiring_model(value: str) -> None:
    assert RULES.classify(value, SnapshotMode.AUTO) is None


def test_azure_prefix_is_a_deployment() -> None:
    found = RULES.classify("azure/gpt-4o", SnapshotMode.AUTO)
    assert isinstance(found, Migration) and found.deployment


def test_effective_target() -> None:
    assert RULES.effective_target("gpt-4o-mini").id == "gpt-4.1-mini"
    assert RULES.effective_target("gpt-4.1-2025-04-14").id == "gpt-4.1"
    assert RULES.effective_target("o3") is None


def test_rule_file_with_a_dangling_replacement_is_rejected(tmp_path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text('[targets]\n[sources."gpt-4o"]\nreplacement = "gpt-9"\n')
    with pytest.raises(RuleSetError, match="gpt-9"):
        RuleSet.load(bad)


def test_malformed_rule_file(tmp_path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text("[targets\n")
    with pytest.raises(RuleSetError, match="not valid TOML"):
        RuleSet.load(bad)


def test_readme_mapping_table_matches_the_rule_set() -> None:
    import re
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    table = dict(re.findall(r"^\| `([^`]+)` \| `([^`]+)` \|$", readme, re.M))
    expected = {
        source: RULES.replacement(RULES.sources[source], SnapshotMode.AUTO)
        for source in RULES.sources
    }
    assert table == expected


def test_deployment_names_come_from_the_rule_set() -> None:
    """Which keywords name a deployment and which clients are Azure's is data, not code."""
    from dataclasses import replace

    from migrator.config import load_settings
    from migrator.kinds.python import check_source

    source = (
        b'client = MyCloud()\nclient.create(model="gpt-4o")\n'
        b'deploy(slot="gpt-4o")\nAzureChatOpenAI(model="gpt-4o")\n'
    )
    bundled = load_settings(None)
    requests = replace(
        RULES.requests,
        deployment_parameters=frozenset({"slot"}),
        azure_clients=frozenset({"MyCloud"}),
    )
    custom = replace(bundled, ruleset=replace(RULES, requests=requests))

    def unsafe_lines(settings) -> list[int]:
        findings = check_source(source, "x.py", settings, fix=False).findings
        return [f.line for f in findings if f.fix is not None and not f.fix.safe]

    assert unsafe_lines(bundled) == [4]  # the bundled lists know AzureChatOpenAI, not MyCloud
    assert unsafe_lines(custom) == [2, 3]
    assert {"azure_deployment", "engine"} <= RULES.requests.deployment_parameters
    assert "AzureOpenAI" in RULES.requests.azure_clients


def test_reached_is_the_target_or_the_model_kept() -> None:
    assert RULES.reached("openai/gpt-4o") is RULES.targets["gpt-4.1"]
    assert RULES.reached("gpt-4.1-mini-2025-04-14") is RULES.targets["gpt-4.1-mini"]
    kept = RULES.reached("gpt-4o-search-preview")
    assert kept is RULES.no_replacement["gpt-4o-search-preview"]
    assert RULES.reached("claude-sonnet-4") is None
