"""``migrator rules --sets`` and ``--dates``: what the bundled rule sets are, and when each model
of the active one shuts down."""

from __future__ import annotations

from collections.abc import Sequence

from migrator.ruleset import DEFAULT_RULE_SET, RuleSet, bundled_data, bundled_sets


def sets_table() -> str:
    """One line per bundled rule set: name, what it extends, description."""
    rows = [("name", "extends", "description")]
    for name in bundled_sets():
        data = bundled_data(name)
        role = str(data.get("extends", "-"))
        description = str(data.get("description", ""))
        if name == DEFAULT_RULE_SET:
            description += " (default)"
        rows.append((name, role, description))
    return _table(rows)


def dates_table(ruleset: RuleSet) -> str:
    """Every model of the rule set by shutdown date; past dates marked, unknown ones last."""
    calendar = ruleset.calendar
    rows = [("date", "model", "role", "when", "source")]
    for model, role, shutdown in ruleset.dated_models:
        if shutdown is None or shutdown.date is None:
            day, when = "-", "no date announced"
        else:
            day = shutdown.date.isoformat()
            when = calendar.days_phrase(shutdown.date)
            if calendar.is_past(shutdown.date):
                when = f"PAST ({when})"
        rows.append(
            (day, model, role, when, shutdown.source if shutdown else "not in the rule set")
        )
    head = (
        f"Rule set {ruleset.name!r} seen on {calendar.today.isoformat()} "
        "(--today or MIGRATOR_TODAY to change):\n"
    )
    return head + _table(rows)


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1]
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"
