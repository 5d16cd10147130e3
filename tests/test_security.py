"""The scanned tree is data: nothing in it runs, and an API key never reaches the output."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import main

MIGRATOR = str(Path(sys.executable).with_name("migrator"))

# Files Python, pytest, setuptools or nox would run, and modules named like migrator's own
# dependencies: if migrator imported or executed any of them, the marker file would appear.
HOSTILE_FILES = [
    "conftest.py",
    "setup.py",
    "sitecustomize.py",
    "usercustomize.py",
    "__init__.py",
    "__main__.py",
    "noxfile.py",
    "pkg/__init__.py",
    "pkg/conftest.py",
    "libcst.py",
    "click.py",
    "pathspec.py",
    "openai/__init__.py",
    "tomli.py",
    "migrator_plugin.py",
]


@pytest.fixture
def hostile_tree(tmp_path: Path) -> tuple[Path, Path]:
    tree = tmp_path / "tree"
    marker = tmp_path / "EXECUTED"
    payload = f'open({str(marker)!r}, "a").write(__file__ + "\\n")\nMODEL = "gpt-4o"\n'
    for name in HOSTILE_FILES:
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(payload)
    (tree / "evil.pth").write_text(f"import os; os.system('touch {marker}')\n")
    # A model override the rule set does not know makes migrator consult the openai SDK.
    (tree / "pyproject.toml").write_text(
        '[tool.migrator]\nexclude = ["nothing/"]\n\n[tool.migrator.models]\n"gpt-4o" = "o3"\n'
    )
    return tree, marker


def test_nothing_in_the_scanned_tree_is_executed(hostile_tree: tuple[Path, Path]) -> None:
    tree, marker = hostile_tree
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    runs = [
        [MIGRATOR, "lint", "."],
        [MIGRATOR, "fix", "--diff", "."],
        # `python -m` puts the current directory (the scanned tree) first on sys.path
        [sys.executable, "-m", "migrator", "lint", "."],
        [MIGRATOR, "fix", "--unsafe-fixes", "."],
    ]
    for args in runs:
        done = subprocess.run(args, cwd=tree, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode in (0, 1), done.stderr
        assert not marker.exists(), f"{args}: {marker.read_text()}"
    # The files were read and fixed as text all the same.
    assert 'MODEL = "o3"' in (tree / "conftest.py").read_text()
    assert 'MODEL = "o3"' in (tree / "openai" / "__init__.py").read_text()


def test_nothing_in_the_scanned_tree_is_executed_in_process(
    hostile_tree: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    tree, marker = hostile_tree
    monkeypatch.chdir(tree)
    modules_before = set(sys.modules)
    result = CliRunner().invoke(main, ["fix", "."], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert not marker.exists()
    loaded_from_tree = [
        name
        for name in set(sys.modules) - modules_before
        if str(tree) in str(getattr(sys.modules[name], "__file__", "") or "")
    ]
    assert loaded_from_tree == []


# -- migrator verify: the API key stays secret, also when the server misbehaves ---------------

FAKE_KEY = "sk-proj-FAKEKEY0123456789abcdefTESTONLY"


class _EchoingUnauthorized(BaseHTTPRequestHandler):
    """A server that rejects the key and, like a careless proxy, echoes it back."""

    def do_GET(self) -> None:
        sent = self.headers.get("Authorization", "")
        body = json.dumps(
            {
                "error": {
                    "message": f"Incorrect API key provided: {sent}",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            }
        ).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("WWW-Authenticate", sent)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def unauthorized_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _EchoingUnauthorized)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # nothing listens there any more


@pytest.mark.skipif("verify" not in main.commands, reason="migrator verify is not built yet")
@pytest.mark.parametrize("server", ["unauthorized", "refused"])
@pytest.mark.parametrize("log_level", ["", "debug"])
def test_verify_never_shows_the_api_key(
    tmp_path: Path, request: pytest.FixtureRequest, server: str, log_level: str
) -> None:
    base_url = request.getfixturevalue("unauthorized_server") if server == "unauthorized" else ""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "PYTHON"))},
        "OPENAI_API_KEY": FAKE_KEY,
        "OPENAI_BASE_URL": base_url or _closed_port(),
        "OPENAI_LOG": log_level,
        "OPENAI_MAX_RETRIES": "0",
    }
    done = subprocess.run(
        [MIGRATOR, "verify"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert output.strip(), "an error must say what went wrong"
    assert FAKE_KEY not in output
    assert FAKE_KEY[8:24] not in output  # not even a long piece of it
