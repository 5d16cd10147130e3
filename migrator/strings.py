"""Reading and writing the value of a string literal without disturbing how it is written."""

from __future__ import annotations

import libcst as cst

from migrator.ruleset import MAX_MODEL_REF_LENGTH


def literal_value(node: cst.SimpleString) -> str | None:
    """The literal's value as text; None if it cannot be a model ID.

    A literal with a backslash is never a model ID: no real one is written with escapes
    (``"gpt\\x2d4o"``), and refusing them keeps a guarantee the pre-parse screens rely on:
    every finding's model ID is in the file's raw bytes as written. Without escapes the source
    text is the value, also for raw and bytes literals, and LibCST's literal_eval is skipped.
    """
    body = node.raw_value
    if len(body) > MAX_MODEL_REF_LENGTH or "\\" in body:
        return None
    return body


def replacement_literal(node: cst.SimpleString, new_value: str) -> str:
    """``new_value`` written with the literal's own prefix (r, b, u ...) and quotes.

    Model IDs hold no quotes, backslashes or non-ASCII characters, so no escaping is needed.
    The prefix is taken from the source text: ``node.prefix`` is lower-cased (``Rb`` -> ``rb``).
    """
    prefix = node.value[: len(node.prefix)]
    return f"{prefix}{node.quote}{new_value}{node.quote}"
