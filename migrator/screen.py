"""Cheap screens that rule a file out before the LibCST parse.

LibCST parses some 25k lines/s; most files in a repository never mention a model. Each file
goes through two screens, and only a file both admit is parsed and checked:

1. a bytes screen over the raw source for the tokens a finding needs, taken from the rule set
   (model IDs, output-token parameters, modality markers), each with what must stand around
   it (see ``_bytes_tokens``);
2. a structural screen with the stdlib ``ast`` parser (about ten times faster than LibCST):
   does the file hold a string constant naming a model of the rule set, an output-token
   parameter given a value above the smallest output limit, or a modality marker?

Both are built once per run (per worker) from the RuleSet and from what the selected checks
declare they read (``migrator.triggers``): there is no second list to keep in step. The rule
set's own readings (model strings, request values) are screened in detail below, and admitted
files are pruned to them; any other declared name (a keyword, a dict key, a callee, a string)
is looked for as it is, and a file holding one is checked whole. While a selected check
declares nothing, every file is admitted whole.

The screens may admit files without findings; they must never turn away a file with one. The
argument for each token is next to where it is built. A file ``ast`` cannot parse (syntax
newer than this interpreter, nesting too deep, a bad encoding) is admitted: LibCST decides, and
reports the error if it has one.
"""

from __future__ import annotations

import ast
import bisect
import operator
import re
import string
import warnings
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from migrator.pruning import Pruner, constant_text, other_spellings
from migrator.ruleset import MAX_MODEL_REF_LENGTH, RuleSet, SnapshotMode
from migrator.triggers import Triggers, TriggerSet

if TYPE_CHECKING:
    from migrator.config import Settings

Number = Union[int, float]

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
# What ``\w`` matches in a bytes pattern: ASCII letters, digits and the underscore.
_WORD_BYTES = frozenset((string.ascii_letters + string.digits + "_").encode())
# Anchors shorter than this occur too often to be worth a pass of their own.
_MIN_ANCHOR = 5


@dataclass(frozen=True)
class Admission:
    """What the screens learnt of a file they let through.

    ``tree`` is None when ``ast`` could not parse the file. ``requests``: the file may hold a
    value MIG003/MIG004 judge by the model of its request (an output-token limit that may be
    above the smallest limit, a modality asked for, a content part); without one, only
    MIG001/MIG002 can report, and ``pruning`` may cut the request context away.
    """

    tree: ast.Module | None
    requests: bool
    strings: bool = True  # may hold a model string MIG001/MIG002 report (fixable, most of them)


