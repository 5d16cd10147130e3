"""The bytes screen: the tokens a finding needs, looked for in a file's raw bytes.

Each token is a literal text with a regex for what must stand around it, and a context (where
it must stand to count). The tokens come from the rule set (``builtin_tokens``) and from the
plain names the selected checks declare (``declared_tokens``); ``TokenSearch`` finds them.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator

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


class _LazyPattern:
    """A regular expression compiled when first needed: a rule set with thousands of model
    IDs (``[tool.migrator.models]``) gives thousands of anchors, and a run meets few."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: bytes) -> None:
        self._source = source
        self._compiled: re.Pattern[bytes] | None = None

    def match(self, text: bytes, pos: int) -> re.Match[bytes] | None:
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return self._compiled.match(text, pos)


_Anchors = list[tuple[bytes, list[tuple[int, _LazyPattern, int]]]]


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
        anchor = anchors[text]
        quoted = pattern.startswith(_QUOTE)
        offset = text.index(anchor) + (1 if quoted else 0)
        grouped.setdefault((anchor, offset, context), []).append(pattern)
    out: dict[bytes, list[tuple[int, _LazyPattern, int]]] = {}
    for (anchor, offset, context), patterns in sorted(grouped.items()):
        # Longest first: a shorter token must not end the alternative before its suffix test.
        patterns.sort(key=lambda p: (-len(p), p))
        compiled = _LazyPattern(b"|".join(patterns))
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


def _cover(tokens: list[str]) -> dict[str, str]:
    """Few substrings such that every token holds one (greedy set cover, longer wins ties):
    each token with the first chosen substring it holds.

    Lazy greedy: a substring's count of uncovered tokens only falls, so a heap entry whose
    count is stale is pushed back with the current one, and the work grows with the number
    of substrings, not with their square (50,000 overriding model IDs took minutes).
    """
    windows: dict[str, set[str]] = {}
    holders: dict[str, list[str]] = {}  # substring -> the tokens holding it
    for token in tokens:
        seen = set()
        for size in range(_MIN_ANCHOR, min(len(token), _MIN_ANCHOR + 3) + 1):
            for i in range(len(token) - size + 1):
                seen.add(token[i : i + size])
        windows[token] = seen
        for part in seen:
            holders.setdefault(part, []).append(token)
    counts = {part: len(held) for part, held in holders.items()}
    left = set(tokens)
    chosen: dict[str, str] = {}

    def take(anchor: str, covered: Iterable[str]) -> None:
        for token in covered:
            if token in left:
                left.discard(token)
                chosen[token] = anchor
                for part in windows[token]:
                    counts[part] -= 1

    # A token too short for an anchor is its own, first (shortest name first).
    for token in sorted(t for t in tokens if len(t) < _MIN_ANCHOR):
        if token in left:
            take(token, [t for t in left if token in t])
    # Ties go to the longer substring, then the greater one: its rank in descending order.
    parts = sorted((part for part, count in counts.items() if count), reverse=True)
    heap = [(-counts[part], -len(part), rank) for rank, part in enumerate(parts)]
    heapq.heapify(heap)
    while left and heap:
        count, size, rank = heapq.heappop(heap)
        part = parts[rank]
        current = counts[part]
        if current and current != -count:  # stale: back in line with today's count
            heapq.heappush(heap, (-current, size, rank))
        elif current:
            take(part, holders[part])
    return chosen
