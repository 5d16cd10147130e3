"""The bytes screen: the tokens a finding needs, looked for in a file's raw bytes.

Each token is a literal text with a regex for what must stand around it, and a context (where
it must stand to count). The tokens come from the rule set (``builtin_tokens``) and from the
plain names the selected checks declare (``declared_tokens``); ``TokenSearch`` finds them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from migrator.screen.lines import line_numbers
from migrator.screen.terms import ScreenTerms
from migrator.triggers import Triggers

# Whitespace, backslash continuations and comments may stand between a keyword's name and its
# "=" (not "==": a comparison gives no value); a comment admits the file rather than being
# matched through (a nested quantifier could backtrack badly on long comments).
_KEYWORD_TAIL = rb"[\s\\]*(?:#|=(?!=))"
_QUOTE = rb"[\"']"
# A dict key (the closing quote, then ":"), or a subscript assigned to (``d["x"] =`` or
# ``d["x"]: int =``): a subscript only read gives no value.
_KEY_TAIL = rb"[\s\\]*(?:[#:]|\][\s\\]*(?:[#:]|=(?!=)))"
_SKIPPED_BEFORE_VALUE = frozenset(b" \t\f(\"'")
_VALUE_OPENERS = frozenset(b":=\n\r\\")
# Where a token must stand to count: anywhere, as a value (after ":", "=" ...), or in a file
# that also holds a request body's model key.
_ANYWHERE, _AS_VALUE, _IN_REQUEST = 0, 1, 2
# Anchors shorter than this occur too often to be worth a pass of their own.
_MIN_ANCHOR = 5

Token = tuple[str, bytes, int]  # (text, regex, context)
_Anchors = list[tuple[bytes, list[tuple[int, re.Pattern[bytes], int]]]]


class TokenSearch:
    """Finds ``tokens`` in raw bytes; ``model_parameters`` name a request body's model key."""

    def __init__(self, tokens: list[Token], model_parameters: frozenset[str]) -> None:
        self._anchors = _anchored_patterns(tokens)
        keys = b"|".join(re.escape(k.encode()) for k in sorted(model_parameters)) or b"(?!)"
        self._model_key = re.compile(_QUOTE + b"(?:" + keys + b")" + _QUOTE)

    def found(self, source: bytes) -> bool:
        return next(self.matches(source), None) is not None

    def lines(self, source: bytes) -> list[int]:
        """The lines (1-based, sorted) where a token stands."""
        return line_numbers(source, sorted(self.matches(source)))

    def matches(self, source: bytes) -> Iterator[int]:
        """Offsets where a token stands as a finding needs it."""
        find = source.find
        for anchor, checks in self._anchors:
            at = find(anchor)
            while at != -1:
                for offset, pattern, context in checks:
                    start = at - offset
                    if (
                        start >= 0
                        and pattern.match(source, start)
                        and (
                            context is _ANYWHERE
                            or (context is _AS_VALUE and _after_value_opener(source, start))
                            or (context is _IN_REQUEST and self._model_key.search(source))
                        )
                    ):
                        yield start
                        break
                at = find(anchor, at + 1)


def builtin_tokens(terms: ScreenTerms) -> list[Token]:
    """What the raw bytes of a file with a finding must hold, for the rule set's own readings.

    - A model string's value ends with the model ID (after an optional provider prefix), and the
      checks read only literals without backslashes (strings.literal_value), so the raw bytes hold
      the ID followed by the closing quote; a fine-tuned model holds ``<base>:``. A model of a
      target is looked for too: with a content type only some targets lack, it is the request's
      model that decides.
    - An output-token parameter, ``modalities`` and ``audio`` are keyword arguments or names
      bound by assignment (``max_tokens =``), or dict keys and subscripts (``"max_tokens":``);
      ``"audio":`` only in a file that also has a model key (a request body).
    - A content type no target accepts is a whole string given as a value (a dict value, a
      keyword argument, an assignment): what stands before it is checked in ``matches``.
    - A typed content-part constructor is a name, however it is imported.
    """
    out = []
    for model in terms.model_ids:
        out.append((model, re.escape(model.encode()) + _QUOTE, _ANYWHERE))
    for base in terms.ruleset.fine_tune_bases:
        out.append((base, re.escape(base.encode()) + b":", _ANYWHERE))
    for name in terms.token_parameters | terms.modality_keywords:
        escaped = re.escape(name.encode())
        out.append((name, escaped + _KEYWORD_TAIL, _ANYWHERE))
        in_body = name == terms.audio_parameter and name not in terms.token_parameters
        as_key = _IN_REQUEST if in_body else _ANYWHERE
        out.append((name, _QUOTE + escaped + _QUOTE + _KEY_TAIL, as_key))
    for content_type in terms.content_types:
        out.append((content_type, _QUOTE + re.escape(content_type.encode()) + _QUOTE, _AS_VALUE))
    for constructor in terms.typed_parts:
        out.append((constructor, re.escape(constructor.encode()), _ANYWHERE))
    return out


