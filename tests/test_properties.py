"""Property tests of the fixer: whatever the source, ``fix`` keeps the invariants below.

Sources come from hypothesmith (arbitrary valid Python, with model IDs spliced into its string
literals) and from templates that place model IDs, output-token limits and audio parts into
realistic calls. For every source and every settings variant:

1. ``check_source(..., fix=True)`` never raises;
2. the fixed source parses (with LibCST, and with ``ast`` whenever the input did);
3. it differs from the input only inside the string literals it rewrote: the token streams
   match except for those STRING tokens, every other byte is unchanged, and the rewritten
   literals are exactly the fixes reported, with the reported replacement text, the same
   prefix, quotes and type, and the migration's target as value (for safe fixes; an unsafe
   fix that rewrites something other than a string literal is held to the other four);
4. a second ``fix`` changes nothing;
5. ``lint`` after ``fix`` reports no finding that ``fix`` would have applied.

Example counts per test come from the hypothesis profile (tests/conftest.py).
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections import Counter

import hypothesmith
import libcst as cst
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from migrator.config import Settings
from migrator.kinds.python import check_source
from migrator.literal_diff import LiteralChange, changed_literals
from migrator.results import SourceResult
from migrator.ruleset import Migration, RuleSet, SnapshotMode

# hypothesmith's generated code trips compile()'s warnings ("'str' object is not callable").
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

RULES = RuleSet.load()
SETTINGS = [
    Settings(ruleset=RULES),
    Settings(ruleset=RULES, unsafe_fixes=True),
    Settings(ruleset=RULES, snapshot=SnapshotMode.ALWAYS),
    Settings(ruleset=RULES, snapshot=SnapshotMode.NEVER, unsafe_fixes=True),
]
# Errors a valid source may still get: limits of LibCST, reported with a clear message.
KNOWN_LIMITS = ("too deeply nested", "LibCST cannot reproduce this file")

# -- model IDs, as a literal would spell them ------------------------------------------------

MODEL_IDS = sorted(
    set(RULES.sources)
    | set(RULES.no_replacement)
    | set(RULES.targets)
    | {t.snapshot for t in RULES.targets.values()}
)
fine_tuned = st.builds(
    lambda base, org: f"ft:{base}:{org}::abc123",
    st.sampled_from(sorted(RULES.fine_tune_bases)),
    st.sampled_from(["acme", "my-org", ""]),
)
SOURCE_IDS = sorted(RULES.sources)  # what real code mostly holds: weighted up below
near_misses = st.sampled_from(MODEL_IDS).flatmap(
    lambda m: st.sampled_from([m.upper(), m + "-x", " " + m, m + " ", m[:-1], m + "/", "v" + m])
)
provider_prefixes = st.one_of(
    st.just(""),
    st.sampled_from(["openai/", "openai:", "openrouter/openai/", "azure/", "litellm_proxy/"]),
    st.from_regex(r"[a-z0-9_.-]{1,8}[/:]", fullmatch=True),
)
model_values = st.one_of(
    st.sampled_from(SOURCE_IDS),
    st.tuples(provider_prefixes, st.sampled_from(SOURCE_IDS)).map("".join),
    st.tuples(provider_prefixes, st.sampled_from(MODEL_IDS)).map("".join),
    fine_tuned,
    near_misses,
)
QUOTES = ['"', "'", '"""', "'''"]
STRING_PREFIXES = ["", "r", "R", "u", "U", "b", "B", "rb", "Rb", "bR", "BR", "br"]


@st.composite
def literals(draw: st.DrawFn, value: st.SearchStrategy[str] = model_values) -> str:
    """A string literal whose value is ``value``, in any spelling Python allows."""
    text = draw(value)
    prefix = draw(st.sampled_from(STRING_PREFIXES))
    quote = draw(st.sampled_from(QUOTES))
    body = text
    if "r" not in prefix.lower() and draw(st.booleans()):
        # the same value spelled with escapes: \x2d for "-", or a line continuation
        body = draw(st.sampled_from([text.replace("-", "\\x2d", 1), text + "\\\n"]))
    if quote[0] in body or body.endswith("\\") or ("\n" in body and len(quote) == 1):
        body = text
    return f"{prefix}{quote}{body}{quote}"


# -- realistic call sites ---------------------------------------------------------------------

