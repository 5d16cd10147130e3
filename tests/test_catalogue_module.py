"""Big modules of literal data are read with ``ast``, and give what the LibCST checks give.

The catalogue path is taken only above ``catalogue_module.CATALOGUE_ABOVE``; the property
test lowers it to nothing, so that small generated modules go through both paths, and asserts
the same result (findings, positions, messages, fixes and their applicability, fixed bytes)
for lint, fix and fix --unsafe-fixes, with and without the run's screen.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from migrator import catalogue_module
from migrator.cli import main
from migrator.config import Settings
from migrator.kinds import check_file
from migrator.results import SourceResult
from migrator.ruleset import RuleSet, SnapshotMode
from migrator.screen import Screen

RULES = RuleSet.load()
SETTINGS = [
    Settings(ruleset=RULES),
    Settings(ruleset=RULES, unsafe_fixes=True),
    Settings(ruleset=RULES, snapshot=SnapshotMode.ALWAYS, select=("MIG", "MIG005")),
    Settings(ruleset=RULES, unsafe_fixes=True, select=("MIG", "MIG100")),
]
SCREENS = {id(s): Screen.for_settings(s) for s in SETTINGS}

MODEL_IDS = sorted(
    set(RULES.sources)
    | set(RULES.no_replacement)
    | set(RULES.targets)
    | {t.snapshot for t in RULES.targets.values()}
)
OTHER_IDS = ["o3", "claude-3-5-sonnet", "gemini-1.5-pro", "gpt-4.1-turbo", "modèle-été", "GPT-4o"]
values = st.one_of(
    st.sampled_from(MODEL_IDS),
    st.sampled_from(["gpt-4o", "gpt-4o-mini-2024-07-18", "gpt-4.5-preview", "gpt-4.1"]),
    st.tuples(
        st.sampled_from(["openai/", "azure/", "openrouter/openai/"]), st.sampled_from(MODEL_IDS)
    ).map("".join),
    st.just("ft:gpt-4o-mini-2024-07-18:acme::abc123"),
    st.sampled_from(OTHER_IDS),
    st.sampled_from(["azure_deployment", "deployment_id", "context", "type", "model"]),
)
PREFIXES = ["", "r", "u", "R", "b", "rb", "Rb"]
QUOTES = ['"', "'", '"""']


@st.composite
def strings(draw: st.DrawFn) -> str:
    value = draw(values)
    prefix = draw(st.sampled_from(PREFIXES))
    if "b" in prefix.lower() and not value.isascii():
        prefix = ""
    quote = draw(st.sampled_from(QUOTES))
    shape = draw(st.sampled_from(["plain"] * 6 + ["parens", "concat", "escape", "spaced"]))
    if shape == "concat" and len(value) > 2:
        return f"{prefix}{quote}{value[:2]}{quote} {prefix}{quote}{value[2:]}{quote}"
    if shape == "escape":
        return f"{prefix}{quote}{value[:1]}\\x2d{value[1:]}{quote}"
    literal = f"{prefix}{quote}{value}{quote}"
    if shape == "parens":
        return f"({literal})"
    if shape == "spaced":
        return f"( {literal} )"
    return literal


scalars = st.one_of(
    strings(),
    strings(),
    st.sampled_from(["1", "-2", "3.5", "None", "True", "...", "128_000", "0x10"]),
)


