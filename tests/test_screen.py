"""The pre-parse screens: derived from the rule set, and never the reason a finding is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.config import load_settings
from migrator.engine import Mode, RunResult, run
from migrator.kinds.python import check_source
from migrator.pruning import other_spellings
from migrator.ruleset import RuleSet
from migrator.screen import Screen, _lines_of
from tests.fixture_cases import FIXTURES
from tests.screen_probes import admits, ast_admit

INPUTS = sorted(FIXTURES.glob("**/input.py"))
SCREEN = Screen(RuleSet.load())


def _summary(result: RunResult) -> tuple[object, ...]:
    return (result.findings, result.fixed, result.diffs, result.errors, result.files_checked)


@pytest.mark.parametrize("path", INPUTS, ids=[str(p.parent.relative_to(FIXTURES)) for p in INPUTS])
def test_screens_change_nothing_on_fixtures(path: Path) -> None:
    options = path.parent / "options.toml"
    settings = load_settings(options if options.exists() else None, cwd=path.parent)
    for mode in (Mode.LINT, Mode.DIFF):
        screened = run([path], settings, mode, jobs=1, screens=True)
        unscreened = run([path], settings, mode, jobs=1, screens=False)
        assert _summary(screened) == _summary(unscreened)
    source = path.read_bytes()
    plain = check_source(source, "input.py", settings, fix=True)
    assert check_source(source, "input.py", settings, fix=True, screen=SCREEN) == plain


def test_screens_change_nothing_on_the_demo() -> None:
    settings = load_settings(None, cwd=FIXTURES / "demo")
    for mode in (Mode.LINT, Mode.DIFF):
        screened = run([FIXTURES / "demo"], settings, mode, jobs=1, screens=True)
        unscreened = run([FIXTURES / "demo"], settings, mode, jobs=1, screens=False)
        assert screened.findings
        assert _summary(screened) == _summary(unscreened)


@pytest.mark.parametrize(
    "source",
    [
        "import os\nprint(os.getcwd())\n",
        "# we moved off gpt-4o last year\nx = 1\n",
        'PROMPT = "compare gpt-4o and gpt-4.1"\n',
        'MODEL = "GPT-4o"\n',
        'ESCAPED = "gpt\\x2d4o"\n',
        "limits = {'max_tokens': 1000}\n",
        "create(max_tokens=32768)\n",
        "create(max_tokens=None)\nBIG = 10**9\n",  # a big number, but not a token limit
        "create(max_tokens=settings.max_tokens)\n",  # not resolvable: no finding either
        "if kind == 'audio':\n    pass\n",  # a comparison, not a content part
        "KEYS = ['text', 'audio']\n",
        "usage = {'audio': 0, 'text': 10}\n",  # a dict key without a model: not a request
        "def f():\n    '''Send audio with modalities and max_tokens.'''\n",
        # forwarded parameters: the checks read a literal list of modalities and a dict config
        "def f(modalities, audio):\n    create(model=m, modalities=modalities, audio=audio)\n",
        # a typed content part is a finding where it is built, not where it is imported
        "from openai.types.chat import ChatCompletionContentPartInputAudioParam as P\n",
        # a parameter rebound from itself: no value a check would resolve
        "def f(max_tokens=None):\n    max_tokens = max_tokens or 4\n    g(max_tokens=max_tokens)\n",
    ],
)
def test_screen_rules_out(source: str) -> None:
    assert not admits(SCREEN, source.encode())


@pytest.mark.parametrize(
    "source",
    [
        'MODEL = "gpt-4o"\n',
        "MODEL = b'openai/gpt-4o-mini'\n",
        'MODEL = """gpt-4.5-preview"""\n',
        'M = "ft:gpt-4o-mini-2024-07-18:acme::abc123"\n',
        'PRICES = {"gpt-4o": 2.5}\n',
        'MODEL = "gpt-4.1-nano"\npart = {"type": "input_file"}\n',  # nano takes no files
        "create(max_tokens=50_000)\n",
        "create(max_completion_tokens=64 * 1024)\n",
        "create(max_output_tokens=2**16)\n",
        "create(max_tokens=1 << 16)\n",
        "LIMIT = 40000\ncreate(max_tokens=LIMIT)\n",
        "BASE = 20000\nLIMIT = BASE * 2\ncreate(max_tokens=LIMIT)\n",
        "body = {'model': m, 'max_tokens': 100000}\n",
        "create(**{'max_tokens': 40000})\n",
        "config['max_tokens'] = 40000\n",
        "config['max_tokens']: int = 40000\n",
        "config[\n    'max_tokens'\n] = 40000\n",
        "create(max_tokens=40000 if big else 100)\n",
        "create(max_tokens=-(-40000))\n",
        "x = 40000\nx = x * 2\ncreate(max_tokens=x)\n",
        "create(max_tokens=\\\n    40000)\n",
        "part = {'type': 'input_audio', 'input_audio': {'data': b64}}\n",
        "part = {'type': 'video_url'}\n",
        "part = dict(type = 'audio')\n",
        "part = {'type': (\n    # a comment\n    'input_audio')}\n",
        "part = types.ChatCompletionContentPartInputAudioParam(input_audio=data)\n",
        "create(modalities=['text', 'audio'])\n",
        "create(audio={'voice': 'alloy'})\n",
        "body = {'model': 'x', 'audio': {'voice': 'alloy'}}\n",
        "body = {\n    'model': m,\n    'x': 1,\n    'audio': {'voice': 'alloy'},\n}\n",
        "@settings(max_tokens=50000)\n@other\ndef f():\n    pass\n",  # decorators precede "def"
        "class A:\n    @limit(max_tokens=2**16)\n    class B:\n        pass\n",
    ],
)
def test_screen_admits(source: str) -> None:
    assert admits(SCREEN, source.encode())


@pytest.mark.parametrize(
    "source",
    [
        b'MODEL = "gpt-4o"\nmatch := (\n',  # a syntax error: LibCST reports it
        b'MODEL = "gpt-4o"\n' + b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n",  # too deep
        b'MODEL = "gpt-4o"\x00\n',
        b'# -*- coding: unknown-codec -*-\nMODEL = "gpt-4o"\n',
    ],
)
def test_a_file_ast_cannot_parse_goes_on_to_libcst(source: bytes) -> None:
    assert SCREEN.bytes_admit(source)
    assert ast_admit(SCREEN, source)


def test_screen_is_built_from_the_rule_set() -> None:
    ruleset = RuleSet.from_dict(
        {
            "targets": {
                "new-model": {
                    "snapshot": "new-model-2030-01-01",
                    "max_output_tokens": 16384,
                    "context_window": 100000,
                    "inputs": ["text", "image"],
                }
            },
            "sources": {"old-model": {"replacement": "new-model"}},
            "requests": {
                "output_token_parameters": ["token_budget"],
                "content_types": {"picture": "image", "sound": "audio"},
            },
        }
    )
    screen = Screen(ruleset)
    assert admits(screen, b'MODEL = "old-model"\n')
    assert not admits(screen, b'MODEL = "gpt-4o"\n')
    assert admits(screen, b"create(token_budget=20000)\n")
    assert not admits(screen, b"create(token_budget=16000)\n")
    assert not admits(screen, b"create(max_tokens=50000)\n")
    assert admits(screen, b"part = {'type': 'sound'}\n")
    assert not admits(screen, b"part = {'type': 'picture'}\n")


def test_a_file_the_screens_rule_out_is_not_parsed(tmp_path: Path) -> None:
    # Not a syntax checker: a file that mentions nothing the rules look for is never parsed,
    # so its syntax errors go unreported (as with grep); one that does is reported.
    (tmp_path / "broken.py").write_text("def (:\n")
    settings = load_settings(None, cwd=tmp_path)
    assert not run([tmp_path], settings, Mode.LINT, jobs=1).errors
    assert run([tmp_path], settings, Mode.LINT, jobs=1, screens=False).errors


def test_other_spellings_finds_every_word_holding_a_non_ascii_letter() -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in "LIMIT")  # fullwidth letters
    half, fi = "\u00bd", "\ufb01"  # vulgar fraction one half, ligature fi
    text = f"{wide} = 1\nx = {wide} + caf\u00e9_2 + {half} + a\u00b7b  # na\u00efve\ns = '{fi}le'\n"
    assert other_spellings(text) == {"LIMIT": [wide], "1\u20442": [half], "file": [f"{fi}le"]}
    assert other_spellings("LIMIT = 1\n") == {}


@pytest.mark.parametrize(
    ("words", "lines"),
    [
        ([b"limit"], [1, 3, 4]),  # not in "limits" or "_limit"; after a dot it counts
        ([b"limit", b"limits"], [1, 2, 3, 4]),
        ([b"LIMIT"], []),
    ],
)
def test_lines_of_finds_whole_words_only(words: list[bytes], lines: list[int]) -> None:
    source = b"limit = 1\nlimits = _limit\r\nx(limit)\rself.limit=2"
    assert _lines_of(source, words) == lines


@pytest.mark.parametrize(
    "source",
    [
        "if config['max_tokens'] is None or max_tokens == 100000:\n    pass\n",
        "n = params['max_output_tokens'] or params [ 'max_tokens' ] + 1\n",
    ],
)
def test_bytes_screen_passes_over_limits_read_or_compared(source: str) -> None:
    # Only a value given (keyword, dict key, assignment) can be above a limit: such a file
    # does not even reach the ast screen.
    assert not SCREEN.bytes_admit(source.encode())
