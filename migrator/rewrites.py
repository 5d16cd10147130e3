"""Whether a change is one ``fix`` itself makes: retiring model IDs replaced by their targets.

The dirty-tree guard uses it so that a second ``fix`` (say with ``--unsafe-fixes``, the
README's one-off workflow) may go on with files the first one rewrote: their unstaged changes
are the tool's own, not edits of the user's that a fix would mix with.
"""

from __future__ import annotations

import re

from migrator.ruleset import RuleSet, SnapshotMode

# Characters a model ID is made of: an ID inside a longer one ("gpt-4o" in "gpt-4o-mini") is
# not a match on its own.
_ID_CHAR = rb"[\w.-]"


def only_model_rewrites(old: bytes, new: bytes, ruleset: RuleSet) -> bool:
    """True when ``new`` differs from ``old`` and only where a retiring model ID of ``ruleset``
    became one of its migration targets (under any snapshot mode), line by line."""
    if old == new:
        return False
    old_lines, new_lines = old.split(b"\n"), new.split(b"\n")
    if len(old_lines) != len(new_lines):
        return False
    targets = _targets(ruleset)
    ids = re.compile(
        rb"(?<!"
        + _ID_CHAR
        + rb")("
        + b"|".join(re.escape(s) for s in sorted(targets, key=len, reverse=True))
        + rb")(?!"
        + _ID_CHAR
        + rb")"
    )
    for before, after in zip(old_lines, new_lines):
        if before != after and not _rewritten(before, after, ids, targets):
            return False
    return True


def _targets(ruleset: RuleSet) -> dict[bytes, list[bytes]]:
    """Each retiring ID -> what ``fix`` may write instead (itself included: not every site of
    a line need be fixed)."""
    out: dict[bytes, list[bytes]] = {}
    for model, source in ruleset.sources.items():
        options = {model} | {ruleset.replacement(source, mode) for mode in SnapshotMode}
        out[model.encode()] = sorted((o.encode() for o in options), key=len, reverse=True)
    return out


def _rewritten(
    before: bytes, after: bytes, ids: re.Pattern[bytes], targets: dict[bytes, list[bytes]]
) -> bool:
    parts = []
    last = 0
    for match in ids.finditer(before):
        parts.append(re.escape(before[last : match.start()]))
        parts.append(b"(?:" + b"|".join(re.escape(o) for o in targets[match.group()]) + b")")
        last = match.end()
    if last == 0:
        return False
    parts.append(re.escape(before[last:]))
    return re.fullmatch(b"".join(parts), after) is not None
