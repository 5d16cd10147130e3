"""Every regular expression in migrator/ runs in linear time on adversarial input.

The patterns are found, not listed: module-level compiled patterns in every migrator module,
plus every ``re.<function>("literal", ...)`` call in the source. A new pattern is covered the
day it is added.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import migrator

try:  # the regex parser moved in 3.11
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_parse  # type: ignore[no-redef]

PACKAGE = Path(migrator.__file__).parent
RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "split", "findall", "finditer", "sub"}


def module_patterns() -> dict[str, re.Pattern[str] | re.Pattern[bytes]]:
    found: dict[str, re.Pattern[str] | re.Pattern[bytes]] = {}
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="migrator."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            candidates = [value] + (list(vars(value).values()) if isinstance(value, type) else [])
            for candidate in candidates:
                if isinstance(candidate, re.Pattern):
                    found[f"{info.name}.{name}"] = candidate
    return found


def inline_patterns() -> dict[str, re.Pattern[str] | re.Pattern[bytes]]:
    found: dict[str, re.Pattern[str] | re.Pattern[bytes]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_bytes())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr in RE_FUNCTIONS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, (str, bytes))
            ):
                where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                found[where] = re.compile(node.args[0].value)
    return found


PATTERNS = {**module_patterns(), **inline_patterns()}


def test_the_audit_finds_the_patterns_we_know() -> None:
    names = set(PATTERNS)
    assert {"migrator.suppression._NOQA", "migrator.suppression._IGNORE"} <= names
    assert any(name.startswith("migrator/suppression.py:") for name in names)  # re.split(...)


def _nested_unbounded_repeat(parsed: object, inside: bool = False) -> bool:
    repeats = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT}
    repeats |= {getattr(sre_parse, "POSSESSIVE_REPEAT", sre_parse.MAX_REPEAT)}
    for op, av in parsed:  # type: ignore[attr-defined]
        within = inside
        if op in repeats:
            _, high, sub = av
            unbounded = high == sre_parse.MAXREPEAT
            if unbounded and inside:
                return True
            children, within = [sub], inside or unbounded
        elif op is sre_parse.SUBPATTERN:
            children = [av[-1]]
        elif op is sre_parse.BRANCH:
            children = av[1]
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            children = [av[1]]
        else:
            children = []
        if any(_nested_unbounded_repeat(child, within) for child in children):
            return True
    return False


def test_the_nesting_detector_works() -> None:
    assert _nested_unbounded_repeat(sre_parse.parse(r"(a+)+$"))
    assert _nested_unbounded_repeat(sre_parse.parse(r"(?:x|(\s*,)*)y"))
    assert not _nested_unbounded_repeat(sre_parse.parse(r"#\s*noqa(?::\s*([A-Z0-9,\s]+))?"))
    assert not _nested_unbounded_repeat(sre_parse.parse(r"(ab){1,3}c*"))


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_nested_quantifiers(name: str) -> None:
    pattern = PATTERNS[name]
    assert not _nested_unbounded_repeat(sre_parse.parse(pattern.pattern, pattern.flags)), (
        f"{name} = {pattern.pattern!r} nests unbounded repeats: it can backtrack exponentially"
    )


# Runs in a child process: a pattern that backtracks would hang it, and the timeout ends it.
_TIMING = textwrap.dedent(
    """
    import json, re, sys, time
    size = 1 << 20
    patterns = json.loads(sys.argv[1])
    worst = {}
    for name, (text, flags, is_bytes) in patterns.items():
        pattern = re.compile(text.encode("latin-1") if is_bytes else text, flags)
        alphabet = set(text) | set(" \\t,:#[]-/._aA0Zz\\\\")
        lures = [c * size for c in alphabet]
        # the pattern's own literal text repeated, and cut short before its end
        literal = "".join(ch for ch in text if ch.isalnum() or ch in " #:[],-_/.")
        if literal:
            lures.append((literal * (size // len(literal) + 1))[:size])
            lures.append(literal[: len(literal) // 2] + " " * size + "!")
            lures.append(literal + "A," * (size // 2) + "!")
        slowest = 0.0
        for lure in lures:
            subject = lure.encode("latin-1", "replace") if is_bytes else lure
            start = time.perf_counter()
            pattern.search(subject)
            for _ in pattern.finditer(subject):
                pass
            slowest = max(slowest, time.perf_counter() - start)
        worst[name] = slowest
    print(json.dumps(worst))
    """
)


def test_every_pattern_is_linear_on_1_mb_lures() -> None:
    payload = {
        name: (
            p.pattern.decode("latin-1") if isinstance(p.pattern, bytes) else p.pattern,
            p.flags & ~re.UNICODE if isinstance(p.pattern, bytes) else p.flags,
            isinstance(p.pattern, bytes),
        )
        for name, p in PATTERNS.items()
    }
    done = subprocess.run(
        [sys.executable, "-c", _TIMING, json.dumps(payload)],
        capture_output=True,
        text=True,
        timeout=300,  # a backtracking pattern would run for hours
    )
    assert done.returncode == 0, done.stderr
    worst = json.loads(done.stdout)
    slow = {name: seconds for name, seconds in worst.items() if seconds > 5}
    assert not slow, f"patterns slower than 5 s on a 1 MB line: {slow}"


PATHOLOGICAL_LINES = {
    "noqa-padding": 'A = "gpt-4o"  # noqa:' + " ," * 500_000 + "\n",
    "ignore-unclosed": 'A = "gpt-4o"  # migrator: ignore[' + "MIG001," * 150_000 + "\n",
    "hashes": 'A = "gpt-4o"  ' + "#" * 1_000_000 + "\n",
    "noqa-repeated": 'A = "gpt-4o"  ' + "# noqa" * 170_000 + "\n",
    "long-literal": 'A = "gpt-4o"\nB = "' + "gpt-4o/" * 150_000 + '"\n',
    "long-prefix": 'A = "' + "openai/" * 150_000 + 'gpt-4o"\n',
    "colons": 'A = "' + ":" * 1_000_000 + 'gpt-4o"\n',
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL_LINES))
def test_pathological_lines_end_to_end(tmp_path: Path, name: str) -> None:
    """A whole run over a 1 MB line, bounded generously (LibCST parses ~0.5 MB/s)."""
    path = tmp_path / "app.py"
    path.write_text(PATHOLOGICAL_LINES[name])
    done = subprocess.run(
        [sys.executable, "-m", "migrator", "fix", "--diff", "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
