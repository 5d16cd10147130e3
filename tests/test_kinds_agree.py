"""The same request body is judged the same in a ``.py`` file and in a Batch API ``.jsonl``
line: one judging core (``migrator.checks.judging``) serves both kinds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from migrator.config import load_settings
from migrator.kinds import check_file

SETTINGS = load_settings(cwd=Path("/"))


def _as_python(body: dict[str, Any]) -> bytes:
    return f"client.chat.completions.create(**{body!r})\n".encode()


def _as_jsonl(body: dict[str, Any]) -> bytes:
    line = {"custom_id": "r", "method": "POST", "url": "/v1/chat/completions", "body": body}
    return (json.dumps(line) + "\n").encode()


def _mig004(name: str, source: bytes) -> list[str]:
    result = check_file(source, name, SETTINGS, fix=False)
    return [f.message for f in result.findings if f.code == "MIG004"]


BODIES = {
    # A model with no replacement keeps its own inputs: a search preview takes no image.
    "search preview with an image": (
        {
            "model": "gpt-4o-search-preview",
            "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}],
        },
        ["image input ('image_url' part) is not supported by gpt-4o-search-preview"],
    ),
    # ``audio=None`` asks for no audio output.
    "audio: null": ({"model": "gpt-4o", "audio": None, "messages": []}, []),
    "audio config": (
        {"model": "gpt-4o", "audio": {"voice": "alloy", "format": "wav"}, "messages": []},
        ["audio output"],
    ),
}


@pytest.mark.parametrize("case", BODIES, ids=list(BODIES))
@pytest.mark.parametrize("kind", ["py", "jsonl"])
def test_python_and_batch_lines_agree(case: str, kind: str) -> None:
    body, expected = BODIES[case]
    source = _as_python(body) if kind == "py" else _as_jsonl(body)
    messages = _mig004(f"requests.{kind}", source)
    assert len(messages) == len(expected), messages
    for message, start in zip(messages, expected):
        assert message.startswith(start), message