token_limits = st.one_of(
    st.integers(0, 10**7).map(str),
    st.integers(1, 10**6).map(lambda n: f"{n:_}"),
    st.sampled_from(["64 * 1024", "2**15", "MAX_TOKENS", "None", "int(1e5)"]),
)
audio_parts = st.sampled_from(
    [
        '{"type": "input_audio", "input_audio": {"data": b64, "format": "wav"}}',
        'ChatCompletionContentPartInputAudioParam(type="input_audio", input_audio=clip)',
        '{"type": "image_url", "image_url": {"url": url}}',
        '{"type": "text", "text": "gpt-4o is retiring"}',
    ]
)
names = st.sampled_from(["MODEL", "model", "DEFAULT_MODEL", "self.model", "cfg.llm"])
TEMPLATES = [
    "client.chat.completions.create(model={lit}, messages=[{{'role': 'user', 'content': "
    "[{part}]}}], max_tokens={limit})",
    "client.responses.create(\n    model={lit},  # the model\n    input=text,\n"
    "    max_output_tokens={limit},\n)",
    "client.chat.completions.create(model={lit}, modalities=['text', 'audio'], "
    "audio={{'voice': 'alloy', 'format': 'wav'}}, messages=msgs)",
    "{name} = {lit}",
    "{name}: str = {lit}",
    "def pick(model={lit}, *, limit={limit}):\n    return {lit2}",
    "CONFIG = {{'model': {lit}, 'max_completion_tokens': {limit}, 'fallback': [{lit2}]}}",
    "PRICES = {{{lit}: 2.5, {lit2}: 0.15}}",
    "if model == {lit} or model in ({lit2}, 'x'):\n    pass",
    "MODELS = [{lit}, {lit2}, {lit}]",
    "cost = PRICES[{lit}]",
    "match model:\n    case {lit}:\n        pass\n    case _:\n        pass",
    "ok = name.startswith({lit}) and name.replace({lit2}, 'x')",
    "client = AzureOpenAI()\nclient.chat.completions.create(model={lit}, messages=[])",
    "llm = AzureChatOpenAI(azure_deployment={lit}, max_tokens={limit})",
    "llm = ChatOpenAI(model_name={lit}, max_tokens={limit})",
    "x = {lit} {lit2}",
    "x = f'{{prefix}}' + {lit}",
    "x = {lit}  # noqa",
    "x = {lit}  # migrator: ignore[MIG001]",
    '"""Docstring naming gpt-4o."""\nx = lambda: {lit}',
    "async def go():\n    return await run({lit}) if flag else (yield {lit2})",
    "x = {lit} if cond else {lit2}",
    "for m in ({lit}, {lit2}):\n    call(m, *[{lit}], **{{'model': {lit2}}})",
    "with AzureOpenAI() as az:\n    az.chat.completions.create(model={lit})",
    "value = (\n    {lit}\n)",
    "print({lit}, end={lit2})",
    "class Settings:\n    model: str = {lit}\n    limit = {limit}\n\n    def f(self):\n"
    "        return self.model == {lit2}",
]


