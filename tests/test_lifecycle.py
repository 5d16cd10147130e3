"""Shutdown dates: in the rule data, in messages, in the run's closing note, in MIG005, and
the refusal to migrate to a model that has shut down. "Today" is frozen with --today or
MIGRATOR_TODAY (the suite runs on 2026-12-01, see conftest.py)."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.cli import main
from migrator.config import ConfigError, load_settings
from migrator.engine import Mode, run
from migrator.lifecycle import TODAY_VARIABLE, Calendar, written_model
from migrator.ruleset import RuleSet
from tests.test_formats import parse_github_line, sarif_validator

RULES = RuleSet.load()
GPT_41_SHUTDOWN = "2027-01-14"
# Every source mapped on to a later model (gpt-5 is in the SDK's list and has no date in the
# rule set): after 2027-01-14 the bundled mapping to gpt-4.1 is refused.
LATER = "[tool.migrator.models]\n" + "".join(
    f'"{source.id}" = "{"gpt-5-mini" if "mini" in source.id else "gpt-5"}"\n'
    for source in RULES.sources.values()
)


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)
    return result.exit_code, result.stdout, result.stderr


# -- dates in the rule data -------------------------------------------------------------------


def test_every_model_of_the_bundled_set_has_a_dated_entry_with_a_source() -> None:
    models = set(RULES.sources) | set(RULES.no_replacement)
    models |= {m for t in RULES.targets.values() for m in (t.id, t.snapshot)}
    assert models == set(RULES.shutdowns)
    assert all(shutdown.source for shutdown in RULES.shutdowns.values())


@pytest.mark.parametrize(
    ("model", "date"),
    [
        ("gpt-4o", GPT_41_SHUTDOWN),
        ("gpt-4o-mini-2024-07-18", GPT_41_SHUTDOWN),
        ("gpt-4.1", GPT_41_SHUTDOWN),
        ("gpt-4.1-mini-2025-04-14", GPT_41_SHUTDOWN),
        ("gpt-4.1-nano", "2026-10-23"),
        ("gpt-4o-2024-05-13", "2026-10-23"),
        ("chatgpt-4o-latest", "2026-02-17"),
        ("gpt-4.5-preview", "2025-07-14"),
        ("gpt-4o-audio-preview-2024-10-01", "2025-10-10"),
        ("gpt-4o-search-preview", "2026-07-23"),
        ("gpt-4o-realtime-preview", None),
    ],
)
def test_bundled_dates_match_the_reference(model: str, date: str | None) -> None:
    shutdown = RULES.shutdowns[model]
    assert (shutdown.date.isoformat() if shutdown.date else None) == date


def test_rules_dates_lists_every_model_by_date_with_past_ones_marked() -> None:
    code, out, _ = invoke("rules", "--dates", "--today", "2026-12-01")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Rule set 'gpt-4.1' seen on 2026-12-01")
    rows = [line.split() for line in lines[2:]]
    assert len(rows) == len(RULES.shutdowns)
    dates = [row[0] for row in rows]
    known = [d for d in dates if d != "-"]
    assert known == sorted(known) and dates[len(known) :] == ["-"] * (len(dates) - len(known))
    nano = next(line for line in lines if " gpt-4.1-nano " in line)
    assert "PAST (39 days ago)" in nano and "target" in nano
    gpt41 = next(line for line in lines if " gpt-4.1 " in line)
    assert "44 days left" in gpt41 and "PAST" not in gpt41


def test_rules_dates_works_after_the_targets_shut_down() -> None:
    # A command that moves no code still lists the dates (lint and fix would refuse to run).
    code, out, _ = invoke("rules", "--dates", "--today", "2027-02-01")
    assert code == 0
    assert "PAST (18 days ago)" in next(line for line in out.splitlines() if " gpt-4.1 " in line)


# -- messages before, on and after a shutdown date -------------------------------------------


@pytest.mark.parametrize(
    ("today", "verb"),
    [
        ("2027-01-13", "shuts down on 2027-01-14"),
        ("2027-01-14", "shut down on 2027-01-14"),  # on its day a model no longer answers
        ("2027-01-15", "shut down on 2027-01-14"),
    ],
)
def test_messages_say_when(in_tmp: Path, today: str, verb: str) -> None:
    (in_tmp / "pyproject.toml").write_text(LATER)
    (in_tmp / "app.py").write_text('A = "gpt-4o"\nB = "ft:gpt-4o-mini-2024-07-18:acme::x"\n')
    code, out, _ = invoke("lint", "--today", today, "app.py")
    assert code == 1
    assert f"app.py:1:5: MIG001 [*] 'gpt-4o' {verb}: use 'gpt-5'" in out
    assert f"'ft:gpt-4o-mini-2024-07-18:acme::x' {verb} with no drop-in GPT-4.1 replacement" in out


def test_message_of_a_model_without_a_date(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o-realtime-preview"\n')
    _, out, _ = invoke("lint", "app.py")
    assert "'gpt-4o-realtime-preview' retires with no drop-in GPT-4.1 replacement" in out


# -- no retired targets -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "code"), [("2027-01-13", 1), ("2027-01-14", 2), ("2027-06-01", 2)]
)
def test_the_bundled_mapping_is_refused_once_its_targets_shut_down(
    in_tmp: Path, today: str, code: int
) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    exit_code, out, err = invoke("lint", "--today", today, "app.py")
    assert exit_code == code
    if code == 2:
        assert out == ""
        assert f"'gpt-4.1' shut down on {GPT_41_SHUTDOWN}" in err and "Traceback" not in err
        assert "rule set 'gpt-4.1'" in err


def test_a_mapping_to_gpt_41_nano_is_refused(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text(
        '[tool.migrator.models]\n"gpt-4o-mini" = "gpt-4.1-nano"\n'
    )
    (in_tmp / "app.py").write_text('A = "gpt-4o-mini"\n')
    code, out, err = invoke("fix", "app.py")
    assert out == ""
    assert code == 2
    assert '[tool.migrator.models] "gpt-4o-mini"' in err
    assert "'gpt-4.1-nano' shut down on 2026-10-23 (39 days ago" in err
    assert (in_tmp / "app.py").read_text() == 'A = "gpt-4o-mini"\n'  # nothing written
    code, _, _ = invoke("fix", "--today", "2026-10-22", "app.py")  # the day before: allowed
    assert code == 0
    assert (in_tmp / "app.py").read_text() == 'A = "gpt-4.1-nano"\n'


def test_a_rule_file_mapping_to_a_retired_target_is_refused(in_tmp: Path) -> None:
    (in_tmp / "old.toml").write_text(
        'extends = "openai-api"\nname = "old"\n[targets."dead"]\nsnapshot = "dead-1"\n'
        'max_output_tokens = 10\ncontext_window = 10\ninputs = ["text"]\n'
        '[sources."older"]\nreplacement = "dead"\n'
        '[[shutdowns]]\ndate = 2020-01-01\nsource = "a test"\nids = ["dead"]\n'
    )
    with pytest.raises(ConfigError, match=r"'older' maps to 'dead'.*shut down on 2020-01-01"):
        load_settings(cwd=in_tmp, rules_path="old.toml")


# -- today ------------------------------------------------------------------------------------


def test_today_from_option_environment_and_clock(in_tmp: Path, monkeypatch) -> None:
    assert load_settings(today="2030-02-03", check_retired=False).calendar.today == dt.date(
        2030, 2, 3
    )
    monkeypatch.setenv(TODAY_VARIABLE, "2026-11-11")
    assert load_settings().calendar.today == dt.date(2026, 11, 11)
    monkeypatch.delenv(TODAY_VARIABLE)
    assert load_settings(check_retired=False).calendar.today == dt.date.today()


@pytest.mark.parametrize("bad", [("--today", "tomorrow"), ("--today", "2026-13-01")])
def test_a_bad_today_exits_2(in_tmp: Path, bad: tuple[str, str]) -> None:
    (in_tmp / "app.py").write_text("X = 1\n")
    code, _, err = invoke("lint", *bad, "app.py")
    assert code == 2 and "is not a date (YYYY-MM-DD)" in err


def test_a_bad_today_variable_exits_2(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text("X = 1\n")
    code, _, err = invoke("lint", "app.py", env={TODAY_VARIABLE: "01/12/2026"})
    assert code == 2 and f"{TODAY_VARIABLE}: '01/12/2026' is not a date" in err


# -- the closing note -------------------------------------------------------------------------

NOTE = (
    "Note: the models this run moves code to have announced shutdown dates too: "
    "gpt-4.1 on 2027-01-14 (44 days left). Plan the next migration (migrator rules --dates)."
)


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\nB = "gpt-4o-audio-preview"\n')
    return in_tmp


def test_text_note_ends_lint_and_fix(project: Path) -> None:
    code, out, _ = invoke("lint")
    assert code == 1
    assert out.splitlines()[-1] == NOTE
    code, out, _ = invoke("fix", "--diff")
    assert code == 1
    code, out, _ = invoke("fix")
    assert code == 1  # MIG002 is left: the note changes no exit code
    assert out.splitlines()[-1] == NOTE
    code, out, _ = invoke("fix")  # nothing left to move: no note
    assert NOTE not in out


def test_note_never_changes_an_exit_code(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    code, out, _ = invoke("fix")
    assert code == 0 and NOTE in out
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    code, out, _ = invoke("lint", "--exit-zero")
    assert code == 0 and NOTE in out


def test_note_with_diff_goes_to_stderr_and_quiet_drops_it(project: Path) -> None:
    _, out, err = invoke("fix", "--diff")
    assert NOTE in err and NOTE not in out
    _, out, err = invoke("lint", "-q")
    assert NOTE not in out + err


def test_json_note_keeps_the_array(project: Path) -> None:
    _, out, err = invoke("lint", "--format", "json")
    data = json.loads(out)
    assert isinstance(data, list) and [f["code"] for f in data] == ["MIG001", "MIG002"]
    assert data[0]["target_shutdown"] == {"model": "gpt-4.1", "date": "2027-01-14", "days_left": 44}
    assert "target_shutdown" not in data[1]
    assert NOTE in err
    # Every fix applied: the array is empty, the note is still given.
    _, out, err = invoke("fix", "--format", "json", "--ignore", "MIG002")
    assert json.loads(out) == [] and NOTE in err


def test_sarif_note_is_a_notification(project: Path) -> None:
    code, out, _ = invoke("lint", "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    sarif_validator().validate(log)
    [note] = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "note" and note["message"]["text"] == NOTE
    assert note["properties"]["targetShutdowns"] == [
        {"model": "gpt-4.1", "date": "2027-01-14", "days_left": 44}
    ]
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_github_note_is_a_notice(project: Path) -> None:
    _, out, _ = invoke("lint", "--format", "github")
    kind, props, message = parse_github_line(out.splitlines()[-1])
    assert kind == "notice" and message == NOTE
    assert props["title"] == "migrator: target shutdown dates"


def test_junit_note_is_a_property(project: Path) -> None:
    _, out, _ = invoke("lint", "--format", "junit")
    suites = ET.fromstring(out.split("\n", 1)[1])
    for suite in suites:
        [prop] = suite.findall("properties/property")
        assert prop.get("name") == "migrator.target-shutdown" and prop.get("value") == NOTE
    # A clean run moves nothing: no note.
    (project / "app.py").write_text("X = 1\n")
    _, out, _ = invoke("lint", "--format", "junit")
    assert "target-shutdown" not in out


def test_no_note_when_the_target_has_no_date(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.migrator.models]\n"gpt-4o" = "gpt-5"\n')
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    _, out, _ = invoke("lint")
    assert "Note:" not in out


def test_note_names_each_target_and_date(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\nB = "openai/gpt-4o-mini-2024-07-18"\n')
    result = run([in_tmp], load_settings(), Mode.LINT)
    assert [(t.model, t.date.isoformat(), t.days_left) for t in result.target_shutdowns] == [
        ("gpt-4.1", "2027-01-14", 44),
        ("gpt-4.1-mini-2025-04-14", "2027-01-14", 44),
    ]


@pytest.mark.parametrize(
    ("literal", "value"),
    [("'gpt-4.1'", "gpt-4.1"), ('"openai/gpt-4.1"', "openai/gpt-4.1"), ("gpt-4.1", "gpt-4.1")],
)
def test_written_model(literal: str, value: str) -> None:
    assert written_model(literal) == value


# -- MIG005 -----------------------------------------------------------------------------------

SOURCE = 'A = "gpt-4.1"\nB = "gpt-4o-realtime-preview"\nC = "gpt-4.5-preview"\nD = "o3"\n'


def test_mig005_is_opt_in(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(SOURCE)
    _, out, _ = invoke("lint", "app.py")
    assert "MIG005" not in out


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # 90 days before gpt-4.1's date: not yet near (within 90 days means 90 or fewer left).
        (
            "2026-10-15",
            ["app.py:3:5: MIG005 'gpt-4.5-preview' shut down on 2025-07-14 (458 days ago)"],
        ),
        (
            "2026-10-16",
            [
                "app.py:1:5: MIG005 'gpt-4.1' shuts down on 2027-01-14 (90 days left)",
                "app.py:3:5: MIG005 'gpt-4.5-preview' shut down on 2025-07-14 (459 days ago)",
            ],
        ),
    ],
)
def test_mig005_reports_dates_within_the_window(in_tmp: Path, today: str, expected) -> None:
    (in_tmp / "app.py").write_text(SOURCE)
    code, out, _ = invoke("lint", "--select", "MIG005", "--today", today, "-q", "app.py")
    assert code == 1
    assert out.splitlines() == expected


def test_mig005_on_and_after_the_date(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('A = "gpt-4o"\n')
    # gpt-4o maps to gpt-4.1, refused once gpt-4.1 has shut down: map it on to a later model.
    (in_tmp / "pyproject.toml").write_text('[tool.migrator]\nselect = ["MIG005"]\n' + LATER)
    _, out, _ = invoke("lint", "--today", "2027-01-14", "-q", "app.py")
    assert out == "app.py:1:5: MIG005 'gpt-4o' shut down on 2027-01-14 (shuts down today)\n"
    _, out, _ = invoke("lint", "--today", "2027-01-15", "-q", "app.py")
    assert out == "app.py:1:5: MIG005 'gpt-4o' shut down on 2027-01-14 (1 day ago)\n"


def test_mig005_window_from_config(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text("[tool.migrator]\nwarn-within-days = 30\n")
    (in_tmp / "app.py").write_text('A = "gpt-4.1"\n')
    code, out, _ = invoke("lint", "--select", "MIG005", "app.py")
    assert code == 0 and "MIG005" not in out  # 44 days left, more than 30
    (in_tmp / "pyproject.toml").write_text("[tool.migrator]\nwarn-within-days = 44\n")
    code, out, _ = invoke("lint", "--select", "MIG005", "app.py")
    assert code == 1 and "(44 days left)" in out


@pytest.mark.parametrize("value", ["-1", "true", '"90"'])
def test_mig005_window_must_be_a_number(in_tmp: Path, value: str) -> None:
    (in_tmp / "pyproject.toml").write_text(f"[tool.migrator]\nwarn-within-days = {value}\n")
    (in_tmp / "app.py").write_text("X = 1\n")
    code, _, err = invoke("lint", "app.py")
    assert code == 2 and "warn-within-days must be a number of days" in err


def test_mig005_screened_run_equals_unscreened(in_tmp: Path) -> None:
    # A file naming only a target: the screens (built for MIG001-MIG004) would turn it away.
    for i in range(3):
        (in_tmp / f"m{i}.py").write_text(f'MODEL_{i} = "openai/gpt-4.1-mini"\n')
    settings = load_settings(select=["MIG005"])
    screened = run([in_tmp], settings, Mode.LINT, jobs=1)
    unscreened = run([in_tmp], settings, Mode.LINT, jobs=1, screens=False)
    assert screened.findings == unscreened.findings
    assert [f.code for f in screened.findings] == ["MIG005"] * 3


def test_calendar_phrases() -> None:
    calendar = Calendar(dt.date(2026, 12, 1))
    assert calendar.days_phrase(dt.date(2026, 12, 2)) == "1 day left"
    assert calendar.days_phrase(dt.date(2026, 12, 1)) == "shuts down today"
    assert calendar.days_phrase(dt.date(2026, 11, 29)) == "2 days ago"
    assert calendar.verb(None) == "retires"


@pytest.mark.parametrize(
    ("name", "text", "column"),
    [
        ("c.yaml", "llm:\n  model: openai/gpt-4.1\n", 10),
        ("c.json", '{"model": "gpt-4.1"}\n', 11),
        ("b.jsonl", '{"custom_id": "1", "body": {"model": "gpt-4.1"}}\n', 38),
        ("c.toml", 'model = "gpt-4.1"\n', 9),
        (".env", "MODEL=gpt-4.1\n", 7),
    ],
)
def test_mig005_in_config_files(in_tmp: Path, name: str, text: str, column: int) -> None:
    (in_tmp / name).write_text(text)
    code, out, _ = invoke("lint", "--select", "MIG005", "-q", name)
    assert code == 1
    assert f":{column}: MIG005 " in out and "shuts down on 2027-01-14 (44 days left)" in out
    code, out, _ = invoke("lint", "-q", name)  # opt-in
    assert code == 0 and out == ""


def test_mig005_opens_the_screens_only_when_selected() -> None:
    from migrator.screen import Screen

    assert not Screen(RULES).wanted.everything  # the default selection: screened as before
    assert not Screen.for_settings(load_settings()).wanted.everything
    assert Screen.for_settings(load_settings(select=["MIG005"])).wanted.everything
