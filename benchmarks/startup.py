"""Start-up cost of the pre-commit hook: ``migrator lint`` on one clean file.

Compared with the floor, ``python -c "import libcst, click"`` (the imports migrator cannot do
without), as the median wall time of several interleaved runs. Run it from a virtualenv with
migrator installed:

    .venv/bin/python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def wall(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command} exited {done.returncode}: {done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    script = Path(sys.executable).with_name("migrator")
    migrator = [str(script)] if script.exists() else [sys.executable, "-m", "migrator"]
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        (cwd / "one_clean_file.py").write_text(
            'from openai import OpenAI\n\nclient = OpenAI()\nMODEL = "gpt-4.1"\n'
        )
        lint = [*migrator, "lint", "one_clean_file.py"]
        floor = [sys.executable, "-c", "import libcst, click"]
        for command in (lint, floor):  # warm the file system cache and the .pyc files
            wall(command, cwd)
        lint_times, floor_times = [], []
        for _ in range(args.runs):
            lint_times.append(wall(lint, cwd))
            floor_times.append(wall(floor, cwd))
    lint_median = statistics.median(lint_times)
    floor_median = statistics.median(floor_times)
    print(f"migrator lint one_clean_file.py   median {lint_median * 1000:7.1f} ms")
    print(f'python -c "import libcst, click"  median {floor_median * 1000:7.1f} ms')
    print(f"ratio {lint_median / floor_median:.2f} (median of {args.runs} runs each)")


if __name__ == "__main__":
    main()