@st.composite
def template_modules(draw: st.DrawFn) -> bytes:
    """A module of realistic statements, with one line-ending style (or a mix) and noise."""
    statements = []
    for _ in range(draw(st.integers(1, 6))):
        template = draw(st.sampled_from(TEMPLATES))
        statements.append(
            template.format(
                lit=draw(literals()),
                lit2=draw(literals()),
                limit=draw(token_limits),
                part=draw(audio_parts),
                name=draw(names),
            )
        )
        if draw(st.integers(0, 9)) == 0:
            statements.append(draw(st.sampled_from(["\x0c", "# comment", "", "pass  # x"])))
        if draw(st.integers(0, 19)) == 0:
            statements[-1] = "\x0c" + statements[-1]  # LibCST drops this one
    text = "\n".join(statements) + draw(st.sampled_from(["\n", "", "\n\n"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r\n", "mixed"]))
    if newline == "mixed":
        lines = text.split("\n")
        text = "".join(
            line + (draw(st.sampled_from(["\n", "\r\n"])) if i < len(lines) - 1 else "")
            for i, line in enumerate(lines)
        )
    elif newline != "\n":
        text = text.replace("\n", newline)
    header = draw(st.sampled_from(["", "# -*- coding: utf-8 -*-\n", "\ufeff", "import os\n"]))
    return (header + text).encode("utf-8")


PYTHON_SOURCES = hypothesmith.from_grammar()  # building the grammar takes a while: once
LIBCST_SOURCES = hypothesmith.from_node()


@st.composite
def spliced_modules(draw: st.DrawFn) -> bytes:
    """hypothesmith's arbitrary Python with model IDs put into some of its string literals,
    sometimes after a few realistic statements."""
    source = draw(PYTHON_SOURCES)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source.encode("utf-8")
    lines = io.StringIO(source).readlines()
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    pieces, position = [], 0
    for token in tokens:
        if token.type != tokenize.STRING or not draw(st.booleans()):
            continue
        quote_at = min(i for i in (token.string.find("'"), token.string.find('"')) if i >= 0)
        prefix = token.string[:quote_at]
        if "f" in prefix.lower():
            continue
        triple = token.string[quote_at:].startswith(("'''", '"""'))
        quote = token.string[quote_at] * (3 if triple else 1)
        begin = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        pieces += [source[position:begin], f"{prefix}{quote}{draw(model_values)}{quote}"]
        position = end
    pieces.append(source[position:])
    spliced = "".join(pieces).encode("utf-8")
    return draw(st.sampled_from([b"", draw(template_modules())])) + spliced


# -- the invariants ---------------------------------------------------------------------------


def assert_fix_invariants(source: bytes, settings: Settings) -> None:
    result = check_source(source, "x.py", settings, fix=True)  # 1. never raises
    event(_outcome(result))
    if result.error is not None:
        assert result.error.startswith(KNOWN_LIMITS) or _invalid(source), result.error
        assert result.new_source is None
        return
    new = result.new_source
    if new is None:
        assert not result.fixed
        return
    cst.parse_module(new)  # 2. parses
    if not _invalid(source):
        ast.parse(new)
    changes = _assert_only_fixed_literals_changed(source, new, result)  # 3.
    limits = {t.max_output_tokens for t in settings.ruleset.targets.values()}
    for change in changes:
        if change.old[0].isdigit():  # MIG003's clamp (an unsafe fix) lowers a limit to a target's
            assert ast.literal_eval(change.new) in limits
            assert ast.literal_eval(change.new) < ast.literal_eval(change.old)
        else:
            _assert_same_spelling_new_model(change, settings)
    again = check_source(new, "x.py", settings, fix=True)  # 4. idempotent
    assert again.error is None and again.new_source is None, again
    after = check_source(new, "x.py", settings, fix=False)  # 5. nothing fix would apply
    applicable = [
        f for f in after.findings if f.fix is not None and (f.fix.safe or settings.unsafe_fixes)
    ]
    assert not applicable, applicable


def _assert_only_fixed_literals_changed(
    old: bytes, new: bytes, result: SourceResult
) -> list[LiteralChange]:
    changes = changed_literals(old, new)
    fixes = [(f.line, f.column, f.fix.replacement) for f in result.fixed if f.fix is not None]
    assert len(fixes) == len(result.fixed)
    assert Counter(c.new for c in changes) == Counter(r for _, _, r in fixes)
    if b"\r" not in old.replace(b"\r\n", b""):  # a lone CR ends a line for LibCST only
        assert sorted((c.line, c.column, c.new) for c in changes) == sorted(fixes)
    return changes


def _assert_same_spelling_new_model(change: LiteralChange, settings: Settings) -> None:
    """The literal keeps its prefix, quotes and type; its value is the migration's target."""
    old_value, new_value = ast.literal_eval(change.old), ast.literal_eval(change.new)
    assert type(old_value) is type(new_value)
    for literal in (change.old, change.new):
        assert literal.endswith(literal[-1] * 3) == change.old.endswith(change.old[-1] * 3)
    opening = change.old[: len(change.old) - len(change.old.lstrip("rRbBuU"))]
    assert change.new.startswith(opening + change.old[len(opening)])

    def text(value: str | bytes) -> str:
        return value.decode("ascii") if isinstance(value, bytes) else value

    found = settings.ruleset.classify(text(old_value), settings.snapshot)
    assert isinstance(found, Migration)
    assert text(new_value) == found.new_text


def _outcome(result: SourceResult) -> str:
    if result.error is not None:
        return f"error: {result.error.split(':')[0]}"
    return "fixed" if result.new_source is not None else "unchanged"


def _invalid(source: bytes) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return True
    return False


settings_variants = st.sampled_from(SETTINGS)


def examples(factor: float) -> settings:
    """The active profile's example count (tests/conftest.py), scaled to this test's cost."""
    return settings(max_examples=max(5, round(settings.default.max_examples * factor)))


@examples(3)  # the cheapest test, and the one that exercises fixes most
@given(template_modules(), settings_variants)
@example(b'A = ["gpt-4o", "gpt-4.1"]\nB = {"gpt-4o": "gpt-4o"}\n', SETTINGS[0])
@example(b'x = "gpt-4o\\\n"\ny = b"gpt\\x2d4o-mini"\n', SETTINGS[2])
@example(b'\x0cA = "gpt-4o"\n', SETTINGS[0])
def test_fix_invariants_on_realistic_calls(source: bytes, settings: Settings) -> None:
    assert_fix_invariants(source, settings)


@examples(1)
@given(spliced_modules(), settings_variants)
def test_fix_invariants_on_arbitrary_python(source: bytes, settings: Settings) -> None:
    assert_fix_invariants(source, settings)


@examples(0.25)  # about 0.15 s an example, most of it generating
@given(LIBCST_SOURCES, settings_variants)
def test_fix_never_raises_on_libcst_generated_code(source: str, settings: Settings) -> None:
    assert_fix_invariants(source.encode("utf-8"), settings)


@examples(1)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode), settings_variants)
def test_fix_never_raises_on_garbage(source: bytes, settings: Settings) -> None:
    result = check_source(source, "x.py", settings, fix=True)
    if result.new_source is not None:
        assert_fix_invariants(source, settings)
