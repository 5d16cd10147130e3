"""MIG003/MIG004 messages, shared by the Python checks and the Batch API (.jsonl) checks.

A finding reads the same whichever kind of file it is in.
"""

from __future__ import annotations

from collections.abc import Iterable

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
