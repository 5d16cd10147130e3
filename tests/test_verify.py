"""``migrator verify`` against a local stand-in for the OpenAI API on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from migrator.cli import main

KEY = "sk-test-DO-NOT-PRINT-0123456789"
ALIASES = ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"]
SNAPSHOTS = ["gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14"]


class FakeAPI(BaseHTTPRequestHandler):
    models: ClassVar[list[str]] = []
    # model -> its shutdown_date field as sent (None: null); a model not here has no such key
    dates: ClassVar[dict[str, object]] = {}
    status = 200
    seen_keys: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen_keys.append(self.headers.get("Authorization", ""))
        if self.path.rstrip("/") != "/v1/models":
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid"}})
        elif self.status == 401:
            # A careless server may echo the key back; migrator must still not print it.
            message = f"Incorrect API key provided: {KEY}."
            self._send(401, {"error": {"message": message, "code": "invalid_api_key"}})
        elif self.status != 200:
            self._send(self.status, {"error": {"message": f"boom, key {KEY}"}})
        else:
            data = [
                {"id": m, "object": "model", "created": 0, "owned_by": "openai"}
                | ({"shutdown_date": self.dates[m]} if m in self.dates else {})
                for m in self.models
            ]
            self._send(200, {"object": "list", "data": data})

    def _send(self, status: int, body: object) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakeAPI]]:
    handler = type(
        "Handler", (FakeAPI,), {"models": [], "status": 200, "seen_keys": [], "dates": {}}
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    point_at(monkeypatch, f"http://127.0.0.1:{server.server_address[1]}/v1")
    yield handler
    server.shutdown()
    server.server_close()


def point_at(monkeypatch: pytest.MonkeyPatch, base_url: str) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    for name in ("OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


def verify(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["verify", *args], catch_exceptions=False)
    assert KEY not in result.stdout and KEY not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_all_targets_available(api) -> None:
    api.models = ["gpt-3.5-turbo", *ALIASES, *SNAPSHOTS]
    code, out, _ = verify()
    assert code == 0
    assert api.seen_keys == [f"Bearer {KEY}"]  # the key was sent, just never printed
    # The availability report; the shutdown dates follow it (tested below).
    lines = out.split("\nShutdown dates")[0].splitlines()
    assert lines[0].endswith(": this API key can use 6 models.")
    assert lines[1].split()[:2] == ["ok", "gpt-4.1"]
    assert "chatgpt-4o-latest" in lines[1] and "gpt-4.5-preview" in lines[1]
    assert {line.split()[1] for line in lines[1:-1]} == {
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-4.1-2025-04-14",
        "gpt-4.1-mini-2025-04-14",
    }
    assert lines[-1] == "All 4 targets are available."


def test_missing_model_exits_1(api) -> None:
    api.models = ALIASES  # no dated snapshots, which dated sources move to by default
    code, out, _ = verify()
    assert code == 1
    missing = [line.split()[1] for line in out.splitlines() if line.startswith("  MISSING")]
    assert missing == SNAPSHOTS
    assert "2 of 4 targets are not available to this key" in out


def test_snapshot_mode_changes_what_is_checked(api) -> None:
    api.models = ALIASES
    code, out, _ = verify("--snapshot", "never")
    assert code == 0
    assert "All 2 targets are available." in out
    code, out, _ = verify("--snapshot", "always")
    assert code == 1


def test_config_overrides_change_the_active_mapping(api, in_tmp: Path) -> None:
    # gpt-4.1-nano shut down on 2026-10-23 (a mapping to it is refused): the suite's day is
    # before that here.
    (in_tmp / "pyproject.toml").write_text(
        '[tool.migrator]\nsnapshot = "never"\n[tool.migrator.models]\n"gpt-4o" = "gpt-4.1-nano"\n'
    )
    api.models = ["gpt-4.1-nano", "gpt-4.1-mini"]
    code, out, _ = verify("--today", "2026-10-01")
    assert code == 1
    assert "  ok       gpt-4.1-nano" in out
    assert "  MISSING  gpt-4.1       " in out  # still the target of gpt-4.5-preview


def test_unauthorized_exits_2_without_the_key(api) -> None:
    api.status = 401
    code, out, err = verify()
    assert code == 2
    assert out == ""
    assert "rejected the API key (HTTP 401): check OPENAI_API_KEY" in err


def test_other_http_error_exits_2_without_the_key(api) -> None:
    api.status = 500
    code, _, err = verify()
    assert code == 2
    assert "answered HTTP 500" in err
    assert "boom, key ***" in err


def test_connection_refused_exits_2_fast(in_tmp: Path, monkeypatch) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    point_at(monkeypatch, f"http://127.0.0.1:{port}/v1")
    started = time.monotonic()
    code, out, err = verify()
    assert code == 2
    assert out == ""
    assert f"cannot connect to http://127.0.0.1:{port}/v1" in err
    assert time.monotonic() - started < 10  # no retries


def test_no_key_exits_2(in_tmp: Path, monkeypatch) -> None:
    point_at(monkeypatch, "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    code, _, err = verify()
    assert code == 2
    assert "set OPENAI_API_KEY" in err


def test_credentials_in_the_base_url_are_not_shown(api, monkeypatch) -> None:
    plain = os.environ["OPENAI_BASE_URL"]
    monkeypatch.setenv("OPENAI_BASE_URL", plain.replace("http://", "http://user:hunter2@"))
    api.models = [*ALIASES, *SNAPSHOTS]
    code, out, _ = verify()
    assert code == 0
    assert "hunter2" not in out
    assert out.startswith(plain + ": this API key can use 5 models.")


# -- live shutdown dates ----------------------------------------------------------------------


def date_lines(out: str) -> dict[str, str]:
    """The shutdown-date report, by model."""
    section = out.split("\nShutdown dates, live from the API and from the rule set")[1]
    return {line.split()[2]: line for line in section.splitlines()[1:] if line.startswith("  ")}


def test_live_dates_present_absent_and_different(api, in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\nB = "gpt-4o-search-preview"\nC = "o3"\n')
    api.models = ["gpt-4o", "gpt-4o-search-preview", *ALIASES, *SNAPSHOTS]
    api.dates = {
        "gpt-4.1": "2027-01-14",  # as the rule set has it
        "gpt-4.1-mini": "2027-03-01",  # moved: the API wins
        "gpt-4.1-2025-04-14": None,  # null: none announced, but the rule set has one
        "gpt-4o": "2027-01-14",
        # gpt-4.1-mini-2025-04-14 and gpt-4o-search-preview: no shutdown_date key at all
    }
    code, out, _ = verify()
    assert code == 0  # dates never change the exit code: availability does
    lines = date_lines(out)
    assert set(lines) == {
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-4.1-2025-04-14",
        "gpt-4.1-mini-2025-04-14",
        "gpt-4o",
        "gpt-4o-search-preview",
    }
    assert lines["gpt-4.1"].split()[:2] == ["target", "ok"]
    assert "live 2027-01-14" in lines["gpt-4.1"] and "DIFFERS" not in lines["gpt-4.1"]
    assert "(44 days left)" in lines["gpt-4.1"]
    assert (
        "live 2027-03-01" in lines["gpt-4.1-mini"]
        and "rule set 2027-01-14" in lines["gpt-4.1-mini"]
    )
    assert "DIFFERS" in lines["gpt-4.1-mini"] and "(90 days left)" in lines["gpt-4.1-mini"]
    assert "live none" in lines["gpt-4.1-2025-04-14"] and "DIFFERS" in lines["gpt-4.1-2025-04-14"]
    mini_snapshot = lines["gpt-4.1-mini-2025-04-14"]  # the API sent no date: nothing to compare
    assert "live not-given" in mini_snapshot and "DIFFERS" not in mini_snapshot
    assert lines["gpt-4o"].split()[:2] == ["used", "ok"]
    search = lines["gpt-4o-search-preview"]
    assert "rule set 2026-07-23" in search and "live not-given" in search
    assert "DIFFERS" not in search and "(131 days ago)" in search
    assert "2 live date(s) differ from the rule set's." in out


def test_live_dates_of_models_not_listed(api, in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o-mini"\n')
    api.models = [*ALIASES, *SNAPSHOTS]
    api.dates = {"gpt-4.1-mini": "2027-01-14"}
    code, out, _ = verify("app.py")
    assert code == 0
    lines = date_lines(out)
    assert lines["gpt-4o-mini"].split()[:3] == ["used", "MISSING", "gpt-4o-mini"]
    assert "live -" in lines["gpt-4o-mini"] and "DIFFERS" not in lines["gpt-4o-mini"]
    assert "differ" not in out.splitlines()[-1]


def test_live_dates_from_the_raw_reply() -> None:
    """Read from the JSON itself: the SDK's Model type may lack the field."""
    from migrator.verify import LiveDate, live_dates

    body = json.dumps(
        {
            "data": [
                {"id": "a", "shutdown_date": "2027-01-14"},
                {"id": "b", "shutdown_date": "2027-02-01T00:00:00Z"},
                {"id": "c", "shutdown_date": 1800000000},  # a Unix timestamp
                {"id": "d", "shutdown_date": "soon"},
                {"id": "e", "shutdown_date": None},
                {"id": "f"},
            ]
        }
    ).encode()
    found = live_dates(body)
    assert found["a"] == LiveDate(dt.date(2027, 1, 14))
    assert found["b"] == LiveDate(dt.date(2027, 2, 1))
    assert found["c"] == LiveDate(dt.date(2027, 1, 15))
    assert found["d"] == LiveDate(None, "soon")
    assert found["e"] == LiveDate(None)
    assert found["f"] == LiveDate(None, given=False)
    assert live_dates(b"not json") == {}


def test_verify_reports_targets_that_have_shut_down(api, in_tmp: Path) -> None:
    # lint and fix refuse the bundled mapping after 2027-01-14; verify still reports on it.
    api.models = [*ALIASES, *SNAPSHOTS]
    api.dates = {"gpt-4.1": "2027-01-14"}
    code, out, _ = verify("--today", "2027-02-01")
    assert code == 0
    assert "live 2027-01-14  rule set 2027-01-14  (18 days ago)" in date_lines(out)["gpt-4.1"]
