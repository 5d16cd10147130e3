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


# -- git, asked by fix's dirty-tree guard, runs no command the repository configures -----------

# Every hook git knows: none should run, whichever git command the guard uses.
GIT_HOOKS = [
    "applypatch-msg",
    "pre-applypatch",
    "post-applypatch",
    "pre-commit",
    "pre-merge-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-checkout",
    "post-merge",
    "pre-push",
    "pre-receive",
    "update",
    "proc-receive",
    "post-receive",
    "post-update",
    "reference-transaction",
    "push-to-checkout",
    "pre-auto-gc",
    "post-rewrite",
    "sendemail-validate",
    "fsmonitor-watchman",
    "p4-changelist",
    "p4-prepare-changelist",
    "p4-post-changelist",
    "p4-pre-submit",
    "post-index-change",
]


def _hostile_repository(root: Path, marker: Path, fsmonitor: bool = True) -> Path:
    """A repository whose configuration names, for every command git can run, one that leaves
    a line in ``marker``."""
    from tests.gitrepo import git, init_repo

    def leaves(what: str) -> str:
        # "#" comments out the arguments git appends to a shell command.
        return f"echo {what} >> '{marker}' #"

    repo = init_repo(root)
    (repo / "app.py").write_text('MODEL = "gpt-4o"\n')
    (repo / ".gitattributes").write_text("* filter=evil diff=evil merge=evil\n*.py filter=other\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "app")
    hooks = root.parent / "hooks"
    hooks.mkdir()
    for hook in GIT_HOOKS:
        (hooks / hook).write_text(f"#!/bin/sh\n{leaves(hook)}\n")
        (hooks / hook).chmod(0o755)
    settings = {
        "core.fsmonitor": leaves("fsmonitor"),
        "core.hooksPath": str(hooks),
        "core.pager": leaves("pager"),
        "pager.status": leaves("pager.status"),
        "core.editor": leaves("editor"),
        "core.sshCommand": leaves("ssh"),
        "core.askPass": leaves("askpass"),
        "credential.helper": f"!{leaves('credential')}",
        "diff.external": leaves("diff.external"),
        "filter.evil.clean": leaves("clean"),
        "filter.evil.smudge": leaves("smudge"),
        "filter.evil.process": leaves("process"),
        "filter.evil.required": "true",
        "diff.evil.textconv": leaves("textconv"),
        "diff.evil.command": leaves("diff.command"),
        "merge.evil.driver": leaves("merge"),
        "include.path": str(root.parent / "included.config"),
    }
    if not fsmonitor:  # one that answers "nothing changed" hides what the others would do
        del settings["core.fsmonitor"]
    for key, value in settings.items():
        git(repo, "config", key, value)
    # A driver defined only in an included file is switched off all the same.
    (root.parent / "included.config").write_text(
        f'[filter "other"]\n\tclean = {leaves("included clean")}\n\trequired = true\n'
    )
    # A changed time stamp makes git read the file again, through its clean filter.
    os.utime(repo / "app.py", (1_000_000_000, 1_000_000_000))
    return repo


@pytest.mark.parametrize("case", ["config", "config-without-fsmonitor", "environment"])
def test_never_run_the_repositorys_code_git_commands_are_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    from tests.gitrepo import isolate_git

    isolate_git(monkeypatch)
    marker = tmp_path / "RAN"
    repo = _hostile_repository(tmp_path / "repo", marker, fsmonitor=case == "config")
    marker.unlink(missing_ok=True)  # the setup's own commits ran some of them
    monkeypatch.chdir(repo)
    if case == "environment":  # configuration git would take from the environment is ignored
        monkeypatch.setenv("GIT_CONFIG_PARAMETERS", f"'core.fsmonitor'='echo env >> {marker} #'")
        monkeypatch.setenv("GIT_EXTERNAL_DIFF", f"echo external >> '{marker}' #")
    result = CliRunner().invoke(main, ["fix", "."], catch_exceptions=False)
    assert not marker.exists(), marker.read_text()
    assert result.exit_code == 0, result.stderr
    assert (repo / "app.py").read_text() == 'MODEL = "gpt-4.1"\n'


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


class _Replying(BaseHTTPRequestHandler):
    """Answers every GET with HTTP 200 and the class's ``body``, whatever it is."""

    body = b""
    content_type = "application/json"
    url = ""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def replying_server() -> Iterator[type[_Replying]]:
    handler = type("Handler", (_Replying,), {})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def _verify_process(key: str, base_url: str, cwd: Path, log: str = "") -> tuple[int, str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "PYTHON"))},
        "OPENAI_API_KEY": key,
        "OPENAI_BASE_URL": base_url,
        "OPENAI_LOG": log,
    }
    done = subprocess.run(
        [MIGRATOR, "verify"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    return done.returncode, done.stdout + done.stderr


def _shows_the_key(output: str, key: str) -> bool:
    core = key.strip()
    pieces = [core[i : i + 12] for i in range(0, len(core) - 12)]
    return any(piece in output for piece in pieces)


@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n", " "])
@pytest.mark.parametrize("log_level", ["", "debug"])
def test_secrets_verify_hides_a_key_ending_in_a_line_break(
    tmp_path: Path, replying_server: type[_Replying], ending: str, log_level: str
) -> None:
    replying_server.body = b'{"object": "list", "data": []}'
    key = FAKE_KEY + ending
    code, output = _verify_process(key, replying_server.url, tmp_path, log_level)
    assert code == 2, output
    assert "OPENAI_API_KEY ends with" in output
    assert "Traceback" not in output
    assert not _shows_the_key(output, key), output


def test_secrets_verify_non_ascii_key_is_a_clear_error(
    tmp_path: Path, replying_server: type[_Replying]
) -> None:
    key = FAKE_KEY[:20] + "é" + FAKE_KEY[20:]
    code, output = _verify_process(key, replying_server.url, tmp_path)
    assert code == 2, output
    assert "OPENAI_API_KEY holds a non-ASCII character at position 21" in output
    assert "Traceback" not in output
    assert not _shows_the_key(output, key)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html>Welcome to nginx</html>", "text/html"),
        (b"<html>Welcome to nginx</html>", "application/json"),
        (b"", "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"[]", "application/json"),
        (b'"models"', "application/json"),
        (b'{"data": 5}', "application/json"),
        (b'{"data": [5]}', "application/json"),
        (b'{"data": [{"name": "gpt-4.1"}]}', "application/json"),
    ],
)
def test_secrets_verify_reply_that_is_not_a_model_list_is_a_clear_error(
    tmp_path: Path, replying_server: type[_Replying], body: bytes, content_type: str
) -> None:
    replying_server.body = body
    replying_server.content_type = content_type
    code, output = _verify_process(FAKE_KEY, replying_server.url, tmp_path)
    assert code == 2, output
    assert "answered, but not with a list of models" in output
    assert "Traceback" not in output


def test_secrets_verify_redacts_the_header_value_in_library_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, replying_server: type[_Replying]
) -> None:
    """Were the key check to miss a case, the HTTP library's own error is still redacted."""
    import migrator.verify

    monkeypatch.setattr(migrator.verify, "key_problem", lambda key: None)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_BASE_URL", replying_server.url)
    for key in (FAKE_KEY + "\r", FAKE_KEY + "\n", "\x01" + FAKE_KEY, FAKE_KEY + "é"):
        monkeypatch.setenv("OPENAI_API_KEY", key)
        result = CliRunner().invoke(main, ["verify"])
        assert result.exit_code == 2, (result.output, result.exception)
        assert "migrator: error:" in result.stderr
        assert not _shows_the_key(result.output, key), result.output


@pytest.mark.parametrize(
    "shown",
    [
        lambda k: k,
        repr,
        lambda k: repr(k.encode()),
        lambda k: repr(f"Bearer {k}".encode()),
        lambda k: json.dumps(f"Bearer {k}"),
        lambda k: __import__("urllib.parse").parse.quote(k),
        lambda k: __import__("urllib.parse").parse.quote_plus(f"Bearer {k}"),
        lambda k: k.encode("unicode_escape").decode(),
    ],
)
@pytest.mark.parametrize("key", [FAKE_KEY, FAKE_KEY + "\r\n", "tok\\en/with+odd=chars&é"])
def test_secrets_redact_masks_every_form_of_the_key(shown, key: str) -> None:
    from migrator.redaction import redact

    text = f"Illegal header value {shown(key)} in request"
    masked = redact(text, key)
    assert "***" in masked
    assert masked.startswith("Illegal header value ")
    assert masked.endswith(" in request")
    assert not _shows_the_key(masked, key) or len(key.strip()) < 12
    assert key.strip() not in masked