class Screen:
    """``admits(source)``: False only when no check can report anything in ``source``."""

    def __init__(self, ruleset: RuleSet, triggers: Iterable[Triggers | None] | None = None) -> None:
        """``triggers``: what the selected checks read; by default, every registered check's."""
        if triggers is None:
            from migrator.checks import ALL_CHECKS

            triggers = [check.triggers for check in ALL_CHECKS]
        self.wanted = TriggerSet.of(triggers)
        self.ruleset = ruleset
        self.limit = ruleset.min_output_limit
        requests = ruleset.requests
        self.token_parameters = frozenset(requests.output_token_parameters)
        self.model_parameters = frozenset(requests.model_parameters)
        self.modalities_parameter = requests.modalities_parameter
        self.audio_parameter = requests.audio_output_parameter
        self.modality_keywords = frozenset({self.modalities_parameter, self.audio_parameter})
        nowhere, somewhere = _unsupported_modalities(ruleset)
        # Content types and typed constructors whose modality no target accepts: findings
        # whatever the request's model. One that only some model lacks (file: gpt-4.1-nano,
        # image: a search preview) is a finding only for a request to such a model, which the
        # file must then name.
        types = requests.content_types
        self._nowhere = nowhere
        self._content_modality = dict(types)
        self._modalities = frozenset({*types.values(), *requests.typed_parts.values()})
        self._lacking: dict[str, frozenset[str]] = {}
        self.content_types = frozenset(t for t, m in types.items() if m in nowhere)
        self.partial_content_types = frozenset(t for t, m in types.items() if m in somewhere)
        self.typed_parts = frozenset(
            n for n, m in requests.typed_parts.items() if m in nowhere | somewhere
        )
        self._model_ends = tuple(sorted(_model_ids(ruleset)))
        builtin = self.wanted.model_strings or self.wanted.requests
        self._anchors = _anchored_patterns(_bytes_tokens(self)) if builtin else []
        self._other_anchors = _anchored_patterns(_declared_tokens(self.wanted.other))
        keys = b"|".join(re.escape(k.encode()) for k in sorted(self.model_parameters)) or b"(?!)"
        self._pruner = Pruner(ruleset)
        self._model_key = re.compile(_QUOTE + b"(?:" + keys + b")" + _QUOTE)

    # -- stage 1: bytes ------------------------------------------------------------------------

    @classmethod
    def for_settings(cls, settings: Settings) -> Screen:
        """The screen for a run: built from the checks its settings select."""
        from migrator.checks import selected_checks

        checks = selected_checks(settings.selected_codes)
        return cls(settings.ruleset, [check.triggers for check in checks])

    def bytes_admit(self, source: bytes) -> bool:
        return (
            self.wanted.everything
            or next(self._matches(source), None) is not None
            or next(self._matches(source, self._other_anchors), None) is not None
        )

    def _matches(
        self,
        source: bytes,
        anchors: list[tuple[bytes, list[tuple[int, re.Pattern[bytes], int]]]] | None = None,
    ) -> Iterator[int]:
        """Offsets where a token stands as a finding needs it."""
        find = source.find
        for anchor, checks in self._anchors if anchors is None else anchors:
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

    def _lines(self, source: bytes) -> list[int]:
        """The lines (1-based, sorted) where the bytes screen found a token."""
        return _line_numbers(source, sorted(self._matches(source)))

    # -- stage 2: ast --------------------------------------------------------------------------

    def prune(self, source: bytes, admission: Admission) -> bytes | None:
        """``source`` cut down to what the checks look at (see ``pruning``); None: check it all."""
        if admission.tree is None:
            return None
        return self._pruner.prune(source, admission.tree, requests=admission.requests)

    def ast_admit(self, source: bytes) -> bool:
        return self._ast_admission(source) is not None

    def admits(self, source: bytes) -> bool:
        return self.admit(source) is not None

    def admit(self, source: bytes) -> Admission | None:
        """None when no check can report anything in ``source``; else what the screens learnt."""
        if self.wanted.everything:
            return Admission(None, requests=True)
        builtin = next(self._matches(source), None) is not None
        other = next(self._matches(source, self._other_anchors), None) is not None
        if not (builtin or other):
            return None
        return self._ast_admission(source, builtin=builtin, other=other)

    def _ast_admission(
        self, source: bytes, *, builtin: bool = True, other: bool = False
    ) -> Admission | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes warn at parse time
                tree = ast.parse(source)
            if other and _holds_declared(tree, self.wanted.other):
                return Admission(None, requests=True)  # checked whole: nothing to prune by
            strings, requests = self._candidates(tree, source) if builtin else (False, False)
        except Exception:  # SyntaxError, ValueError (NUL bytes), RecursionError, MemoryError
            return Admission(None, requests=True)
        if not (strings or requests):
            return None
        return Admission(tree, requests=requests, strings=strings)

    def _model_kind(self, value: str) -> int:
        """2: a model MIG001/MIG002 report; 1: another model the rule set knows; 0: neither."""
        if len(value) > MAX_MODEL_REF_LENGTH:
            return 0
        if not value.endswith(self._model_ends) and "ft:" not in value:
            return 0
        if self.ruleset.classify(value, SnapshotMode.AUTO) is not None:
            return 2
        return 1 if self.ruleset.resolve(value) is not None else 0

    def _candidates(self, tree: ast.AST, source: bytes) -> tuple[bool, bool]:
        """Does the tree hold a model string MIG001/MIG002 report, and a value MIG003/MIG004
        judge? (See the module docstring.)

        Everything looked for here starts on a line where the bytes screen found its token, so
        only the nodes whose lines span one of those are visited.
        """
        skip: set[int] = set()  # docstrings and f-string pieces: never a finding
        limits: list[ast.expr] = []  # values given to an output-token parameter
        parts: list[ast.expr] = []  # values that may be a content part's type
        audio: list[ast.expr] = []  # audio output configs: a dict, or a name bound to one
        strings = requests = False
        lacking: set[str] = set()  # modalities some model the file names does not accept
        typed: set[str] = set()  # modalities of the typed parts the file builds
        for node in _spanning(tree, self._lines(source)):
            if isinstance(node, ast.Constant):
                value = node.value
                if id(node) in skip:
                    continue
                if isinstance(value, bytes):
                    value = value.decode("ascii", "replace")
                elif not isinstance(value, str):
                    continue
                found = self._model_kind(value)
                strings = strings or found == 2
                if found:
                    lacking |= self._lacks(value)
            elif isinstance(node, ast.keyword):
                if node.arg == self.modalities_parameter:
                    requests = requests or _is_collection(node.value)
                elif node.arg == self.audio_parameter:
                    audio.append(node.value)
                if node.arg in self.token_parameters:
                    limits.append(node.value)
                parts.append(node.value)
            elif isinstance(node, ast.Dict):
                keys = [constant_text(key) for key in node.keys]
                for key, item in zip(keys, node.values):
                    if key in self.token_parameters:
                        limits.append(item)
                    elif key == self.modalities_parameter:
                        requests = requests or _is_collection(item)
                    elif key == self.audio_parameter and self.model_parameters.intersection(keys):
                        audio.append(item)  # a request body asking for audio output
                    parts.append(item)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                if node.value is None:
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(_bound_name(target) in self.token_parameters for target in targets):
                    limits.append(node.value)
                parts.append(node.value)
            elif isinstance(node, ast.Expr):
                skip.add(id(node.value))
            elif isinstance(node, ast.JoinedStr):
                skip.update(id(part) for part in node.values)
            elif isinstance(node, ast.Call):
                # A typed content part is built by calling its constructor.
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name in self.typed_parts:
                    typed.add(self.ruleset.requests.typed_parts[name])
            if strings and requests:
                return True, True
        if requests or any(self._part_type(value) == 2 for value in parts):
            return strings, True
        if typed & (self._nowhere | lacking):
            return strings, True
        partial = {t for t in self.partial_content_types if self._content_modality[t] in lacking}
        if partial and self._partial_part(tree, source, partial):
            return strings, True
        if not limits and not audio:
            return strings, False
        bindings = _Bindings(tree, source)
        if any(_is_dict(value, bindings) for value in audio):
            return strings, True
        return strings, bool(limits) and _exceeds(limits, bindings, self.limit)

    def _lacks(self, value: str) -> frozenset[str]:
        """The modalities of content parts that the model ``value`` names will not accept."""
        found = self._lacking.get(value)
        if found is None:
            reached = self.ruleset.reached(value)
            # A model the rule set cannot describe (an override outside it) is not judged.
            found = self._modalities - reached.inputs if reached is not None else frozenset()
            self._lacking[value] = found
        return found

    def _partial_part(self, tree: ast.AST, source: bytes, types: set[str]) -> bool:
        """One of ``types`` (content types some model the file names lacks) given as a value.

        Such types are no tokens of the bytes screen (a model string of the file is): the
        lines where one is written are searched now.
        """
        for node in _spanning(tree, _lines_of(source, sorted(t.encode() for t in types))):
            if isinstance(node, (ast.keyword, ast.Assign, ast.AnnAssign)):
                values = [node.value] if node.value is not None else []
            elif isinstance(node, ast.Dict):
                values = node.values
            else:
                continue
            if any(self._part_type(value, types) == 1 for value in values):
                return True
        return False

    def _part_type(self, value: ast.expr, partial: Container[str] = ()) -> int:
        """2: a content type no target accepts; 1: one of ``partial``; 0: neither."""
        found = 0
        for leaf in _leaves(value):
            text = constant_text(leaf)
            if text in self.content_types:
                return 2
            if text in partial:
                found = 1
        return found


