"""``migrator rules`` and ``migrator explain``: each check's documentation, from its Rule."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrator.checks.base import Example, Rule

FIX_SAFETY = {
    "safe": "applied by 'migrator fix'",
    "unsafe": "applied only by 'migrator fix --unsafe-fixes'",
    "sometimes": "safe in some places (applied by 'migrator fix'); "
    "elsewhere applied only by 'migrator fix --unsafe-fixes'",
    "never": "none; reported only, a person makes the change",
}
WIDTH = 88


def rules_table(rules: Sequence[Rule]) -> str:
    """One line per rule: code, name, fix safety and summary, in aligned columns."""
    rows = [("code", "name", "fix", "summary")]
    rows += [(r.code, r.name, r.fix, r.summary) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3]
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def explain(rule: Rule) -> str:
    """The full description of a rule, with the examples it is flagged and clean on."""
    parts = [
        f"{rule.code} ({rule.name}): {rule.summary}",
        f"Fix: {rule.fix}: {FIX_SAFETY.get(rule.fix, rule.fix)}",
        *(textwrap.fill(p, WIDTH) for p in rule.description.split("\n\n")),
    ]
    if rule.invalid:
        parts.append("Flagged:\n" + _examples(rule.invalid))
    if rule.valid:
        parts.append("Clean:\n" + _examples(rule.valid))
    return "\n\n".join(parts) + "\n"


def explain_markdown(rule: Rule) -> str:
    """The same in Markdown, for viewers such as GitHub code scanning."""
    parts = [f"**{rule.summary}**", f"Fix: {FIX_SAFETY.get(rule.fix, rule.fix)}."]
    parts += rule.description.split("\n\n")
    for title, examples in (("Flagged", rule.invalid), ("Clean", rule.valid)):
        if examples:
            parts.append(f"{title}:\n\n```python\n{_plain_examples(examples)}\n```")
    return "\n\n".join(parts)


def _examples(examples: Sequence[Example]) -> str:
    return "\n\n".join(textwrap.indent(_commented(e), "    ") for e in examples)


def _plain_examples(examples: Sequence[Example]) -> str:
    return "\n\n".join(_commented(e) for e in examples)


def _commented(example: Example) -> str:
    return (f"# {example.note}\n" if example.note else "") + example.code
