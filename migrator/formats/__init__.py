"""Output formats: each module renders a RunResult for one audience."""

from __future__ import annotations

from collections.abc import Callable

from migrator.engine import RunResult
from migrator.formats import github, json_format, junit, sarif, text

Renderer = Callable[[RunResult], str]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
    "junit": junit.render,
}
