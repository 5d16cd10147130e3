"""Config and data files: exact model IDs in values and keys, fixed in place and verified."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from migrator import tomlcompat as tomllib
from migrator.config import Settings, load_settings
from migrator.kinds import check_file
from migrator.project.verdicts import NONE
from migrator.ruleset import RuleSet
from tests.fixture_cases import Case, cases, expected, run_case

CASES = cases("datafiles")
PARSERS = {
    ".json": json.loads,
    ".jsonl": lambda text: [json.loads(line) for line in text.splitlines() if line.strip()],
    ".toml": tomllib.loads,
    ".yaml": lambda text: list(yaml.safe_load_all(text)),
    ".yml": lambda text: list(yaml.safe_load_all(text)),
    ".env": lambda text: text,
}


def settings(**changes: object) -> Settings:
    return replace(load_settings(cwd=Path("/")), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case) -> None:
    findings, fixed = run_case(case)
    assert findings == expected(case, "findings.txt", findings)
    assert fixed == expected(case, case.fixed_name, fixed)
    PARSERS[case.input.suffix](fixed.decode("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fix_is_idempotent(case: Case) -> None:
    _, fixed = run_case(case)
    result = check_file(fixed, case.input.name, case.settings(), fix=True)
    assert result.error is None
    assert result.new_source is None
    assert not result.fixed


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fix_changes_only_the_fixed_values_lines(case: Case) -> None:
    source = case.input.read_bytes()
    result = check_file(source, case.input.name, case.settings(), fix=True)
    fixed = result.new_source if result.new_source is not None else source
    before, after = source.decode().split("\n"), fixed.decode().split("\n")
    assert len(before) == len(after)
    changed = {n for n, (a, b) in enumerate(zip(before, after), 1) if a != b}
    spans = [range(f.line, f.end_line + 1) for f in result.fixed]
    assert all(any(n in span for span in spans) for n in changed)
    assert all(any(n in changed for n in span) for span in spans)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.json", '{\n  "model": "gpt-4.1",\n  "note": "was gpt-4o"\n}\n'),
        ("a.jsonl", '{"body": {"model": "gpt-4.1", "max_tokens": 100}}\n'),
        ("a.toml", '# gpt-4o once\nmodel = "gpt-4.1"\n'),
        ("a.yaml", "model: gpt-4.1  # was gpt-4o\n"),
        (".env.example", "MODEL=gpt-4.1 # was gpt-4o\n"),
    ],
)
def test_nothing_to_migrate_is_left_byte_identical(name: str, text: str) -> None:
    result = check_file(text.encode(), name, settings(), fix=True)
    assert (result.findings, result.fixed, result.new_source, result.error) == ([], [], None, None)


@pytest.mark.parametrize(
    ("name", "text", "new"),
    [
        ("a.json", '\ufeff{"model": "gpt-4o"}\r\n', '\ufeff{"model": "gpt-4.1"}\r\n'),
        ("a.yaml", "\ufeffa: 1\r\nmodel: gpt-4o\r\n", "\ufeffa: 1\r\nmodel: gpt-4.1\r\n"),
        (".env", "A=1\r\nMODEL=gpt-4o\r\n", "A=1\r\nMODEL=gpt-4.1\r\n"),
        ("a.toml", 'a = 1\r\nmodel = "gpt-4o"\r\n', 'a = 1\r\nmodel = "gpt-4.1"\r\n'),
    ],
)
def test_bom_and_crlf_are_kept(name: str, text: str, new: str) -> None:
    result = check_file(text.encode(), name, settings(), fix=True)
    assert result.new_source == new.encode()


@pytest.mark.parametrize(
    ("name", "text", "why"),
    [
        ("tsconfig.json", '{\n  // comment\n  "model": "gpt-4o",\n}\n', "not valid JSON"),
        ("chart.yaml", "{{- if .Values.on }}\nmodel: gpt-4o\n{{- end }}\n", "not valid YAML"),
        ("a.toml", 'model = "gpt-4o\n', "not valid TOML"),
        ("a.json", b'{"model": "gpt-4o", "x": "caf\xe9"}'.decode("latin-1"), "not UTF-8"),
    ],
)
def test_unparseable_file_is_skipped_with_a_warning(name: str, text: str, why: str) -> None:
    source = text.encode("latin-1") if why == "not UTF-8" else text.encode()
    result = check_file(source, name, settings(), fix=True)
    assert result.error is None and result.new_source is None and not result.findings
    [warning] = result.warnings
    assert warning.startswith(why) and warning.endswith("not checked")


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("a.toml", '"gpt-4o" = 1\n"gpt-4.1" = 2\n', "would not be valid TOML"),
        ("a.json", '{"gpt-4o": 1, "gpt-4.1": 2}', "would add or remove keys"),
        ("a.yaml", "gpt-4o: 1\ngpt-4.1: 2\n", "would add or remove keys"),
    ],
)
def test_a_fix_that_does_not_verify_writes_nothing(name: str, text: str, problem: str) -> None:
    # The kind's own verification, without the project view (which never rewrites a key).
    result = check_file(text.encode(), name, settings(unsafe_fixes=True, verdicts=NONE), fix=True)
    assert result.new_source is None
    assert result.error is not None
    assert problem in result.error and result.error.endswith("file left unchanged")
    assert [f.code for f in result.findings] == ["MIG001"] and not result.fixed


def test_keys_are_rewritten_only_with_unsafe_fixes() -> None:
    # The kind's own rule, without the project view (which never rewrites a key: below).
    text = b'{"prices": {"gpt-4o": 2.5}}'
    assert check_file(text, "a.json", settings(verdicts=NONE), fix=True).new_source is None
    unsafe = settings(unsafe_fixes=True, verdicts=NONE)
    fixed = check_file(text, "a.json", unsafe, fix=True).new_source
    assert fixed == b'{"prices": {"gpt-4.1": 2.5}}'


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.json", b'{"prices": {"gpt-4o": 2.5}}'),
        ("a.yaml", b"prices:\n  gpt-4o: 2.5\n"),
        ("a.toml", b'[prices]\n"gpt-4o" = 2.5\n'),
    ],
)
def test_keys_are_catalogue_entries_never_rewritten(name: str, text: bytes) -> None:
    result = check_file(text, name, settings(unsafe_fixes=True), fix=True)
    assert result.new_source is None and not result.fixed
    [finding] = result.findings
    assert finding.fix is not None and finding.fix.display_only
    assert "a model catalogue" in finding.fix.reason and "'gpt-4.1'" in finding.fix.reason


def test_toml_bare_key_is_quoted_when_the_new_id_is_not_a_bare_key() -> None:
    unsafe = settings(unsafe_fixes=True, verdicts=NONE)
    result = check_file(b"gpt-4o = 1\n", "a.toml", unsafe, fix=True)
    assert result.new_source == b'"gpt-4.1" = 1\n'


def test_own_config_table_is_not_reported() -> None:
    text = b'[tool.migrator.models]\n"gpt-4o" = "gpt-4.1-mini"\n[tool.other]\nm = "gpt-4o"\n'
    result = check_file(text, "pyproject.toml", settings(), fix=False)
    assert [(f.line, f.code) for f in result.findings] == [(4, "MIG001")]


def test_yaml_plain_replacement_that_would_not_read_as_a_string_is_quoted() -> None:
    ruleset = RuleSet.load().with_overrides({"gpt-4o": "1.5"})
    result = check_file(b"model: gpt-4o\n", "a.yaml", settings(ruleset=ruleset), fix=True)
    assert result.new_source == b'model: "1.5"\n'


def test_selection_applies_to_data_files() -> None:
    text = b'{"a": "gpt-4o", "b": "gpt-4o-audio-preview"}'
    result = check_file(text, "a.json", settings(ignore=("MIG001",)), fix=False)
    assert [f.code for f in result.findings] == ["MIG002"]


def test_fixed_values_keep_their_quoting() -> None:
    yaml_text = "a: gpt-4o\nb: 'gpt-4o'\nc: \"gpt-4o\"\n"
    result = check_file(yaml_text.encode(), "a.yaml", settings(), fix=True)
    assert result.new_source == b"a: gpt-4.1\nb: 'gpt-4.1'\nc: \"gpt-4.1\"\n"


def _strings(tree: object) -> list[str]:
    """Every string value (not key) in a parsed document."""
    if isinstance(tree, dict):
        return [s for value in tree.values() for s in _strings(value)]
    if isinstance(tree, list):
        return [s for item in tree for s in _strings(item)]
    return [tree] if isinstance(tree, str) else []


TRICKY_TOML = "\n".join(
    [
        "# comment with \"quotes\" and 'gpt-4o'",
        'a = "plain"   # trailing "comment"',
        "b = 'lit#eral'",
        'c = """',
        'multi "line" ""with"" quotes"""',
        'd = """ends with quotes"""""',
        "e = '''raw ' 'q'''''",
        r'f = "esc \" \\ \u00e9"',
        '"quoted key" = ["x", \'y\', { z = "in table", w = [1, "deep"] }]',
        'g.h = "dotted"',
        "dt = 1979-05-27 07:32:00Z",
        '[t."sub.key"]',
        "i = [",
        '  "one", # c',
        '  "two",',
        "]",
        "[[arr]]",
        'j = "first"',
        "[[arr]]",
        'j = "second"',
        "",
    ]
)


