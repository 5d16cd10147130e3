"""A clean notebook of about 165 KiB: its cells through the run's screen, and without it.

The cells are migrator's own top-level statements (no model ID among them), one statement a
cell. Prints the median of several interleaved runs of each, in milliseconds:

    .venv/bin/python benchmarks/notebook.py [--runs 9]
"""

from __future__ import annotations

import argparse
import ast
import json
import statistics
import time
from pathlib import Path

from migrator.config import Settings
from migrator.kinds import check_file
from migrator.ruleset import RuleSet
from migrator.screen import Screen

SIZE = 165 * 1024
SOURCES = Path(__file__).resolve().parent.parent / "migrator"


def clean_notebook(size: int = SIZE) -> bytes:
    cells: list[dict[str, object]] = []
    for path in sorted(SOURCES.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        for node in ast.parse(text).body:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            source = lines[first - 1 : node.end_lineno]
            cells.append({"cell_type": "code", "execution_count": None, "metadata": {},
                          "outputs": [], "source": source})  # fmt: skip
            meta = {"kernelspec": {"language": "python", "name": "python3"}}
            data = json.dumps({"cells": cells, "metadata": meta, "nbformat": 4,
                               "nbformat_minor": 5}, indent=1).encode()  # fmt: skip
            if len(data) >= size:
                return data
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    settings = Settings(ruleset=RuleSet.load())
    screen = Screen(settings.ruleset)
    data = clean_notebook()
    times: dict[str, list[float]] = {"screened": [], "unscreened": []}
    for _ in range(runs):
        for name, used in (("screened", screen), ("unscreened", None)):
            started = time.perf_counter()
            result = check_file(data, "clean.ipynb", settings, fix=False, screen=used)
            times[name].append(time.perf_counter() - started)
            assert not result.findings and result.error is None, result
    print(f"clean notebook: {len(data) // 1024} KiB")
    for name, values in times.items():
        print(f"{name:>10}: {statistics.median(values) * 1000:7.1f} ms (median of {runs})")


if __name__ == "__main__":
    main()
