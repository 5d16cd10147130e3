"""A check says what it reads; the screens are built from that. A new check registered only in
the registry (``migrator.codes``) reports the same screened and unscreened, in lint and in fix,
with no edit to the screens, the pruner or the Python kind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import libcst as cst
import pytest

from migrator import codes
from migrator.checks.base import Check, Example, Rule
from migrator.config import Settings
from migrator.engine import Mode, run
from migrator.findings import Fix
from migrator.ruleset import RuleSet
from migrator.screen import Screen
from migrator.triggers import Triggers

MIG900 = Rule(
    code="MIG900",
    name="temperature-above-one",
    summary="a request's temperature above 1.0",
    fix="safe",
    description="A test-only rule: the checks' own declarations drive the screens.",
    invalid=(Example("client.chat.completions.create(temperature=1.5)"),),
    valid=(Example("client.chat.completions.create(temperature=0.2)"),),
)


class Temperature(Check):
    """MIG900: ``temperature=`` above 1.0, in a call; fixed to 1.0."""

    rules = (MIG900,)
    triggers = Triggers(keywords=frozenset({"temperature"}))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is None or node.keyword.value != "temperature":
            return
        value = node.value
        if isinstance(value, cst.Float) and float(value.value) > 1.0:
            self.context.report(
                value,
                "MIG900",
                f"temperature {value.value} is above 1.0",
                fix=Fix("1.0", safe=True),
                new_node=value.with_changes(value="1.0"),
            )


class Undeclared(Temperature):
    """The same check without declarations: every file must then be admitted."""

    triggers = None


# Files a screen built from the model-ID checks alone would rule out: no model ID, no token
# limit. Only the new check can report on them.
FILES = {
    "app/sampling.py": "import client\n\nclient.chat(messages=[], temperature=1.5)\n",
    "app/clean.py": "def f(temperature=0.5):\n    return temperature\n",
    "app/multiline.py": "settings(\n    temperature = 1.9,\n    top_p=1,\n)\n",
}


@pytest.fixture(params=[Temperature, Undeclared], ids=["declared", "undeclared"])
def registered(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[type]:
    check = f"{request.param.__module__}:{request.param.__qualname__}"
    row = codes.Code("MIG900", MIG900.name, check, triggers=request.param.triggers)
    monkeypatch.setattr(codes, "CODES", (*codes.CODES, row))
    yield request.param


def _tree(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    for path, text in FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def _settings(root: Path) -> Settings:
    return Settings(ruleset=RuleSet.load(), root=root, select=("MIG",))


def _summary(result: object, root: Path) -> list[tuple[str, int, str]]:
    found = [*result.findings, *result.fixed]  # type: ignore[attr-defined]
    return sorted((f.path.replace(str(root), ""), f.line, f.code) for f in found)


@pytest.mark.parametrize("mode", [Mode.LINT, Mode.FIX], ids=["lint", "fix"])
def test_screened_and_unscreened_agree(registered: type, tmp_path: Path, mode: Mode) -> None:
    screened_root, plain_root = _tree(tmp_path, "screened"), _tree(tmp_path, "plain")
    screened = run([screened_root], _settings(screened_root), mode, allow_dirty=True, jobs=1)
    plain = run([plain_root], _settings(plain_root), mode, allow_dirty=True, jobs=1, screens=False)
    assert _summary(screened, screened_root) == _summary(plain, plain_root)
    assert {code for _, _, code in _summary(screened, screened_root)} == {"MIG900"}
    assert len(_summary(screened, screened_root)) == 2
    for path in FILES:
        assert (screened_root / path).read_bytes() == (plain_root / path).read_bytes()
    if mode is Mode.FIX:
        assert "temperature=1.0" in (screened_root / "app/sampling.py").read_text()


def test_the_screen_takes_only_the_selected_checks_triggers(registered: type) -> None:
    settings = Settings(ruleset=RuleSet.load(), select=("MIG001",))
    screen = Screen.for_settings(settings)
    assert not screen.bytes_admit(FILES["app/sampling.py"].encode())
    both = replace(settings, select=("MIG001", "MIG900"))
    assert Screen.for_settings(both).bytes_admit(FILES["app/sampling.py"].encode())


def test_a_declared_name_only_read_is_ruled_out_by_the_ast_screen(registered: type) -> None:
    screen = Screen(RuleSet.load(), [registered.triggers])
    comment_only = b"# temperature = 2.0 is too hot\nx = 1\n"
    if registered.triggers is None:
        assert screen.admit(comment_only) is not None
    else:
        assert screen.bytes_admit(comment_only)  # the bytes screen sees the comment
        assert screen.admit(comment_only) is None  # the ast screen knows better
