"""Reading and writing the value of a string literal without disturbing how it is written."""

from __future__ import annotations

import libcst as cst

from migrator.ruleset import MAX_MODEL_REF_LENGTH


def literal_value(node: cst.SimpleString) -> str | None:
    """The literal's value as text (bytes decoded as ASCII); None if it cannot be a model ID."""
    body = node.raw_value
    if len(body) > MAX_MODEL_REF_LENGTH * 4:
        return None
    if "\\" not in body:
        # No escapes: the source text is the value (also for raw and bytes literals). This
        # skips LibCST's literal_eval for nearly every string in a file.
        return body if len(body) <= MAX_MODEL_REF_LENGTH else None
    try:
        value = node.evaluated_value
    except (SyntaxError, ValueError):  # pragma: no cover - LibCST parsed it, so it evaluates
        return None
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            return None
    return value if len(value) <= MAX_MODEL_REF_LENGTH else None


def replacement_literal(node: cst.SimpleString, new_value: str) -> str:
    """``new_value`` written with the literal's own prefix (r, b, u ...) and quotes.

    Model IDs hold no quotes, backslashes or non-ASCII characters, so no escaping is needed.
    The prefix is taken from the source text: ``node.prefix`` is lower-cased (``Rb`` -> ``rb``).
    """
    prefix = node.value[: len(node.prefix)]
    return f"{prefix}{node.quote}{new_value}{node.quote}"