# -- building the screens from the rule set ------------------------------------------------------


def _unsupported_modalities(ruleset: RuleSet) -> tuple[frozenset[str], frozenset[str]]:
    """Input modalities no target accepts, and those some model a request may reach lacks.

    A request reaches a target, or a model with no replacement, which keeps its own (often
    narrower) inputs: a search preview takes no image.
    """
    requests = ruleset.requests
    named = set(requests.content_types.values()) | set(requests.typed_parts.values())
    targets = list(ruleset.targets.values())
    reached = [t.inputs for t in targets] + [r.inputs for r in ruleset.no_replacement.values()]
    nowhere = {m for m in named if not any(m in t.inputs for t in targets)}
    somewhere = {m for m in named if not all(m in inputs for inputs in reached)} - nowhere
    return frozenset(nowhere), frozenset(somewhere)


def _model_ids(ruleset: RuleSet) -> frozenset[str]:
    """Every model ID the rule set names (sources, no-replacement IDs, targets, fine-tune bases)."""
    return ruleset.all_model_ids | ruleset.fine_tune_bases


def _bytes_tokens(screen: Screen) -> list[tuple[str, bytes, int]]:
    """What the raw bytes of a file with a finding must hold: (token, regex, context).

    - A model string's value ends with the model ID (after an optional provider prefix), and the
      checks read only literals without backslashes (strings.literal_value), so the raw bytes hold
      the ID followed by the closing quote; a fine-tuned model holds ``<base>:``. A model of a
      target is looked for too: with a content type only some targets lack, it is the request's
      model that decides.
    - An output-token parameter, ``modalities`` and ``audio`` are keyword arguments or names
      bound by assignment (``max_tokens =``), or dict keys and subscripts (``"max_tokens":``);
      ``"audio":`` only in a file that also has a model key (a request body).
    - A content type no target accepts is a whole string given as a value (a dict value, a
      keyword argument, an assignment): what stands before it is checked in ``bytes_admit``.
    - A typed content-part constructor is a name, however it is imported.
    """
    out = []
    for model in _model_ids(screen.ruleset):
        out.append((model, re.escape(model.encode()) + _QUOTE, _ANYWHERE))
    for base in screen.ruleset.fine_tune_bases:
        out.append((base, re.escape(base.encode()) + b":", _ANYWHERE))
    for name in screen.token_parameters | screen.modality_keywords:
        escaped = re.escape(name.encode())
        out.append((name, escaped + _KEYWORD_TAIL, _ANYWHERE))
        in_body = name == screen.audio_parameter and name not in screen.token_parameters
        as_key = _IN_REQUEST if in_body else _ANYWHERE
        out.append((name, _QUOTE + escaped + _QUOTE + _KEY_TAIL, as_key))
    for content_type in screen.content_types:
        out.append((content_type, _QUOTE + re.escape(content_type.encode()) + _QUOTE, _AS_VALUE))
    for constructor in screen.typed_parts:
        out.append((constructor, re.escape(constructor.encode()), _ANYWHERE))
    return out


