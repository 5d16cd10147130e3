"""Output formats: each module renders a RunResult for one audience."""

from __future__ import annotations

from collections.abc import Callable

from migrator.engine import RunResult
from migrator.formats import json_format, text

Renderer = Callable[[RunResult], str]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
}
