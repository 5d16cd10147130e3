"""Messages and fix reasons shared by the Python checks and the data-file kinds.

A finding reads the same whichever kind of file it is in: MIG003/MIG004 messages (the Python
checks and the Batch API .jsonl checks), and why a MIG001 fix is unsafe (the Python check, the
config and data kinds, and the project view). One situation, one wording: a dict key in Python
and a key in a YAML file give the same reason. Kept apart from the checks, which are LibCST
visitors: the data-file kinds and the project view use these without importing LibCST.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrator.ruleset import Migration, Retirement, RuleSet

LIMIT_FIX_REASON = "a lower limit can cut long answers short"
NOT_RESOLVED = "model not resolved"


def limit_exceeded(parameter: str, value: int, holder: str) -> str:
    """``max_tokens=50000 exceeds gpt-4.1-mini's 32768-token output limit``."""
    return f"{parameter}={value} exceeds {holder}"


def model_limit(model: str, limit: int) -> str:
    return f"{model}'s {limit}-token output limit"


def unresolved_limit(limit: int) -> str:
    return f"the {limit}-token output limit every migration target allows ({NOT_RESOLVED})"


def unsupported(modality: str, output: bool, what: str, verdict: str) -> str:
    """``audio input ('input_audio' part) is not supported by gpt-4.1-mini, which ...``."""
    return f"{modality} {'output' if output else 'input'} ({what}) {verdict}"


def not_supported_by(model: str, output: bool, abilities: Iterable[str]) -> str:
    verb = "outputs" if output else "accepts"
    return f"is not supported by {model}, which {verb} {and_list(sorted(abilities)) or 'nothing'}"


def and_list(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: a list as a sentence reads it."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def not_supported_by_any_target() -> str:
    return f"is not supported by any migration target ({NOT_RESOLVED})"


# Why rewriting a model ID could change what the code does: the MIG001 fix is unsafe.
KEY = "a mapping key: lookups by the old ID would miss"
SUBSCRIPT = "a subscript: lookups by the old ID would miss"
COMPARISON = "a comparison operand: the test would match other models"
COMPARED_COLLECTION = "in a collection compared against: the test would match other models"
MATCH_PATTERN = "a match pattern: the case would match other models"
DEPLOYMENT_NAME = "an Azure deployment name, not a model name"  # behind a deployment prefix


def duplicate(new_text: str) -> str:
    """A list, tuple, set or data-file array that already holds the new ID."""
    return f"the collection would hold '{new_text}' twice"


def deployment_value(key: str) -> str:
    """A value under a key that names a deployment (``azure_deployment``, ``deployment_name``)."""
    return f"the '{key}' value names a deployment, not a model"


def deployment_parameter(keyword: str) -> str:
    """A keyword argument that names a deployment (``azure_deployment=``)."""
    return f"{keyword}= names a deployment, not a model"


def azure_client(keyword: str, client: str | None = None) -> str:
    """``model=`` on an Azure client (named when the call builds it), or on a name bound to one."""
    named = f" ({client})" if client else ""
    return f"{keyword}= on an Azure client{named} names a deployment, not a model"


def azure_call(keyword: str) -> str:
    """A call that also passes an Azure-only keyword (``api_version=``)."""
    return f"a call that also passes {keyword}= names a deployment, not a model"


def azure_config(marker: str) -> str:
    """A mapping that says it configures Azure (``'api_type': 'azure'``), as the file writes it."""
    return f"in a config with {marker}, the model names a deployment"


def text_match(method: str) -> str:
    """An argument of a ``str`` method (``.startswith()``)."""
    return f"argument of .{method}(): a text match changes meaning"


def not_a_plain_value(used_as: str) -> str:
    """Any other place the checks do not know to be a plain value (``Attribute``)."""
    return f"used as {used_as}, not as a plain value"


# str methods whose argument is matched against text: a prefix or substring test keeps meaning
# only if every string it is tested against moves the same way.
STR_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "find",
        "rfind",
        "index",
        "rindex",
        "count",
        "replace",
        "split",
        "rsplit",
        "partition",
        "rpartition",
        "removeprefix",
        "removesuffix",
        "strip",
        "lstrip",
        "rstrip",
        "__contains__",
        "__eq__",
    }
)


def migration_message(migration: Migration) -> str:
    """MIG001's message, shared with the checks of notebooks and config files:
    ``'gpt-4o' shuts down on 2027-01-14: use 'gpt-4.1'``."""
    return f"'{migration.ref.text}' {migration.when}: use '{migration.new_text}'"


def retirement_message(retirement: Retirement) -> str:
    """MIG002's message, shared with the checks of notebooks and config files."""
    return (
        f"'{retirement.ref.text}' {retirement.when} with no drop-in {retirement.family} "
        f"replacement: {retirement.reason}"
    )


def near_shutdown_ids(ruleset: RuleSet) -> tuple[str, ...]:
    """Every model ID whose shutdown date is past or near: the only ones MIG005 reports."""
    calendar = ruleset.calendar
    return tuple(
        model
        for model, shutdown in ruleset.shutdowns.items()
        if shutdown.date is not None and calendar.is_near(shutdown.date)
    )


def shutdown_message(value: str, ruleset: RuleSet) -> str | None:
    """MIG005's message for a string naming a model, or None when its date is far or unknown."""
    found = ruleset.resolve(value)
    if found is None:
        return None
    ref, model = found
    shutdown = ruleset.shutdown(model)
    if shutdown is None or shutdown.date is None:
        return None
    calendar = ruleset.calendar
    if not calendar.is_near(shutdown.date):
        return None
    return f"'{ref.text}' {calendar.verb(shutdown)} ({calendar.days_phrase(shutdown.date)})"