def _declared_tokens(declared: Triggers) -> list[tuple[str, bytes, int]]:
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


def _holds_declared(tree: ast.AST, declared: Triggers) -> bool:
    """Does the tree hold one of the declared names where the check reads it?"""
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword):
            if node.arg in declared.keywords:
                return True
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_bound_name(target) in declared.keywords for target in targets):
                return True
        elif isinstance(node, ast.Dict):
            if any(constant_text(key) in declared.dict_keys for key in node.keys):
                return True
        elif isinstance(node, ast.Subscript):
            if constant_text(node.slice) in declared.dict_keys:
                return True
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in declared.callees:
                return True
        elif isinstance(node, ast.Constant) and node.value in declared.strings:
            return True
    return False


def _anchored_patterns(
    tokens: list[tuple[str, bytes, int]],
) -> list[tuple[bytes, list[tuple[int, re.Pattern[bytes], int]]]]:
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


def _spanning(tree: ast.AST, lines: list[int]) -> Iterator[ast.AST]:
    """The nodes of ``tree`` whose lines include one of ``lines``, parents before children."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            start = getattr(child, "lineno", None)
            end = getattr(child, "end_lineno", None)
            if start is None or end is None:  # arguments, comprehension ...: no lines of its own
                stack.append(child)
                continue
            decorators = getattr(child, "decorator_list", None)
            if decorators:  # a def's lineno is its "def" line, after the decorators
                start = min(start, *(d.lineno for d in decorators))
            at = bisect.bisect_left(lines, start)
            if at < len(lines) and lines[at] <= end:
                stack.append(child)


class _Bindings:
    """Every value assigned to a name (``x =``, ``obj.x =``, ``d["x"] =``) in the file.

    Looked up by name, and only on the lines where the name is written: walking a large
    file's whole tree costs more than the rest of the screen.
    """

    def __init__(self, tree: ast.AST, source: bytes) -> None:
        self._tree = tree
        self._source = source
        self._found: dict[str, list[ast.expr]] = {}
        try:
            self._spellings: dict[str, list[str]] | None = other_spellings(source.decode())
        except UnicodeDecodeError:  # another encoding: walk the whole tree
            self._spellings = None

    def get(self, name: str) -> list[ast.expr]:
        found = self._found.get(name)
        if found is None:
            found = self._found[name] = list(self._assigned(name))
        return found

    def _assigned(self, name: str) -> Iterator[ast.expr]:
        if self._spellings is not None:
            words = [w.encode() for w in (name, *self._spellings.get(name, ()))]
            nodes: Iterable[ast.AST] = _spanning(self._tree, _lines_of(self._source, words))
        else:
            nodes = ast.walk(self._tree)
        for node in nodes:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(_bound_name(target) == name for target in targets):
                    yield node.value


def _lines_of(source: bytes, words: list[bytes]) -> list[int]:
    """The lines (1-based, sorted) where any of ``words`` is written as a whole word.

    ``bytes.find`` and a look at the bytes around: a regex alternation framed by lookarounds
    gets no literal prefix to skip with, and crawls over a large file.
    """
    offsets = set()
    size = len(source)
    for word in words:
        at = source.find(word)
        while at != -1:
            end = at + len(word)
            before = source[at - 1] if at else None
            after = source[end] if end < size else None
            if before not in _WORD_BYTES and after not in _WORD_BYTES:
                offsets.add(at)
            at = source.find(word, at + 1)
    return _line_numbers(source, sorted(offsets))


def _line_numbers(source: bytes, offsets: list[int]) -> list[int]:
    """The line (1-based) of each of ``offsets`` (sorted), counting line breaks as ``ast`` does:
    ``\\r\\n``, ``\\n`` and a lone ``\\r``."""
    lines = []
    line, previous = 1, 0
    for offset in offsets:
        count = source.count
        line += count(b"\n", previous, offset) + count(b"\r", previous, offset)
        line -= count(b"\r\n", previous, offset)
        previous = offset
        lines.append(line)
    return lines


def _bound_name(target: ast.expr) -> str | None:
    """The name an assignment binds: ``x =``, ``obj.x =`` and ``d["x"] =`` all bind ``x``."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return constant_text(target.slice)
    return None