def declared_tokens(declared: Triggers) -> list[Token]:
    """The bytes screen's tokens for the plain names a check declares (see ``Triggers``)."""
    out = []
    for name in declared.keywords:
        out.append((name, re.escape(name.encode()) + _KEYWORD_TAIL, _ANYWHERE))
    for name in declared.dict_keys:
        out.append((name, _QUOTE + re.escape(name.encode()) + _QUOTE + _KEY_TAIL, _ANYWHERE))
    for name in declared.callees:
        out.append((name, re.escape(name.encode()) + rb"[\s\\]*\(", _ANYWHERE))
    for text in declared.strings:
        out.append((text, _QUOTE + re.escape(text.encode()) + _QUOTE, _ANYWHERE))
    return out


def _anchored_patterns(tokens: list[Token]) -> _Anchors:
    """Group the tokens under a few anchors: substrings found with ``bytes.find``.

    One regex alternation of every token runs at a few MB/s (``re`` gets no literal prefix to
    skip with); ``bytes.find`` runs at memory speed. So each anchor is looked for, and only where
    it occurs are the tokens that hold it matched exactly, with what must stand around them.
    """
    anchors = _cover(sorted({text for text, _, _ in tokens}))
    grouped: dict[tuple[str, int, int], list[bytes]] = {}
    for text, pattern, context in tokens:
        anchor = next(a for a in anchors if a in text)
        quoted = pattern.startswith(_QUOTE)
        offset = text.index(anchor) + (1 if quoted else 0)
        grouped.setdefault((anchor, offset, context), []).append(pattern)
    out: dict[bytes, list[tuple[int, re.Pattern[bytes], int]]] = {}
    for (anchor, offset, context), patterns in sorted(grouped.items()):
        # Longest first: a shorter token must not end the alternative before its suffix test.
        patterns.sort(key=lambda p: (-len(p), p))
        compiled = re.compile(b"|".join(patterns))
        out.setdefault(anchor.encode(), []).append((offset, compiled, context))
    return list(out.items())


def _after_value_opener(source: bytes, quote: int) -> bool:
    """Can the string whose opening quote is at ``quote`` be a value (not a key, item or arg)?

    Looks back over spaces, parentheses and quotes (string prefixes, triple quotes): a ``:``
    or ``=`` (dict value, keyword, assignment) or a word (``else``, ``or``, ``return``) may
    introduce a value; so may anything on an earlier line (a comment can stand between).
    """
    i = quote - 1
    while i >= 0:
        ch = source[i]
        if ch in _SKIPPED_BEFORE_VALUE:
            i -= 1
            continue
        return ch in _VALUE_OPENERS or ch >= 0x80 or chr(ch).isalnum() or ch == 0x5F
    return True


def _cover(tokens: list[str]) -> list[str]:
    """Few substrings such that every token holds one (greedy set cover, longer wins ties)."""
    left = set(tokens)
    chosen: list[str] = []
    while left:
        counts: dict[str, int] = {}
        for token in left:
            seen = set()
            for size in range(_MIN_ANCHOR, min(len(token), _MIN_ANCHOR + 3) + 1):
                for i in range(len(token) - size + 1):
                    seen.add(token[i : i + size])
            for part in seen:
                counts[part] = counts.get(part, 0) + 1
        short = sorted(t for t in left if len(t) < _MIN_ANCHOR)
        best = short[0] if short else max(counts, key=lambda p: (counts[p], len(p), p))
        chosen.append(best)
        left = {t for t in left if best not in t}
    return chosen
