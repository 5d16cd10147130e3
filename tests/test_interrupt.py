"""SIGINT or SIGTERM in the middle of ``migrator fix``: every file is whole, old or new."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FILES = 3000
SOURCE = (
    b'"""A module of a large generated tree."""\n\n'
    + b"".join(
        b'def call_%d(client):\n    return client.chat.completions.create(model="gpt-4o", '
        b'messages=[{"role": "user", "content": "%d"}], temperature=0.%d)\n\n' % (i, i, i)
        for i in range(20)
    )
    + b'DEFAULT = "gpt-4o-mini"\n'
)
FIXED = SOURCE.replace(b'"gpt-4o"', b'"gpt-4.1"').replace(b'"gpt-4o-mini"', b'"gpt-4.1-mini"')


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_fix_leaves_every_file_whole(tmp_path: Path, signum: int) -> None:
    tree = tmp_path / "tree"
    files = []
    for i in range(FILES):
        path = tree / f"pkg{i // 100:02d}" / f"mod{i:04d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(SOURCE)
        files.append(path)

    process = subprocess.Popen(
        [sys.executable, "-m", "migrator", "fix", "tree"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while files[0].read_bytes() == SOURCE:  # wait until the run is writing files
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no file was fixed within two minutes"
            time.sleep(0.005)
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 128 + signum, err
    assert "interrupted" in err
    assert "Traceback" not in err  # the workers, stopped by the pool, exit quietly
    contents = [path.read_bytes() for path in files]
    assert set(contents) <= {SOURCE, FIXED}  # whole files only, old or new
    assert 0 < contents.count(FIXED) < FILES  # the signal did land mid-run
    ast.parse(SOURCE)
    ast.parse(FIXED)
    assert sorted(tree.rglob(".*.migrator")) == []  # no temporary file left behind


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_a_write_waits_for_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int
) -> None:
    from migrator.files import write_atomic
    from migrator.interrupts import Interrupted, handle_signals

    app = tmp_path / "app.py"
    app.write_bytes(SOURCE)
    real_replace = os.replace

    def replace_after_a_signal(src: str, dst: str) -> None:
        os.kill(os.getpid(), signum)  # arrives between the temporary file and the rename
        time.sleep(0.05)  # Python runs handlers between bytecodes: give it the chance
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_after_a_signal)
    before = signal.getsignal(signum)
    with handle_signals(), pytest.raises(Interrupted) as info:
        write_atomic(app, FIXED, expected=SOURCE)
    assert info.value.signum == signum
    assert app.read_bytes() == FIXED  # the write finished before the interrupt was raised
    assert sorted(tmp_path.iterdir()) == [app]
    assert signal.getsignal(signum) == before  # handlers restored


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_worker_ends_on_sigterm_once_its_write_is_done() -> None:
    # The pool stops its workers with SIGTERM (a run cut short); Ctrl-C is for the parent.
    script = (
        "import os, signal, time\n"
        "from migrator.interrupts import deferred, in_worker\n"
        "in_worker()\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "with deferred():\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(0.2)\n"
        "    print('written', flush=True)\n"
        "time.sleep(30)\n"
        "print('not stopped', flush=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (-signal.SIGTERM, "written\n", "")