def _is_collection(node: ast.expr) -> bool:
    """``modalities=`` is read only when given as a literal list, tuple or set."""
    return isinstance(node, (ast.List, ast.Tuple, ast.Set))


def _is_dict(node: ast.expr, bindings: _Bindings) -> bool:
    """``audio=`` asks for audio output only with a dict, or a name bound to one."""
    if isinstance(node, ast.Name):
        return any(isinstance(value, ast.Dict) for value in bindings.get(node.id))
    return isinstance(node, ast.Dict)


def _leaves(node: ast.expr) -> list[ast.expr]:
    """The expressions a value may come from: both arms of ``a if c else b``, ``a or b``."""
    if isinstance(node, ast.IfExp):
        return _leaves(node.body) + _leaves(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [leaf for value in node.values for leaf in _leaves(value)]
    return [node]


# -- constant folding for output limits -----------------------------------------------------------

_BINARY: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
}
_UNARY: dict[type[ast.unaryop], Callable[[Number], Number]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,  # type: ignore[dict-item]
}
_HUGE = 2**64  # beyond any output limit: stop computing and admit the file
_MAX_CHOICES = 64  # values one expression may take when names are bound more than once


class _Unbounded(Exception):
    """An expression too large or too branchy to fold cheaply: treated as above the limit."""


