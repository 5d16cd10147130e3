"""Run a command with stdout or stderr on a pseudo-terminal, as a user's shell would."""

from __future__ import annotations

import os
import pty
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_on_tty(
    command: Sequence[str], *, tty: str, cwd: Path, env: Mapping[str, str] | None = None
) -> tuple[int, str, str]:
    """Run ``command`` with ``tty`` ("stdout" or "stderr") on a terminal, the other on a pipe.

    Returns (exit code, what went to the terminal, what went to the pipe).
    """
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        # Read while the command runs: a terminal's buffer is small and a full one blocks it.
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO once the command has closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    streams = (
        {"stdout": slave, "stderr": subprocess.PIPE}
        if tty == "stdout"
        else {
            "stdout": subprocess.PIPE,
            "stderr": slave,
        }
    )
    done = subprocess.Popen(command, cwd=cwd, env=env, **streams)  # type: ignore[call-overload]
    os.close(slave)
    piped = (done.stderr if tty == "stdout" else done.stdout).read()
    code = done.wait(timeout=120)
    reader.join(timeout=10)
    os.close(master)
    return code, b"".join(chunks).decode(errors="replace"), piped.decode(errors="replace")