def test_scanners_find_every_string_the_parser_sees() -> None:
    from collections import Counter

    from migrator.kinds import jsonscan, toml_files, yaml_files

    toml_values = [s.value for s in toml_files.scan(TRICKY_TOML) if not s.key]
    assert Counter(toml_values) == Counter(_strings(tomllib.loads(TRICKY_TOML)))

    json_text = json.dumps({"a": ["x", {"b": "y\u2028z", "c": [1, 2.5, None, "é"]}], "d": ""})
    json_values = [s.value for s in jsonscan.scan(json_text) if not s.key]
    assert Counter(v for v in json_values if isinstance(v, str)) == Counter(
        _strings(json.loads(json_text))
    )

    yaml_text = "a: x\nb: [y, 'z', \"w\"]\nc:\n  - d\n  - {e: f}\ng: |\n  block\n"
    events = list(yaml.parse(yaml_text, Loader=yaml.SafeLoader))
    yaml_values = [s.value for s in yaml_files.scan(events) if not s.key]
    assert Counter(yaml_values) == Counter(_strings(yaml.safe_load(yaml_text)))


@pytest.mark.parametrize(
    "text",
    [
        # big siblings without a model are skipped; the list around a model is read whole
        '{"a": {"b": [1, 2, {"c": "x"}]}, "m": ["gpt-4o", "gpt-4.1"], "z": {"y": "gpt-4o-mini"}}',
        # a model spelled with an escape: nothing may be skipped
        '{"a": {"b": "gpt\\u002d4o"}, "c": {"d": "gpt-4o"}}',
        '[{"x": 1}, {"model": "gpt-4o-2024-08-06"}, [[["openai/gpt-4.5-preview"]]]]',
    ],
)
def test_json_subtrees_without_a_model_are_skipped_with_the_same_results(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from migrator.kinds import json_files

    unsafe = settings(unsafe_fixes=True)
    for fix in (False, True):
        skipping = check_file(text.encode(), "data.json", unsafe, fix=fix)
        with monkeypatch.context() as patch:
            patch.setattr(json_files, "model_offsets", lambda text, ruleset, also=(): None)
            whole = check_file(text.encode(), "data.json", unsafe, fix=fix)
        assert skipping == whole
        assert skipping.findings or skipping.fixed