def _exceeds(values: list[ast.expr], bindings: _Bindings, limit: int) -> bool:
    """Can any of ``values`` (given to an output-token parameter) be above ``limit``?

    Number literals and arithmetic on them fold; a name stands for any value it is assigned
    anywhere in the file: a superset of "literals, arithmetic on literals, and names bound once
    to such a value". Anything else (a call, an attribute) has no known value.
    """
    folder = _Folder(bindings)
    try:
        return any(value > limit for node in values for value in folder.values(node))
    except (_Unbounded, RecursionError):
        return True


class _Folder:
    def __init__(self, bindings: _Bindings) -> None:
        self._bindings = bindings
        self._memo: dict[int, frozenset[Number]] = {}
        self._active: set[str] = set()

    def values(self, node: ast.expr) -> frozenset[Number]:
        key = id(node)
        found = self._memo.get(key)
        if found is None:
            found = self._fold(node)
            self._memo[key] = found
        return found

    def _fold(self, node: ast.expr) -> frozenset[Number]:
        out: set[Number] = set()
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                out.add(node.value)
        elif isinstance(node, ast.Name):
            return self._name(node.id)
        elif isinstance(node, (ast.IfExp, ast.BoolOp)):
            for leaf in _leaves(node):
                out |= self.values(leaf)
        elif isinstance(node, ast.UnaryOp):
            unary = _UNARY.get(type(node.op))
            for value in self.values(node.operand) if unary else ():
                try:
                    out.add(_checked(unary(value)))  # type: ignore[misc]
                except TypeError:  # ~1.5
                    continue
        elif isinstance(node, ast.BinOp):
            binary = _BINARY.get(type(node.op))
            left, right = self.values(node.left), self.values(node.right)
            if len(left) * len(right) > _MAX_CHOICES:
                raise _Unbounded
            for a in left if binary else ():
                for b in right:
                    result = _apply(binary, node.op, a, b)  # type: ignore[arg-type]
                    if result is not None:
                        out.add(result)
        if len(out) > _MAX_CHOICES:
            raise _Unbounded
        return frozenset(out)

    def _name(self, name: str) -> frozenset[Number]:
        if name in self._active:
            # x = x * 2: a name rebound from itself is not "bound once", which is what a check
            # resolves; only its other bindings count.
            return frozenset()
        self._active.add(name)
        try:
            out: set[Number] = set()
            for bound in self._bindings.get(name):
                out |= self.values(bound)
            if len(out) > _MAX_CHOICES:
                raise _Unbounded
            return frozenset(out)
        finally:
            self._active.discard(name)


def _apply(
    binary: Callable[[Number, Number], Number], op: ast.operator, a: Number, b: Number
) -> Number | None:
    if isinstance(op, (ast.Pow, ast.LShift)) and abs(b) > 128:
        raise _Unbounded
    try:
        return _checked(binary(a, b))
    except (ArithmeticError, TypeError, ValueError):  # 1 / 0, 1 << -1, 1.5 << 2 ...
        return None


def _checked(value: Number) -> Number:
    if isinstance(value, complex) or abs(value) > _HUGE:
        raise _Unbounded
    return value
