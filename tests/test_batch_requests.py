"""Batch API .jsonl lines: MIG003 and MIG004 on each request body, limits from the rule set."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from migrator import tomlcompat as tomllib
from migrator.config import Settings, load_settings
from migrator.kinds import check_file
from migrator.ruleset import RuleSet, bundled_rules


def settings(**changes: Any) -> Settings:
    return replace(load_settings(cwd=Path("/")), **changes)


def request(**body: Any) -> bytes:
    line = {"custom_id": "r", "method": "POST", "url": "/v1/chat/completions", "body": body}
    return (json.dumps(line) + "\n").encode()


def findings(source: bytes, **changes: Any) -> list[tuple[str, str]]:
    result = check_file(source, "batch.jsonl", settings(**changes), fix=False)
    return [(f.code, f.message) for f in result.findings]


def test_limit_comes_from_the_rule_set() -> None:
    data = tomllib.loads(bundled_rules().joinpath("gpt-4.1.toml").read_text("utf-8"))
    data["targets"]["gpt-4.1"]["max_output_tokens"] = 16384
    ruleset = RuleSet.from_dict(data)
    assert findings(request(model="gpt-4.1", max_tokens=20000), ruleset=ruleset) == [
        ("MIG003", "max_tokens=20000 exceeds gpt-4.1's 16384-token output limit")
    ]
    assert findings(request(model="gpt-4.1", max_tokens=16000), ruleset=ruleset) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"model": "gpt-4.1-mini", "max_tokens": 32768}, []),
        ({"model": "o3", "max_tokens": 100000}, []),
        ({"model": "gpt-4o-audio-preview", "max_tokens": 100000}, ["MIG002"]),
        ({"model": "azure/gpt-4o", "max_tokens": 40000}, ["MIG001", "MIG003"]),
        ({"model": 42, "max_output_tokens": 40000}, ["MIG003"]),
        ({"model": "gpt-4.1", "max_tokens": "50000"}, []),  # not an integer: not resolved
        ({"model": "gpt-4.1", "max_tokens": 50000.0}, []),
    ],
)
def test_which_requests_get_mig003(body: dict[str, Any], expected: list[str]) -> None:
    assert [code for code, _ in findings(request(**body))] == expected


def test_content_parts_the_target_takes_are_not_reported() -> None:
    parts = [
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
        {"type": "file", "file": {"file_id": "file-1"}},
        {"type": "input_video", "video_url": "https://example.com/v.mp4"},
    ]
    body = {"model": "gpt-4.1", "messages": [{"role": "user", "content": parts}]}
    assert findings(request(**body)) == [
        (
            "MIG004",
            "video input ('input_video' part) is not supported by gpt-4.1, "
            "which accepts file, image and text",
        )
    ]


def test_unresolved_model_reports_what_no_target_takes() -> None:
    parts = [{"type": "image_url"}, {"type": "input_audio"}]
    body = {"messages": [{"content": parts}], "modalities": ["audio"]}
    assert findings(request(**body)) == [
        (
            "MIG004",
            "audio input ('input_audio' part) is not supported by any migration target "
            "(model not resolved)",
        ),
        (
            "MIG004",
            "audio output ('audio' in modalities) is not supported by any migration target "
            "(model not resolved)",
        ),
    ]


def test_selection_applies_by_code() -> None:
    source = request(model="gpt-4.1", max_tokens=50000, modalities=["audio"])
    assert [c for c, _ in findings(source)] == ["MIG003", "MIG004"]
    assert [c for c, _ in findings(source, ignore=("MIG003",))] == ["MIG004"]
    assert [c for c, _ in findings(source, select=("MIG004",))] == ["MIG004"]


def test_clamp_is_an_unsafe_fix() -> None:
    source = request(model="gpt-4o-mini", max_tokens=50000)
    result = check_file(source, "batch.jsonl", settings(), fix=True)
    assert result.new_source == source.replace(b"gpt-4o-mini", b"gpt-4.1-mini")
    result = check_file(source, "batch.jsonl", settings(unsafe_fixes=True), fix=True)
    assert result.new_source is not None
    body = json.loads(result.new_source)["body"]
    assert body == {"model": "gpt-4.1-mini", "max_tokens": 32768}


def test_bad_line_is_a_warning_and_the_others_are_checked() -> None:
    source = b'{"body": {"model": "gpt-4o"}}\nnot json gpt-4o\n{"body": {"model": "gpt-4o"}}\n'
    result = check_file(source, "batch.jsonl", settings(), fix=True)
    assert result.warnings == [
        "line 2 is not valid JSON (Expecting value: line 1 column 1 (char 0)): not checked"
    ]
    assert result.new_source == source.replace(b'"gpt-4o"', b'"gpt-4.1"')
