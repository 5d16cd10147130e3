"""migrator with the project view switched off: what the rest of the engine costs.

``build_view`` gives an empty view and reads nothing, so every file is checked once, in the
second pass, as before the view existed. Results lose the view's verdicts (stricter fix
safety); use it only to time the engine against a build without the view:

    .venv/bin/python benchmarks/view_off.py lint --no-cache -j1 -q --exit-zero TREE
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import migrator.engine as engine
from migrator.cli import main
from migrator.project.view import ProjectView, project_files


def _no_view(
    paths: Sequence[Path],
    settings: Any,
    read: Any,
    configs: Any = None,
    cache: Any = None,
    listed: Any = None,
) -> tuple[ProjectView, list[str]]:
    """``build_view``'s signature; reads nothing and judges nothing."""
    return ProjectView({}), [k for k, _, _ in project_files(paths, settings, configs, listed)]


if __name__ == "__main__":
    engine.build_view = _no_view  # type: ignore[assignment]
    main(sys.argv[1:], prog_name="migrator")
