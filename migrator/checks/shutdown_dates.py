"""MIG005 (opt-in): a model of the rule set, targets included, that shuts down soon or has."""

from __future__ import annotations

import libcst as cst

from migrator.checks.base import Check, Example, Rule
from migrator.checks.wording import shutdown_message
from migrator.strings import literal_value

MIG005 = Rule(
    code="MIG005",
    name="shutdown-date",
    summary="Model whose announced shutdown date is past or near (opt-in)",
    fix="never",
    description=(
        "A string literal whose whole value is a model of the rule set (a source, a model with "
        "no replacement or a target, alias or snapshot, also behind a provider prefix) whose "
        "announced shutdown date has passed or is within warn-within-days days (config, "
        "default 90). The message gives the date and the days left. Targets can have "
        "announced dates too: this code tells a team, ahead of time, that the next "
        "migration is due.\n\n"
        "Opt-in: not in the default selection, so that a migrated code base passes CI. Select "
        'it with --select MIG005 or select = [..., "MIG005"]. Dates come from the rule set '
        "(migrator rules --dates lists them; migrator verify compares them with the API's); "
        "'today' is the clock's, or --today / MIGRATOR_TODAY. Also in notebooks, Markdown "
        "blocks and config files (YAML, JSON, JSON Lines, TOML, .env)."
    ),
    invalid=(
        Example('client.chat.completions.create(model="gpt-4.5-preview", messages=[])'),
        Example('MODEL = "openai/gpt-4.1-nano"', "a target that has shut down"),
    ),
    valid=(
        Example('client.chat.completions.create(model="o3", messages=[])', "not in the rule set"),
        Example('MODEL = "gpt-4o-realtime-preview"', "no shutdown date announced"),
    ),
    opt_in=True,
)


class ShutdownDates(Check):
    rules = (MIG005,)
    # No triggers declared (None): the screens admit a file for the strings MIG001/MIG002
    # report, not for a target alone, so while MIG005 is selected every file is parsed whole.
    triggers = None

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        parent = self.context.parents[-1]
        if isinstance(parent, (cst.ConcatenatedString, cst.Expr)):
            return  # a piece of a longer string, or a docstring
        value = literal_value(node)
        if value is None:
            return
        message = shutdown_message(value, self.context.ruleset)
        if message is not None:
            self.context.report(node, "MIG005", message)