def containers(leaves: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    items = st.lists(leaves, min_size=0, max_size=5)
    separator = st.sampled_from([", ", ",\n    ", ",  # noqa: MIG001\n    ", ",\n# note\n  "])

    def joined(parts: list[str], sep: str, open_: str, close: str) -> str:
        return open_ + sep.join(parts) + (sep.rstrip(" ") if parts and "\n" in sep else "") + close

    lists = st.builds(joined, items, separator, st.just("["), st.just("]"))
    tuples = st.builds(
        lambda parts, sep: "(" + sep.join(parts) + ("," if len(parts) == 1 else "") + ")",
        items,
        separator,
    )
    sets = st.builds(joined, items.filter(bool), separator, st.just("{"), st.just("}"))
    entries = st.lists(st.tuples(strings(), leaves), max_size=4).map(
        lambda pairs: [f"{k}: {v}" for k, v in pairs]
    )
    dicts = st.builds(joined, entries, separator, st.just("{"), st.just("}"))
    return st.one_of(lists, tuples, sets, dicts)


data = st.recursive(scalars, containers, max_leaves=12)
names = st.sampled_from(["MODELS", "gpt_4o", "GPT_4O_MINI", "config.models", "_TABLE"])


@st.composite
def statements(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(["assign"] * 5 + ["annotated", "chained", "bare tuple", "import", "other"])
    )
    value = draw(data)
    name = draw(names)
    if kind == "annotated" and "." not in name:
        return f"{name}: dict[str, list[int]] | None = {value}"
    if kind == "chained":
        return f"A = {name} = {value}"
    if kind == "bare tuple":
        return f"{name} = {value}, {draw(strings())}"
    if kind == "import":
        return draw(st.sampled_from(["import os", "from typing import Any", "import a.b as c"]))
    if kind == "other":  # not literal data: the usual path for the whole module
        return draw(st.sampled_from([f"print({value})", f"x = f({value})", "def f(): pass"]))
    return f"{name} = {value}"


@st.composite
def modules(draw: st.DrawFn) -> bytes:
    lines = []
    if draw(st.booleans()):
        lines.append('"""Model IDs we know of: gpt-4o and "gpt-4.1"."""')
    lines += draw(st.lists(statements(), min_size=1, max_size=4))
    if draw(st.booleans()):
        lines.append("# migrator: ignore[MIG002]")
    comment = draw(st.sampled_from(["", "  # noqa", "  # noqa: MIG001", "  # migrator: ignore"]))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = newline.join([*lines[:-1], lines[-1] + comment]) + newline
    bom = b"\xef\xbb\xbf" if draw(st.integers(0, 9)) == 0 else b""
    return bom + text.encode("utf-8")


@contextmanager
def threshold(size: int) -> Iterator[None]:
    saved = catalogue_module.CATALOGUE_ABOVE
    catalogue_module.CATALOGUE_ABOVE = size
    try:
        yield
    finally:
        catalogue_module.CATALOGUE_ABOVE = saved


def both_paths(source: bytes, config: Settings, *, fix: bool, screened: bool) -> SourceResult:
    """The result of the usual path, after asserting the catalogue path gives the same."""
    screen = SCREENS[id(config)] if screened else None
    with threshold(10**12):
        usual = check_file(source, "data.py", config, fix=fix, screen=screen)
    with threshold(0):
        quick = check_file(source, "data.py", config, fix=fix, screen=screen)
    assert quick == usual
    return usual


def taken(source: bytes, config: Settings) -> bool:
    """Whether the catalogue path reads this source (else the usual path does)."""
    with threshold(0):
        return catalogue_module.check_catalogue(source, "data.py", config, fix=False) is not None


@settings(max_examples=max(20, settings.default.max_examples))  # 700 with CI=true: ~45 s
@given(modules(), st.sampled_from(SETTINGS), st.booleans())
@example(b'M = ["gpt-4o", "gpt-4.1", "o3"]\n', SETTINGS[0], True)
@example(b'M = ["gpt-4o", "gpt-4o"]\nD = {"gpt-4o": {"context": 1}}\n', SETTINGS[1], False)
@example(b'M = {"azure_deployment": "gpt-4o", "x": "gpt-4o-mini"}  # noqa\n', SETTINGS[3], True)
@example('"""Doc."""\nM = ("modèle", "gpt-4o",)\n'.encode(), SETTINGS[2], True)
@example(b'\xef\xbb\xbfM = [b"gpt-4o", r"gpt-4.1", u"o3"]\r\n', SETTINGS[1], True)
def test_catalogue_path_gives_what_libcst_gives(
    source: bytes, config: Settings, screened: bool
) -> None:
    event("catalogue path" if taken(source, config) else "usual path")
    for fix in (False, True):
        both_paths(source, config, fix=fix, screened=screened)
    unsafe = dataclasses.replace(config, unsafe_fixes=True)
    SCREENS.setdefault(id(unsafe), Screen.for_settings(unsafe))
    both_paths(source, unsafe, fix=True, screened=screened)


def test_literal_data_modules_take_the_catalogue_path() -> None:
    config = SETTINGS[0]
    assert taken(b'"""Doc."""\nimport os\nM: list[str] = ["gpt-4o", "o3"]\n', config)
    assert taken(b'D = {"gpt-4o": {"context": 128000, "tags": ("a", -1)}}\n', config)
    assert taken(b"X = 1\n", config)  # nothing to report: an empty result, without LibCST
    for other in (
        b'M = ["gpt-4o"]\nprint(M)\n',  # a call
        b'M = [f"gpt-{4}o"]\n',  # an f-string: what it formats is code
        b'M = {**BASE, "gpt-4o": 1}\n',  # a merge
        b'body = {"model": "gpt-4o", "max_tokens": 50000}\n',  # a request MIG003 judges
        b'M[0] = "gpt-4o"\n',  # a subscript
        b'M = ["gpt-4o"] + OTHER\n',
        b'\x0cM = ["gpt-4o"]\n',  # a form feed LibCST may not give back
        b"M = [\n",  # not Python
    ):
        assert not taken(other, config), other
    with threshold(10**6):
        assert (
            catalogue_module.check_catalogue(b'M = ["gpt-4o"]\n', "d.py", config, fix=False) is None
        )


def test_what_libcst_refuses_to_nest_is_left_to_it() -> None:
    """Without parentheses the nesting guard's measure is bounded from ``ast``; a bound too
    high runs the guard itself, and what it refuses goes the usual way (an error)."""
    config = SETTINGS[0]
    chain = b'M = ["gpt-4o", "a" ' + b'"b" ' * 1100 + b"]\n"  # a concatenation nests each piece
    deep = b"M = " + b"[" * 17 + b'"gpt-4o"' + b"]" * 17 + b"\n"
    for source in (chain, deep):
        assert not taken(source, config)
        result = both_paths(source, config, fix=True, screened=True)
        assert result.error is not None or result.findings or result.fixed
    assert "too deeply nested" in (both_paths(chain, config, fix=False, screened=False).error or "")
    shallow = b'M = ["gpt-4o", "a" ' + b'"b" ' * 100 + b"]\n"
    assert taken(shallow, config)


def _catalogue(tmp_path: Path, count: int = 200_000) -> Path:
    """The shape of a generated catalogue of model IDs: about 5 MB, one ID a line."""
    ids = [
        "gpt-4o",
        "gpt-4o-mini-2024-07-18",
        "gpt-4.5-preview",
        "gpt-4.1",
        "o3",
        "claude-3-5-sonnet-20241022",
        "gpt-4o-mini",
        "gpt-4.1-mini-2025-04-14",
        "gemini-1.5-pro-002",
        "gpt-4o-audio-preview",
        "meta-llama/Llama-3.3-70B-Instruct",
        "openai/gpt-4o-2024-08-06",
    ]
    lines = ['"""Every model ID we have seen."""', "", "MODELS = ["]
    lines += [f'    "{ids[i % len(ids)]}",' for i in range(count)]
    lines.append("]")
    project = tmp_path / "project"
    project.mkdir()
    path = project / "models_catalogue.py"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_five_megabyte_catalogue_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _catalogue(tmp_path)
    assert 4_500_000 < path.stat().st_size < 5 * 1024 * 1024  # under max-file-size
    monkeypatch.chdir(path.parent)
    runner = CliRunner()
    linted = runner.invoke(main, ["lint", "--format", "json", path.name])
    assert linted.exit_code == 1, linted.output
    entries = json.loads(linted.stdout)
    assert not [e for e in entries if e.get("error")]
    codes = {e["code"] for e in entries}
    assert codes == {"MIG001", "MIG002"}
    assert len(entries) == 100_000  # 10 of every 12 IDs retire
    # A catalogue: every fix is shown, none applied.
    assert {e["fix"]["applicability"] for e in entries if e["fix"]} == {"display-only"}
    before = path.read_bytes()
    fixed = runner.invoke(main, ["fix", path.name])
    assert fixed.exit_code == 1, fixed.output
    assert "error" not in fixed.stderr
    assert path.read_bytes() == before


def test_json_format_is_the_array_json_dumps_writes() -> None:
    """The JSON format encodes one entry at a time (a whole array's encoder pieces take
    hundreds of MB for 100,000 findings); the text is what encoding the array at once gives."""
    from migrator.engine import Mode, RunResult
    from migrator.findings import FileError, Finding, Fix
    from migrator.formats import json_format

    fix = Fix("'gpt-4.1'", safe=False, reason="a model catalogue", display_only=True)
    findings = [
        Finding("a.py", 1, 5, 1, 13, "MIG001", "'gpt-4o' shuts down: use 'gpt-4.1'", fix),
        Finding("b\n.ipynb", 2, 1, 2, 9, "MIG002", 'no "replacement"', None, cell=3),
    ]
    result = RunResult(Mode.LINT, findings=findings, errors=[FileError("c.py", "syntax error")])
    entries = [json_format.finding_dict(f) for f in findings]
    entries += [json_format.error_dict(e) for e in result.errors]
    assert json_format.render(result) == json.dumps(entries, indent=2) + "\n"
    assert json_format.render(RunResult(Mode.LINT)) == "[]\n"
