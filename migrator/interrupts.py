"""SIGINT and SIGTERM during a run: stop between files, never halfway through a write.

Python raises KeyboardInterrupt wherever the main thread happens to be, and SIGTERM kills the
process outright. Inside ``handle_signals()`` both raise ``Interrupted`` instead, except within
a ``deferred()`` section (a file being replaced), where the signal is held until the section
has finished: the file is then either fully rewritten or untouched, and no temporary file is
left behind.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

HANDLED = (signal.SIGINT, signal.SIGTERM)

_depth = 0  # nesting of deferred() sections in progress
_pending: int | None = None  # a signal that arrived inside one
_worker = False  # set in a pool worker by in_worker()
_parent: int | None = None  # a pool worker's parent process
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class Interrupted(KeyboardInterrupt):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _pending
    if _depth:
        _pending = signum
        return
    raise Interrupted(signum)


def in_worker() -> None:
    """Set up a pool worker: Ctrl-C is the parent's to handle (it then stops the pool), and
    SIGTERM, the parent stopping the pool, ends the worker as it does by default, except
    inside ``deferred()``, which holds it until the write in progress has finished.

    A Python-level handler will not do in a worker: a signal that lands just before the
    worker blocks on the pool's queue lock is never acted on, and the pool waits forever.
    """
    global _worker, _parent
    _worker = True
    _parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent()


def _end_with_parent() -> None:
    """A worker whose parent was killed outright (SIGKILL, an OOM kill) would go on rewriting
    the rest of its batch, then die on the broken pipe with a traceback. On Linux the kernel
    sends it SIGTERM when the parent ends (held, like any SIGTERM, while a file is being
    replaced); elsewhere ``orphaned()`` is checked between files."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl in this C library: the check will do
            pass
    if orphaned():  # the parent ended before the kernel was asked to tell
        os._exit(128 + signal.SIGTERM)


def orphaned() -> bool:
    """In a pool worker: has the process that started it ended?"""
    return _parent is not None and os.getppid() != _parent


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
    """Hold SIGINT/SIGTERM until the block is done, then raise ``Interrupted`` (in a pool
    worker: then end the worker)."""
    global _depth, _pending
    if _worker and hasattr(signal, "pthread_sigmask"):  # POSIX: the kernel holds it
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        return
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _pending is not None:
            signum, _pending = _pending, None
            raise Interrupted(signum)
