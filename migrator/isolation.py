"""Checking a big file in a child process with a memory ceiling, so that it costs one file.

LibCST's tree takes several hundred times the source's size (a 4.9 MB module: 3.7 GB in
``fix``), and when an allocation fails its native allocator aborts the whole process: no
message, no summary, the other files never checked. A file over ``ISOLATE_ABOVE`` bytes is
therefore checked in a forked child whose address space is capped at what the process
already uses plus ``MEMORY_BUDGET``; if the child runs out, only that file is reported.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import TypeVar

# Below this a file's tree fits in well under a gigabyte: checked in-process, no fork.
ISOLATE_ABOVE = 1024 * 1024
# Memory a file's check may add to the process (virtual address space, so with room for
# the allocator's arenas): the tree of a module of about 2.5 MB.
MEMORY_BUDGET = 2 * 1024 * 1024 * 1024

T = TypeVar("T")


class TooLarge(Exception):
    """The check ran out of its memory budget (or died); the file is not checked."""


def supported() -> bool:
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def run_bounded(work: Callable[[], T], budget: int | None = None) -> T:
    """``work()`` in a forked child limited to ``budget`` more bytes of address space.

    Raises ``TooLarge`` when the child fails to return (out of memory: a MemoryError, or
    the native allocator's abort). Exceptions of ``work`` come back as they were raised.
    """
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read_end)
        _child(work, write_end, MEMORY_BUDGET if budget is None else budget)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
    except BaseException:  # interrupted: the child must not outlive the run
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        raise
    _, status = os.waitpid(child, 0)
    try:
        ok, value = pickle.loads(data)
    except Exception:  # nothing, or half a message: the child died on the way
        raise TooLarge(_death(status)) from None
    if not ok:
        raise value
    result: T = value
    return result


def _child(work: Callable[[], object], write_end: int, budget: int) -> None:  # pragma: no cover
    # Ctrl-C is the parent's (it kills this child); SIGTERM ends it as it would a worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The allocator's dying words ("memory allocation of 360 bytes failed", a backtrace) are
    # not for the user: the parent reports the file. Findings and warnings come back by pipe.
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    import faulthandler

    faulthandler.disable()  # an abort here is expected (pytest and -X faulthandler enable it)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    code = 0
    try:
        import resource

        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        ceiling = _address_space() + budget
        if hard != resource.RLIM_INFINITY:
            ceiling = min(ceiling, hard)
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
        try:
            message = pickle.dumps((True, work()))
        except MemoryError:
            code = 3
            message = b""
        except Exception as exc:
            message = pickle.dumps((False, exc))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(message)
    except BaseException:
        code = 4
    finally:
        os._exit(code)


def _address_space() -> int:
    """This process's virtual size in bytes (what RLIMIT_AS counts)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _death(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"its check was killed by signal {os.WTERMSIG(status)}"
    return "its check ran out of memory"
