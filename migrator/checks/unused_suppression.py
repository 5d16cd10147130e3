"""MIG100: a suppression comment that suppresses nothing (as Ruff's RUF100).

The check itself runs in the Python kind (``kinds.python``), which sees which comments dropped
which findings; this class only carries the rule, so that ``rules``, ``explain``, SARIF and
``--select`` know it.
"""

from __future__ import annotations

from migrator.checks.base import Check, Example, Rule
from migrator.triggers import Triggers

MIG100 = Rule(
    code="MIG100",
    name="unused-suppression",
    summary="Suppression comment that suppresses nothing",
    fix="never",
    # As Ruff's RUF100, not in the default selection: it reports on comments, not on code
    # that would break.
    opt_in=True,
    description=(
        "A '# noqa: MIG...' or '# migrator: ignore[...]' comment naming a code that is not "
        "reported on its line, a bare '# migrator: ignore' on a line with no finding, or a "
        "'# migrator: noqa' line (for the whole file) in a file with nothing to suppress. Such "
        "comments pile up after a migration (the code they silenced was fixed) and would hide "
        "a new finding on the same line.\n\n"
        "Every check is run to judge a comment, selected or not, so MIG100 can be selected on "
        "its own. A '# noqa' that names no MIG code is left alone: it may be there for another "
        "linter. Opt-in, as Ruff's RUF100: it is selected only when named (MIG100 or MIG1), "
        "not by the default MIG, because it flags comments rather than code that "
        "would break, and judging them costs a full parse of each file that holds one."
    ),
    invalid=(
        Example('MODEL = "gpt-4.1"  # noqa: MIG001', "nothing left to suppress"),
        Example('MODEL = "gpt-4.1"  # migrator: ignore', "a bare ignore on a clean line"),
    ),
    valid=(
        Example('MODEL = "gpt-4o"  # noqa: MIG001', "the comment suppresses a finding"),
        Example('MODEL = "gpt-4.1"  # noqa: E501', "not a migrator code"),
    ),
)


class UnusedSuppression(Check):
    rules = (MIG100,)
    # Reads nothing of the tree: the screens need not admit a file for it (the Python kind judges
    # the comments of every file that has one, screened out or not).
    triggers = Triggers()
