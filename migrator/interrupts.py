"""SIGINT and SIGTERM during a run: stop between files, never halfway through a write.

Python raises KeyboardInterrupt wherever the main thread happens to be, and SIGTERM kills the
process outright. Inside ``handle_signals()`` both raise ``Interrupted`` instead, except within
a ``deferred()`` section (a file being replaced), where the signal is held until the section
has finished: the file is then either fully rewritten or untouched, and no temporary file is
left behind.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

HANDLED = (signal.SIGINT, signal.SIGTERM)

_depth = 0  # nesting of deferred() sections in progress
_pending: int | None = None  # a signal that arrived inside one
_worker = False  # set in a pool worker by in_worker()


class Interrupted(KeyboardInterrupt):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _pending
    if _depth:
        _pending = signum
        return
    _stop(signum)


def _stop(signum: int) -> None:
    if _worker:
        # A worker is stopped by its parent, which reports the interruption: the worker's
        # own traceback would only be noise on stderr.
        raise SystemExit(128 + signum)
    raise Interrupted(signum)


def in_worker() -> None:
    """Set up a pool worker: Ctrl-C is the parent's to handle (it then stops the pool), and
    SIGTERM, the parent stopping the pool, ends the worker quietly once a write in progress
    has finished."""
    global _worker
    _worker = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_signal)


@contextmanager
def handle_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into ``Interrupted`` for the duration (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _on_signal) for signum in HANDLED}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM until the block is done, then raise ``Interrupted``."""
    global _depth, _pending
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _pending is not None:
            signum, _pending = _pending, None
            _stop(signum)
