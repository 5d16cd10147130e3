"""``migrator verify``: can the configured API key use every model the migration moves code to?

This is the only module that imports openai to make a request, and it does so lazily: nothing
on the lint path pays for the SDK. The API key is read by the SDK from ``OPENAI_API_KEY`` and
is never printed, not even inside an error message the server sent back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from migrator.lifecycle import Calendar
from migrator.redaction import redact
from migrator.ruleset import RuleSet, SnapshotMode

KEY_VARIABLE = "OPENAI_API_KEY"


class VerifyError(Exception):
    """The models could not be listed; the message is safe to print (no key in it)."""


@dataclass(frozen=True)
class TargetCheck:
    model: str
    sources: tuple[str, ...]  # the retiring models that move to it
    available: bool


def active_targets(ruleset: RuleSet, snapshot: SnapshotMode) -> dict[str, tuple[str, ...]]:
    """Every model the active mapping (config overrides and snapshot mode applied) moves to."""
    targets: dict[str, list[str]] = {}
    for source in ruleset.sources.values():
        targets.setdefault(ruleset.replacement(source, snapshot), []).append(source.id)
    return {model: tuple(sources) for model, sources in sorted(targets.items())}


def list_models(
    timeout: float, dates: dict[str, LiveDate] | None = None
) -> tuple[str, frozenset[str]]:
    """The API's base URL (as shown to the user) and the model IDs the key can use.

    Every failure is a VerifyError whose text went through ``redact``: no exception's own text
    reaches the user unredacted, whichever library raised it. ``dates``, when given, is filled
    with each listed model's live shutdown date.
    """
    key = os.environ.get(KEY_VARIABLE, "")
    problem = key_problem(key)
    if problem:
        raise VerifyError(f"{KEY_VARIABLE} {problem}: an HTTP header cannot carry it")
    try:
        import openai
    except ImportError:
        raise VerifyError("verify needs the openai package (pip install openai)") from None
    try:
        client = openai.OpenAI(max_retries=0, timeout=timeout)
    except openai.OpenAIError as exc:
        if not key:
            raise VerifyError(f"no API key: set {KEY_VARIABLE}") from None
        raise VerifyError(redact(f"cannot create an OpenAI client: {exc}", key)) from None
    except Exception as exc:  # e.g. a malformed OPENAI_BASE_URL
        raise VerifyError(redact(f"cannot create an OpenAI client: {_text(exc)}", key)) from None
    where = redact(shown_url(str(client.base_url)), key)
    try:
        # The raw reply: the SDK's own parsing of an unexpected body ends in AttributeError,
        # TypeError or JSONDecodeError depending on its shape.
        body = client.models.with_raw_response.list().content
    except openai.AuthenticationError:
        # The server's own message may quote the key (masked or not): say it in our words.
        message = f"{where} rejected the API key (HTTP 401): check {KEY_VARIABLE}"
        raise VerifyError(message) from None
    except openai.APIConnectionError as exc:  # also timeouts
        cause = exc.__cause__ or exc
        raise VerifyError(redact(f"cannot connect to {where}: {_text(cause)}", key)) from None
    except openai.APIStatusError as exc:
        message = f"{where} answered HTTP {exc.status_code}: {exc.message}"
        raise VerifyError(redact(message, key)) from None
    except Exception as exc:
        raise VerifyError(redact(f"listing models at {where} failed: {_text(exc)}", key)) from None
    models = model_ids(body)
    if models is None:
        raise VerifyError(
            f"{where} answered, but not with a list of models (is OPENAI_BASE_URL the API's "
            "address, ending in /v1?)"
        )
    if dates is not None:
        dates.update(live_dates(body))
    return where, models


def model_ids(body: bytes) -> frozenset[str] | None:
    """The IDs in a ``GET /models`` reply; None if the body is not such a reply."""
    try:
        reply = json.loads(body)
    except ValueError:  # also bytes that are not UTF-8
        return None
    data = reply.get("data") if isinstance(reply, dict) else None
    if not isinstance(data, list):
        return None
    ids = [item.get("id") if isinstance(item, dict) else None for item in data]
    if not all(isinstance(model, str) for model in ids):
        return None
    return frozenset(ids)  # type: ignore[arg-type]  # all str, checked above


def key_problem(key: str) -> str | None:
    """What makes ``key`` unsendable, described without showing any of it; None if nothing.

    A key pasted from a file or a CRLF ``.env`` ends in a line break; the HTTP library then
    refuses the header and quotes it whole in its error.
    """
    if key and not _sendable(key[-1]):
        return f"ends with {_describe(key[-1])}"
    for index, char in enumerate(key):
        if not _sendable(char):
            return f"holds {_describe(char)} at position {index + 1}"
    return None


def _sendable(char: str) -> bool:
    return "!" <= char <= "~"


def _describe(char: str) -> str:
    names = {"\r": "a carriage return", "\n": "a line break", "\t": "a tab", " ": "a space"}
    if char in names:
        return names[char]
    return "a non-ASCII character" if ord(char) > 0x7E else "a control character"


def _text(exc: BaseException) -> str:
    return f"{exc}" or type(exc).__name__


def check_targets(
    targets: dict[str, tuple[str, ...]], available: frozenset[str]
) -> list[TargetCheck]:
    return [TargetCheck(model, sources, model in available) for model, sources in targets.items()]


def render(where: str, listed: int, checks: list[TargetCheck]) -> str:
    lines = [f"{where}: this API key can use {listed} models."]
    width = max((len(c.model) for c in checks), default=0)
    for c in checks:
        status = "ok" if c.available else "MISSING"
        lines.append(f"  {status:<7}  {c.model:<{width}}  (for {', '.join(c.sources)})")
    missing = [c for c in checks if not c.available]
    if missing:
        lines.append(
            f"{len(missing)} of {len(checks)} targets are not available to this key: calls "
            "moved to them would fail. Enable them for the project, or map the sources "
            "elsewhere in [tool.migrator.models]."
        )
    else:
        lines.append(f"All {len(checks)} targets are available.")
    return "\n".join(lines) + "\n"


def shown_url(url: str) -> str:
    """``url`` without user info, query or fragment, which can hold credentials."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


