"""Taking an API key out of text before it is shown, in every form a library may print it.

An HTTP library's error shows a header as it saw it: raw, as a ``str`` or ``bytes`` repr with
control characters escaped, JSON-escaped, or URL-encoded. Looking only for the key's exact text
misses all but the first (a key ending in ``\\r`` comes back as ``b'Bearer sk-...\\r'``), so every
encoding of the key is removed, and so is whatever follows ``Bearer``, whatever the key was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from urllib.parse import quote, quote_plus

MASK = "***"

# The value of an Authorization header, however it was quoted or escaped around it.
_BEARER = re.compile(r"(Bearer)(\s|\\[rnt]|%20|\+)+[^\s'\"]+", re.IGNORECASE)
# OpenAI keys (sk-..., sk-proj-...) in case a server echoes a different key or a piece of one.
_KEY_SHAPE = re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}")

_ENCODINGS: tuple[Callable[[str], str], ...] = (
    lambda s: s,
    lambda s: repr(s)[1:-1],
    lambda s: repr(s.encode("utf-8", "surrogatepass"))[2:-1],
    lambda s: json.dumps(s)[1:-1],
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    lambda s: s.encode("unicode_escape").decode("ascii"),
    lambda s: quote(s, safe=""),
    quote,
    lambda s: quote_plus(s, safe=""),
)


def redact(text: str, secret: str) -> str:
    """``text`` with ``secret`` (in any encoding), bearer tokens and key-shaped words masked."""
    if secret:
        # Longest first: a shorter form inside a longer one would leave the longer one's tail.
        for form in sorted(set(_forms(secret)), key=len, reverse=True):
            text = text.replace(form, MASK)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    return _KEY_SHAPE.sub(f"sk-{MASK}", text)


def _forms(secret: str) -> Iterator[str]:
    for variant in (secret, secret.strip()):
        for encode in _ENCODINGS:
            form = encode(variant)
            if len(form) >= 4:  # a tiny "key" would mask ordinary words
                yield form
