"""A progress bar for long runs: on stderr, only on a terminal, only past a few hundred files."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

MIN_FILES = 300  # below this a run is over before a bar would tell anything


def stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress(enabled: bool = True) -> Iterator[Callable[[int, int], None] | None]:
    """Yield an ``on_file(done, total)`` callback that drives a bar once ``total`` is known.

    The bar only appears when ``total`` exceeds MIN_FILES and stderr is a terminal, so pipes,
    CI logs and pre-commit's captured output stay clean. Where it cannot appear, None is
    yielded: the run then need not count its files before checking them.
    """
    if not (enabled and stderr_is_tty()):
        yield None
        return
    bar: Any = None
    decided = False
    shown = 0

    def on_file(done: int, total: int) -> None:
        nonlocal bar, decided, shown
        if not decided:
            decided = True
            if total > MIN_FILES:
                bar = click.progressbar(length=total, label="Checking files", file=sys.stderr)
                bar.__enter__()
        if bar is not None:
            bar.update(done - shown)
            shown = done

    try:
        yield on_file
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
