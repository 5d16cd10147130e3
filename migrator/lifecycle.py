"""Shutdown dates: what the rule set says about when its models stop working, seen from a day.

The dates live in the rule files (``[[shutdowns]]``); this module reads them, decides what is
past, and words it the same way everywhere (finding messages, the run's closing note,
``migrator rules --dates``, ``migrator verify``).
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

TODAY_VARIABLE = "MIGRATOR_TODAY"
DEFAULT_WARN_WITHIN_DAYS = 90


class DateError(ValueError):
    """A date that is not YYYY-MM-DD; the message names where it came from."""


@dataclass(frozen=True)
class Shutdown:
    """A model's announced shutdown date (None: none announced) and where that comes from."""

    date: dt.date | None
    source: str


@dataclass(frozen=True)
class Calendar:
    """The day a run sees the dates from, and how near a date MIG005 starts to warn."""

    today: dt.date
    warn_within_days: int = DEFAULT_WARN_WITHIN_DAYS

    def days_left(self, day: dt.date) -> int:
        return (day - self.today).days

    def is_past(self, day: dt.date) -> bool:
        """On its shutdown day a model no longer answers: that day counts as past."""
        return day <= self.today

    def is_near(self, day: dt.date) -> bool:
        return self.days_left(day) <= self.warn_within_days

    def verb(self, shutdown: Shutdown | None) -> str:
        """``shuts down on 2027-01-14``, ``shut down on 2025-07-14``, or ``retires`` (no date)."""
        if shutdown is None or shutdown.date is None:
            return "retires"
        tense = "shut down" if self.is_past(shutdown.date) else "shuts down"
        return f"{tense} on {shutdown.date.isoformat()}"

    def days_phrase(self, day: dt.date) -> str:
        """``44 days left``, ``shuts down today``, ``1 day ago``."""
        left = self.days_left(day)
        if left == 0:
            return "shuts down today"
        count = abs(left)
        days = f"{count} day" + ("" if count == 1 else "s")
        return f"{days} left" if left > 0 else f"{days} ago"


def parse_date(value: object, where: str) -> dt.date:
    """A TOML date (``2027-01-14``) or the string ``"2027-01-14"``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise DateError(f"{where}: {value!r} is not a date (YYYY-MM-DD)")


def today_from(option: str | None, environ: Mapping[str, str] = os.environ) -> dt.date:
    """``--today``, else ``MIGRATOR_TODAY``, else the clock: a fixed day makes CI reproducible."""
    if option:
        return parse_date(option, "--today")
    value = environ.get(TODAY_VARIABLE, "").strip()
    if value:
        return parse_date(value, TODAY_VARIABLE)
    return dt.date.today()


def default_today() -> dt.date:
    """``MIGRATOR_TODAY`` or the clock, for a rule set loaded outside a run's settings (the
    settings report a bad value; here it falls back to the clock)."""
    try:
        return today_from(None)
    except DateError:
        return dt.date.today()


def read_shutdowns(groups: Iterable[Mapping[str, object]], where: str) -> dict[str, Shutdown]:
    """``[[shutdowns]]`` groups (``date``, ``source``, ``ids``) by model ID."""
    found: dict[str, Shutdown] = {}
    for group in groups:
        raw = group.get("date")
        day = None if raw is None else parse_date(raw, f"{where}: [[shutdowns]] date")
        source = str(group.get("source", ""))
        ids = group["ids"]
        if not isinstance(ids, list):
            raise DateError(f"{where}: [[shutdowns]] ids must be a list of model IDs")
        for model in ids:
            if model in found:
                raise DateError(f"{where}: {model!r} is in two [[shutdowns]] groups")
            found[str(model)] = Shutdown(day, source)
    return found


@dataclass(frozen=True)
class TargetShutdown:
    """A model a run moves code to that has an announced shutdown date itself."""

    model: str
    date: dt.date
    days_left: int

    def as_dict(self) -> dict[str, object]:
        return {"model": self.model, "date": self.date.isoformat(), "days_left": self.days_left}


@functools.lru_cache(maxsize=256)  # a run asks it of every MIG001 fix; they write few models
def written_model(replacement: str) -> str:
    """The value a fix writes, without the quotes of its literal (``'gpt-4.1'`` -> gpt-4.1)."""
    try:
        value = ast.literal_eval(replacement)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return replacement.strip().strip("'\"")
    if isinstance(value, bytes):
        return value.decode("ascii", "replace")
    return value if isinstance(value, str) else replacement


def shutdown_note(targets: Iterable[TargetShutdown]) -> str:
    """The closing note of a run that moves code to models with announced shutdown dates."""
    by_date: dict[dt.date, list[TargetShutdown]] = {}
    for target in sorted(targets, key=lambda t: (t.date, t.model)):
        by_date.setdefault(target.date, []).append(target)
    if not by_date:
        return ""
    parts = []
    for day, group in by_date.items():
        left = group[0].days_left
        days = f"{left} day{'' if left == 1 else 's'} left"
        names = ", ".join(target.model for target in group)
        parts.append(f"{names} on {day.isoformat()} ({days})")
    return (
        "Note: the models this run moves code to have announced shutdown dates too: "
        + "; ".join(parts)
        + ". Plan the next migration (migrator rules --dates)."
    )
