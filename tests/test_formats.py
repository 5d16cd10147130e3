"""Every output format reports the same findings; SARIF validates against the 2.1.0 schema."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

import jsonschema
import pytest
from click.testing import CliRunner

from migrator.checks import all_rules
from migrator.cli import FORMAT_NAMES, main
from migrator.formats import FORMATS
from migrator.formats.github import escape_data, escape_property

SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
ODD_NAME = "odd, name: 100%.py"  # a comma, a colon and a percent sign to escape
SOURCES = {
    "app.py": (
        'client.chat.completions.create(model="gpt-4o", messages=[])\n'
        'COST = PRICES["gpt-4o-mini"]\n'
        'VOICE = "gpt-4o-audio-preview"\n'
    ),
    ODD_NAME: 'MODEL = "openai/gpt-4.5-preview"\n',
}
EXPECTED = {
    ("app.py", 1, 38, "MIG001"),
    ("app.py", 2, 15, "MIG001"),
    ("app.py", 3, 9, "MIG002"),
    (ODD_NAME, 1, 9, "MIG001"),
}
Located = set[tuple[str, int, int, str]]


@pytest.fixture
def project(in_tmp: Path) -> Path:
    for name, source in SOURCES.items():
        (in_tmp / name).write_text(source)
    return in_tmp


def lint(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["lint", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def parse_text(out: str) -> Located:
    found = set()
    for line in out.splitlines():
        m = re.match(r"(.*):(\d+):(\d+): (MIG\d{3}) ", line)
        if m:
            found.add((m[1], int(m[2]), int(m[3]), m[4]))
    return found


def parse_json(out: str) -> Located:
    return {(f["path"], f["line"], f["column"], f["code"]) for f in json.loads(out)}


def _unescape(value: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, raw)
    return value


def parse_github_line(line: str) -> tuple[str, dict[str, str], str]:
    m = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert m, line
    props = dict(item.split("=", 1) for item in m[2].split(","))
    return m[1], {k: _unescape(v) for k, v in props.items()}, _unescape(m[3])


def parse_github(out: str) -> Located:
    found = set()
    for line in out.splitlines():
        kind, props, _ = parse_github_line(line)
        if kind == "notice":  # the run's note on target shutdown dates: not a finding
            continue
        found.add((props["file"], int(props["line"]), int(props["col"]), props["title"]))
    return found


def parse_sarif(out: str) -> Located:
    results = json.loads(out)["runs"][0]["results"]
    found = set()
    for r in results:
        where = r["locations"][0]["physicalLocation"]
        uri = unquote(where["artifactLocation"]["uri"])
        found.add((uri, where["region"]["startLine"], where["region"]["startColumn"], r["ruleId"]))
    return found


def parse_junit(out: str) -> Located:
    root = ET.fromstring(out.encode())
    found = set()
    for case in root.iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            continue
        m = re.fullmatch(r"(MIG\d{3}) at (\d+):(\d+)", case.get("name", ""))
        assert m
        assert failure.get("type") == m[1]
        found.add((case.get("file", ""), int(case.get("line", "0")), int(m[3]), m[1]))
    return found


PARSERS = {
    "text": parse_text,
    "json": parse_json,
    "github": parse_github,
    "sarif": parse_sarif,
    "junit": parse_junit,
}


def test_every_format_has_a_parser_here_and_the_cli_offers_them_all() -> None:
    assert set(FORMATS) == set(FORMAT_NAMES) == set(PARSERS)


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_same_findings_in_every_format(project: Path, name: str) -> None:
    code, out, _ = lint("--format", name)
    assert code == 1
    assert PARSERS[name](out) == EXPECTED


def test_github_escapes_properties_and_message(project: Path) -> None:
    _, out, _ = lint("--format", "github", ODD_NAME)
    assert out.startswith(
        "::error file=odd%2C name%3A 100%25.py,line=1,col=9,endLine=1,endColumn=33,title=MIG001::"
    )
    kind, props, message = parse_github_line(out.splitlines()[0])
    assert kind == "error"
    assert props["file"] == ODD_NAME
    assert message == (
        "'openai/gpt-4.5-preview' shut down on 2025-07-14: use 'openai/gpt-4.1' "
        "(fixable with 'migrator fix')"
    )


def test_github_escape_functions() -> None:
    assert escape_data("50% off\r\nnext: a, b") == "50%25 off%0D%0Anext: a, b"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_github_reports_unreadable_files(in_tmp: Path) -> None:
    (in_tmp / "bad.py").write_text('MODEL = "gpt-4o"\ndef (:\n')
    code, out, _ = lint("--format", "github")
    assert code == 2
    kind, props, message = parse_github_line(out.strip())
    assert (kind, props["file"], props["title"]) == ("error", "bad.py", "migrator")
    assert message.startswith("syntax error")


def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def test_sarif_validates_against_the_schema(project: Path) -> None:
    (project / "bad.py").write_text('MODEL = "gpt-4o"\ndef (:\n')
    _, out, _ = lint("--format", "sarif")
    log = json.loads(out)
    sarif_validator().validate(log)
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run["invocations"][0]["executionSuccessful"] is False
    notes = run["invocations"][0]["toolExecutionNotifications"]
    [note] = [n for n in notes if n["level"] == "error"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.py"


def test_sarif_clean_run_validates(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('MODEL = "gpt-4.1"\n')
    code, out, _ = lint("--format", "sarif")
    assert code == 0
    log = json.loads(out)
    sarif_validator().validate(log)
    assert log["runs"][0]["results"] == []


def test_sarif_rule_metadata_and_fixes(project: Path) -> None:
    _, out, _ = lint("--format", "sarif")
    run = json.loads(out)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    by_id = {r.code: r.for_family("GPT-4.1") for r in all_rules()}
    for descriptor in rules:
        rule = by_id[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.description
        assert descriptor["properties"]["fix"] == rule.fix
        assert rule.invalid[0].code in descriptor["help"]["text"]
    results = {}
    for r in run["results"]:
        where = r["locations"][0]["physicalLocation"]
        if where["artifactLocation"]["uri"] == "app.py":
            results[(r["ruleId"], where["region"]["startLine"])] = r
    for r in results.values():
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    safe = results[("MIG001", 1)]
    [change] = safe["fixes"][0]["artifactChanges"]
    [replacement] = change["replacements"]
    assert replacement["insertedContent"]["text"] == '"gpt-4.1"'
    region = {"startLine": 1, "startColumn": 38, "endLine": 1, "endColumn": 46}
    assert replacement["deletedRegion"] == region
    assert safe["properties"]["fixSafe"] is True
    unsafe = results[("MIG001", 2)]
    assert unsafe["properties"]["fixSafe"] is False
    assert "unsafe" in unsafe["fixes"][0]["description"]["text"]
    assert "fixes" not in results[("MIG002", 3)]


def test_junit_is_well_formed_with_counts(project: Path) -> None:
    (project / "bad.py").write_text('MODEL = "gpt-4o"\ndef (:\n')
    _, out, _ = lint("--format", "junit")
    root = ET.fromstring(out.encode())
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "4", "1")
    errors = [case for case in root.iter("testcase") if case.find("error") is not None]
    assert [case.get("file") for case in errors] == ["bad.py"]


def test_junit_clean_run_has_one_passing_case(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text('MODEL = "gpt-4.1"\n')
    code, out, _ = lint("--format", "junit")
    assert code == 0
    root = ET.fromstring(out.encode())
    cases = list(root.iter("testcase"))
    assert len(cases) == 1 and not list(cases[0])
    assert root.get("failures") == "0"


def test_notebook_findings_name_the_cell_and_claim_no_file_lines() -> None:
    from migrator.engine import Mode, RunResult
    from migrator.findings import Finding, Fix
    from migrator.formats import github, junit, sarif

    finding = Finding("nb.ipynb", 2, 5, 2, 13, "MIG001", "'gpt-4o' retires", Fix('"x"', True), 3)
    result = RunResult(Mode.LINT, findings=[finding])
    assert github.render(result).startswith("::error file=nb.ipynb,title=MIG001::cell 3: ")
    [entry] = json.loads(sarif.render(result))["runs"][0]["results"]
    assert entry["message"]["text"].startswith("cell 3: ")
    assert "region" not in entry["locations"][0]["physicalLocation"]
    assert "fixes" not in entry
    assert "nb.ipynb:cell 3: 2:5: MIG001" in junit.render(result)


# File names a hostile or careless tree can hold: bytes that are not UTF-8, a terminal escape
# sequence, a newline that would forge an output line, a bidi override, XML and URI specials.
HOSTILE_NAMES = [
    b"bad\xff\xfe.py",
    b"esc\x1b[31mred.py",
    b"new\nline.py",
    b"cr\rtab\t.py",
    b"del\x7f\x01.py",
    "bidi\u202etxt.py".encode(),
    b"xml&<lt>\"'.py",
    b"odd, name: 100%.py",
]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_every_format_escapes_every_file_name(tmp_path: Path, name: str) -> None:
    from migrator.shown_paths import printable, well_formed

    for raw in HOSTILE_NAMES:
        (tmp_path / os.fsdecode(raw)).write_bytes(b'MODEL = "gpt-4o"\n')
        (tmp_path / os.fsdecode(b"broken-" + raw)).write_bytes(b'MODEL = "gpt-4o"\ndef (:\n')
    done = subprocess.run(
        [sys.executable, "-m", "migrator", "lint", "--format", name, "."],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr
    for stream in (done.stdout, done.stderr):
        text = stream.decode("utf-8")  # strict: valid UTF-8, whatever the names
        assert all(c.isprintable() or c == "\n" for c in text), repr(text)
    out = done.stdout.decode()
    names = [os.fsdecode(raw) for raw in HOSTILE_NAMES]
    broken = [os.fsdecode(b"broken-" + raw) for raw in HOSTILE_NAMES]
    if name == "text":
        shown = {path for path, *_ in parse_text(out)}
        assert shown == {printable(n) for n in names}
        errors = {line.split(": error: ")[0] for line in done.stderr.decode().splitlines()}
        assert errors == {printable(n) for n in broken}
    elif name == "json":
        found = {(path, code) for path, _, _, code in parse_json(out)}
        # Files that could not be parsed are entries too, with code null.
        assert found == {(well_formed(n), "MIG001") for n in names} | {
            (well_formed(n), None) for n in broken
        }
    elif name == "github":
        # Every line but the closing note on the targets' shutdown dates names a file.
        lines = [line for line in out.splitlines() if not line.startswith("::notice ")]
        files = {parse_github_line(line)[1]["file"] for line in lines}
        assert files == {printable(n) for n in names + broken}
    elif name == "sarif":
        log = json.loads(out)
        sarif_validator().validate(log)
        run = log["runs"][0]
        uris = [
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
        ]
        notes = run["invocations"][0]["toolExecutionNotifications"]
        notes = [n for n in notes if n["level"] == "error"]  # not the shutdown-date note
        uris += [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes]
        # Percent-encoded bytes: the URI names the very file.
        assert {unquote_to_bytes(uri) for uri in uris} == {os.fsencode(n) for n in names + broken}
        assert all(re.fullmatch(r"[A-Za-z0-9%._~/!$&'()*+,;=:@-]+", uri) for uri in uris)
    else:
        root = ET.fromstring(done.stdout)
        files = {case.get("file") for case in root.iter("testcase")}
        assert files == {printable(n) for n in names + broken}