# -- live shutdown dates -------------------------------------------------------------------------
# Kept apart from the availability check above: the API's models endpoint also gives each
# model's shutdown_date (null when none is announced), which wins over the rule set's.


@dataclass(frozen=True)
class LiveDate:
    """A listed model's shutdown date as the API gives it: None when none is announced;
    ``raw`` is what the API sent when it is not a date this code can read; ``given`` is False
    when the API sent no shutdown_date at all (an older API: nothing to compare)."""

    date: dt.date | None
    raw: str = ""
    given: bool = True


@dataclass(frozen=True)
class DateCheck:
    model: str
    role: str  # "target", or "used": a retiring model the project still names
    available: bool
    live: LiveDate | None  # None: not listed, so no live date
    bundled: dt.date | None

    @property
    def differs(self) -> bool:
        live = self.live
        return live is not None and live.given and (live.date != self.bundled or bool(live.raw))


def live_dates(body: bytes) -> dict[str, LiveDate]:
    """``shutdown_date`` of each model in a ``GET /models`` reply, read from the raw JSON (an
    older SDK's Model type lacks the field). A model whose entry has no such key gets a
    LiveDate that says so (``given`` False)."""
    try:
        data = json.loads(body).get("data")
    except (ValueError, AttributeError):
        return {}
    found = {}
    for item in data if isinstance(data, list) else ():
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            given = "shutdown_date" in item
            value = item.get("shutdown_date")
            found[item["id"]] = _live_date(value) if given else LiveDate(None, given=False)
    return found


def _live_date(value: object) -> LiveDate:
    if value is None or value == "":
        return LiveDate(None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # a Unix timestamp
        try:
            return LiveDate(dt.datetime.fromtimestamp(value, dt.timezone.utc).date())
        except (OverflowError, OSError, ValueError):
            return LiveDate(None, str(value))
    text = str(value)
    try:
        return LiveDate(dt.date.fromisoformat(text[:10]))
    except ValueError:
        return LiveDate(None, text[:40])


_QUOTED = re.compile(r"'([^']+)'")


def models_in_use(messages: Iterable[str], ruleset: RuleSet) -> list[str]:
    """The retiring models MIG001/MIG002 messages name (each starts with the quoted value)."""
    used = set()
    for message in messages:
        quoted = _QUOTED.match(message)
        found = ruleset.resolve(quoted.group(1)) if quoted else None
        if found is not None:
            used.add(found[1])
    return sorted(used)


def check_dates(
    ruleset: RuleSet,
    targets: Iterable[str],
    in_use: Iterable[str],
    available: frozenset[str],
    live: dict[str, LiveDate],
) -> list[DateCheck]:
    checks = []
    for role, models in (("target", targets), ("used", in_use)):
        for model in models:
            shutdown = ruleset.shutdown(model)
            checks.append(
                DateCheck(
                    model,
                    role,
                    model in available,
                    live.get(model) if model in available else None,
                    shutdown.date if shutdown else None,
                )
            )
    return checks


def render_dates(checks: list[DateCheck], calendar: Calendar) -> str:
    """One line per model: availability, live and bundled dates, and any difference."""
    if not checks:
        return ""
    lines = [f"Shutdown dates, live from the API and from the rule set (today: {calendar.today}):"]
    width = max(len(c.model) for c in checks)
    for c in checks:
        status = "ok" if c.available else "MISSING"
        live = _shown_live(c.live)
        line = (
            f"  {c.role:<6}  {status:<7}  {c.model:<{width}}  live {live:<10}  "
            f"rule set {_shown(c.bundled)}"
        )
        # The API's date wins where it gives one (null included).
        day = c.live.date if c.live is not None and c.live.given else c.bundled
        if day is not None:
            line += f"  ({calendar.days_phrase(day)})"
        if c.differs:
            line += "  DIFFERS: the API's date wins; update the rule set"
        lines.append(line.rstrip())
    differing = sum(1 for c in checks if c.differs)
    if differing:
        lines.append(f"{differing} live date(s) differ from the rule set's.")
    return "\n".join(lines) + "\n"


def _shown_live(live: LiveDate | None) -> str:
    if live is None:
        return "-"  # not listed: the key cannot use it
    if not live.given:
        return "not-given"
    return live.raw or _shown(live.date)


def _shown(day: dt.date | None) -> str:
    return day.isoformat() if day else "none"
