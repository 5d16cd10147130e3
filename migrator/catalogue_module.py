"""Big modules that only hold data (a catalogue of model IDs), checked without LibCST.

A generated module listing 200,000 model IDs makes a LibCST tree of gigabytes, yet its findings
depend only on each string literal and on what holds it (an assignment, a collection, a dict
key or value). For a module whose statements are only docstrings, imports and assignments of
literal data, this reads the strings with ``ast`` and gives exactly the result the LibCST checks
would (``kinds.libcst_pass.check_module``): the same findings, positions, fixes and fixed
bytes, judged and worded by the checks' own functions. Anything else, and every file up to
``CATALOGUE_ABOVE`` bytes, goes the usual way.
"""

from __future__ import annotations

import ast
import codecs
import io
import tokenize
from collections import Counter
from dataclasses import dataclass

from migrator import ast_trees
from migrator.checks import wording
from migrator.checks.wording import migration_message, retirement_message, shutdown_message
from migrator.config import Settings
from migrator.findings import Finding, Fix
from migrator.nesting import MAX_DEPTH, nesting_problem
from migrator.project.verdicts import Verdict
from migrator.results import SourceResult
from migrator.ruleset import MAX_MODEL_REF_LENGTH, Migration, Retirement
from migrator.screen import Screen
from migrator.suppression import may_suppress, suppressing_line, suppressions

# Smaller files cost little on the usual path, which reads every kind of Python.
CATALOGUE_ABOVE = 1024 * 1024
# Containers nested deeper than this are not a catalogue (and LibCST's walk of them recurses).
MAX_NESTING = 16
# A bound on the depth ``nesting.nesting_problem`` measures, under which it surely finds none
# (its limit is ``nesting.MAX_DEPTH``; the bound is loose, so half of it).
_SURELY_SAFE = MAX_DEPTH // 2

# Bytes that LibCST may not give back byte for byte (a form feed before a statement, a
# backslash continuation at a CRLF end of file) or that ``ast`` rejects: such a file goes the
# usual way, which reports what LibCST makes of it.
_AWKWARD = (b"\f", b"\x00", b"\x0b", b"\\\n", b"\\\r")
# No model ID holds one: a literal body with one is an escape or a concatenation.
_NEVER_IN_ID = ("'", '"', "\\")
_TRIPLE = ('"""', "'''")
_PREFIX_LETTERS = "rRbBuU"

# Where a string sits, as the check of MIG001 tells places apart.
_VALUE = "value"  # an assignment's value: a plain value
_KEY = "key"  # a dict key
_ENTRY = "entry"  # a dict value (its key's place is kept, for deployment keys)
_ELEMENT = "element"  # an item of a list, tuple or set (its collection's number is kept)
_SKIPPED = "skipped"  # a bare string statement (a docstring)

_Place = tuple[int, int, int, int]  # ast's lineno, col_offset, end_lineno, end_col_offset


class _NotCatalogue(Exception):
    pass


def check_catalogue(
    source: bytes,
    path: str,
    settings: Settings,
    *,
    fix: bool,
    comments: bytes | None = None,
    used: set[tuple[int, str]] | None = None,
    screen: Screen | None = None,
) -> SourceResult | None:
    """``kinds.libcst_pass.check_module``'s result for a big module that only holds literal
    data; None for any other source (the caller checks it as usual). Same arguments as that
    function; with the run's ``screen``, a source it rules out at once is left to it."""
    if len(source) <= CATALOGUE_ABOVE or any(b in source for b in _AWKWARD):
        return None
    if screen is not None and not screen.bytes_admit(source):
        return None
    if source.count(b"\r") != source.count(b"\r\n"):  # a lone CR ends a line for LibCST only
        return None
    encoding = _encoding(source)
    if encoding is None:
        return None
    starts = _line_starts(source)
    reader = _Reader(settings, source, starts)
    strings = reader.read()
    if strings is None:
        return None
    # kinds.libcst_pass.check_module refuses what LibCST's parser cannot nest safely. Without
    # parentheses the brackets are the containers ``ast`` showed, and the depth is bounded
    # from them; with any, the exact measure is taken (it tokenizes the whole file).
    if (b"(" in source or reader.depth > _SURELY_SAFE) and nesting_problem(source) is not None:
        return None
    literals = _Literals(source, starts, reader).of(strings)
    return _result(source, path, settings, encoding, literals, fix, comments, used)


def _line_starts(source: bytes) -> list[int]:
    """Byte offset of each line (``ast``'s line numbers; a BOM is not in its columns)."""
    bom = len(codecs.BOM_UTF8) if source.startswith(codecs.BOM_UTF8) else 0
    starts = [bom]
    find = source.find
    at = find(b"\n", bom)
    while at >= 0:
        starts.append(at + 1)
        at = find(b"\n", at + 1)
    return starts


def _encoding(source: bytes) -> str | None:
    """The encoding LibCST gives the module (its ``encoding``), when it is UTF-8."""
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(source).readline)[0]
        if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
            return None
        source.decode("utf-8-sig")
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None
    return encoding


@dataclass(frozen=True)
class _String:
    """A string constant a check may read, as ``ast`` gives it."""

    place: _Place
    value: str  # ast's value (bytes decoded); the literal's text decides in the end
    role: str
    key: _Place | None = None  # a dict value's key, when that key is a string
    collection: int = -1  # an item's collection, numbered in the order found


class _Reader:
    """Parses a module with ``ast``: is it only literal data, and which strings matter?

    Also bounds, for a module without parentheses, the depth ``nesting_problem`` measures
    (``depth``): per statement, one for the module's block, one plus the statement's own
    counted tokens (operators, keywords, closing brackets, pieces of a concatenation), and for
    the deepest chain of brackets, one plus the most tokens one item of each holds.
    """

    def __init__(self, settings: Settings, source: bytes, starts: list[int]) -> None:
        self.settings = settings
        self.ruleset = settings.ruleset
        self.source = source
        self.starts = starts
        requests = self.ruleset.requests
        # Keys that make a dict a request MIG003 or MIG004 judge: such a module goes the usual
        # way. A "type" key only with a content part's type as its value.
        self._request_keys = requests.output_token_parameters | {
            requests.modalities_parameter,
            requests.audio_output_parameter,
        }
        self._type_key = requests.content_type_key
        self._part_types = frozenset(requests.content_types)
        self._mig005 = "MIG005" in settings.selected_codes
        self._wanted: dict[str, bool] = {}
        self._afters: dict[str, str] = {}
        self.strings: list[_String] = []
        self._collections = 0
        self.depth = 0

    def read(self) -> list[_String] | None:
        """The strings to judge, or None when the module is not only literal data."""
        try:
            tree = ast_trees.parse(self.source)
        except Exception:  # SyntaxError, ValueError, RecursionError, MemoryError ...
            return None
        try:
            for statement in tree.body:
                own, below = self._statement(statement)
                self.depth = max(self.depth, 2 + own + below)
        except _NotCatalogue:
            return None
        return self.strings

    def wanted(self, value: str) -> bool:
        """Whether a string with this value is reported (MIG001, MIG002, MIG005)."""
        wanted = self._wanted.get(value)
        if wanted is None:
            wanted = self.ruleset.classify(value, self.settings.snapshot) is not None or (
                self._mig005 and shutdown_message(value, self.ruleset) is not None
            )
            self._wanted[value] = wanted
        return wanted

    def after(self, value: str) -> str:
        """What a collection item becomes, as ``RetiringModels._would_duplicate`` reads it."""
        after = self._afters.get(value)
        if after is None:
            found = self.ruleset.classify(value, self.settings.snapshot)
            after = found.new_text if isinstance(found, Migration) else value
            self._afters[value] = after
        return after

    # -- the structural test -------------------------------------------------------------------
    # Each returns (tokens counted at the node's own bracket level, bound of the levels below).

    def _statement(self, node: ast.stmt) -> tuple[int, int]:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return self._literal(node.value, _SKIPPED, 0)  # a docstring: never a finding
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return 2 * _size(node), 0
        if isinstance(node, ast.Assign):
            for target in node.targets:
                _target(target, tuple_allowed=True)
            own, below = self._literal(node.value, _VALUE, 0)
            return own + 2 * sum(_size(t) for t in node.targets), below
        if isinstance(node, ast.AnnAssign):
            _target(node.target, tuple_allowed=False)
            _annotation(node.annotation)
            own, below = 0, 0
            if node.value is not None:
                own, below = self._literal(node.value, _VALUE, 0)
            return own + 2 * (_size(node.target) + _size(node.annotation)), below
        raise _NotCatalogue

    def _literal(
        self, node: ast.expr, role: str, depth: int, key: _Place | None = None, number: int = -1
    ) -> tuple[int, int]:
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bytes):
                value = value.decode("ascii", "replace")
            if not isinstance(value, str):
                return 1, 0  # a keyword (None, True, False), an ellipsis or a number
            place = _place(node)
            if role is not _SKIPPED and self.wanted(value):
                self.strings.append(_String(place, value, role, key, number))
            return self._pieces(place), 0
        if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
            if isinstance(node.operand.value, (str, bytes)):
                raise _NotCatalogue
            return 2, 0
        if depth >= MAX_NESTING:
            raise _NotCatalogue
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            most, below = self._collection(node.elts, depth)
            if isinstance(node, ast.Tuple):  # no brackets of its own (or parentheses: measured)
                return most, below
            return 1, 1 + most + below
        if isinstance(node, ast.Dict):
            most = below = 0
            for k, v in zip(node.keys, node.values):
                if k is None:  # a ** merge
                    raise _NotCatalogue
                self._request_shaped(k, v)
                own_k, below_k = self._literal(k, _KEY, depth + 1)
                string_key = isinstance(k, ast.Constant) and isinstance(k.value, (str, bytes))
                own_v, below_v = self._literal(
                    v, _ENTRY, depth + 1, key=_place(k) if string_key else None
                )
                most = max(most, own_k + 1 + own_v)
                below = max(below, below_k, below_v)
            return 1, 1 + most + below
        raise _NotCatalogue

    def _collection(self, elements: list[ast.expr], depth: int) -> tuple[int, int]:
        number = self._collections
        self._collections += 1
        first = len(self.strings)
        most = below = 0
        for element in elements:
            own, deeper = self._literal(element, _ELEMENT, depth + 1, number=number)
            most, below = max(most, own), max(below, deeper)
        kept = [s for s in self.strings[first:] if s.collection == number]
        if not kept:
            return most, below
        # A moved item is unsafe when the collection then holds its target twice: the items
        # equal to a target an item moves to are read too (for their text, not reported).
        targets = {self.after(s.value) for s in kept} - {s.value for s in kept}
        for element in elements if targets else ():
            if isinstance(element, ast.Constant):
                value = element.value
                if isinstance(value, bytes):
                    value = value.decode("ascii", "replace")
                if isinstance(value, str) and value in targets:
                    self.strings.append(_String(_place(element), value, _ELEMENT, None, number))
        return most, below

    def _pieces(self, place: _Place) -> int:
        """At least the pieces of an implicit concatenation (each has two quotes)."""
        start = self.starts[place[0] - 1] + place[1]
        end = self.starts[place[2] - 1] + place[3]
        if end - start < 8:
            return 1  # room for one piece only
        text = self.source[start:end]
        return max(1, (text.count(b'"') + text.count(b"'")) // 2)

    def _request_shaped(self, key: ast.expr, value: ast.expr) -> None:
        """A dict entry MIG003 or MIG004 may judge: the module is checked the usual way."""
        if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
            return
        if key.value in self._request_keys or (
            key.value == self._type_key
            and isinstance(value, ast.Constant)
            and value.value in self._part_types
        ):
            raise _NotCatalogue


def _size(node: ast.AST) -> int:
    """How many nodes: at least the tokens of a name, an import or a type that count."""
    return sum(1 for _ in ast.walk(node))


def _place(node: ast.expr) -> _Place:
    return (node.lineno, node.col_offset, node.end_lineno or 0, node.end_col_offset or 0)


def _target(node: ast.expr, *, tuple_allowed: bool) -> None:
    if isinstance(node, (ast.Tuple, ast.List)) and tuple_allowed:
        for element in node.elts:
            _target(element, tuple_allowed=False)
        return
    while isinstance(node, ast.Attribute):
        node = node.value
    if not isinstance(node, ast.Name):
        raise _NotCatalogue


_TYPE_PARTS = (ast.Name, ast.Attribute, ast.Subscript, ast.Tuple, ast.List, ast.BinOp, ast.Constant)


def _annotation(node: ast.expr) -> None:
    """A type without strings in it (``list[str]``, ``dict[str, dict[str, int]] | None``)."""
    if _size(node) > MAX_NESTING:
        raise _NotCatalogue
    for child in ast.walk(node):
        if isinstance(child, (ast.expr_context, ast.BitOr)):
            continue
        if not isinstance(child, _TYPE_PARTS):
            raise _NotCatalogue
        if isinstance(child, ast.Constant) and child.value not in (None, Ellipsis):
            raise _NotCatalogue


@dataclass(frozen=True)
class _Literal:
    """A string literal as LibCST sees it: where it is, how it is written, where it sits."""

    line: int
    start: int  # byte offsets in the source
    end: int
    column: int  # 0-based, in characters, as LibCST counts
    end_column: int
    prefix: str  # as written (``Rb``)
    quote: str
    body: str  # what ``strings.literal_value`` gives
    role: str
    key: str | None  # a dict value's key, as ``literal_value`` gives it
    after: Counter[str] | None  # an item's collection: what its items become


class _Literals:
    """Reads each kept string's literal from the source bytes at ``ast``'s place for it."""

    def __init__(self, source: bytes, starts: list[int], reader: _Reader) -> None:
        self.source = source
        self.starts = starts
        self.reader = reader

    def of(self, strings: list[_String]) -> list[_Literal]:
        """The literals of ``strings`` that are reported, each with what its test reads."""
        reader = self.reader
        read = [(string, self._read(string.place)) for string in strings]
        afters: dict[int, Counter[str]] = {}
        for string, found in read:
            if found is not None and string.collection >= 0:
                counted = afters.get(string.collection)
                if counted is None:
                    counted = afters[string.collection] = Counter()
                counted[reader.after(found[4])] += 1
        out = []
        for string, found in read:
            if found is None or not reader.wanted(found[4]):
                continue
            start, end, prefix, quote, body = found
            line = self.starts[string.place[0] - 1]
            before = self.source[line:start]
            column = len(before) if before.isascii() else len(before.decode("utf-8"))
            text = self.source[start:end]
            width = len(text) if text.isascii() else len(text.decode("utf-8"))
            key = None
            if string.key is not None:
                key_read = self._read(string.key)
                key = key_read[4] if key_read is not None else None
            after = afters.get(string.collection) if string.collection >= 0 else None
            out.append(
                _Literal(
                    string.place[0],
                    start,
                    end,
                    column,
                    column + width,
                    prefix,
                    quote,
                    body,
                    string.role,
                    key,
                    after,
                )
            )
        return out

    def _read(self, place: _Place) -> tuple[int, int, str, str, str] | None:
        """Where the literal is, its prefix, quote and body; None when LibCST does not see one
        plain string there (an implicit concatenation, escapes, a body too long for an ID)."""
        line, column, end_line, end_column = place
        if end_line != line:
            return None  # one literal with a model ID in it is never on two lines
        start = self.starts[line - 1]
        start, end = start + column, start + end_column
        text = self.source[start:end].decode("utf-8")
        rest = text.lstrip(_PREFIX_LETTERS)
        quote = rest[:3] if rest[:3] in _TRIPLE else rest[:1]
        if len(rest) < 2 * len(quote) or not rest.endswith(quote):
            return None
        body = rest[len(quote) : len(rest) - len(quote)]
        if any(c in body for c in _NEVER_IN_ID) or len(body) > MAX_MODEL_REF_LENGTH:
            return None
        return start, end, text[: len(text) - len(rest)], quote, body


@dataclass(frozen=True)
class _Report:
    literal: _Literal
    code: str
    message: str
    fix: Fix | None = None


class _Judge:
    """What ``RetiringModels`` and ``ShutdownDates`` report of a literal, as their visitors
    decide it. A catalogue repeats a few IDs many times: each judgement is made once."""

    def __init__(self, settings: Settings) -> None:
        self.ruleset, self.snapshot = settings.ruleset, settings.snapshot
        self.mig005 = "MIG005" in settings.selected_codes
        self.deployment_keys = self.ruleset.requests.deployment_parameters
        self._reports: dict[tuple[object, ...], list[tuple[str, str, Fix | None]]] = {}

    def reports(self, literal: _Literal) -> list[tuple[str, str, Fix | None]]:
        """(code, message, fix) of each report on ``literal``."""
        reason = self._reason(literal)
        key = (literal.body, literal.prefix, literal.quote, reason)
        known = self._reports.get(key)
        if known is None:
            known = self._reports[key] = self._judged(literal, reason)
        return known

    def _reason(self, literal: _Literal) -> str | None:
        """Why a MIG001 fix of this literal is unsafe, by where it sits (``_unsafe_reason``)."""
        if literal.role == _KEY:
            return wording.KEY
        if literal.role == _ENTRY and literal.key in self.deployment_keys:
            return wording.deployment_value(literal.key)
        if literal.after is not None:
            found = self.ruleset.classify(literal.body, self.snapshot)
            if isinstance(found, Migration) and literal.after[found.new_text] > 1:
                return wording.duplicate(found.new_text)
        return None

    def _judged(self, literal: _Literal, reason: str | None) -> list[tuple[str, str, Fix | None]]:
        out: list[tuple[str, str, Fix | None]] = []
        found = self.ruleset.classify(literal.body, self.snapshot)
        if isinstance(found, Retirement):
            out.append(("MIG002", retirement_message(found), None))
        elif isinstance(found, Migration):
            if found.deployment:
                reason = wording.DEPLOYMENT_NAME
            # As strings.replacement_literal: the literal's own prefix and quotes.
            quote = literal.quote
            replacement = f"{literal.prefix}{quote}{found.new_text}{quote}"
            fix = Fix(replacement, safe=reason is None, reason=reason or "")
            out.append(("MIG001", migration_message(found), fix))
        if self.mig005:
            message = shutdown_message(literal.body, self.ruleset)
            if message is not None:
                out.append(("MIG005", message, None))
        return out


def _result(
    source: bytes,
    path: str,
    settings: Settings,
    encoding: str,
    literals: list[_Literal],
    fix: bool,
    comments: bytes | None,
    used: set[tuple[int, str]] | None,
) -> SourceResult:
    """As ``kinds.libcst_pass.check_module`` turns its reports into a result (``_position``
    included)."""
    selected = settings.selected_codes
    judge = _Judge(settings)
    reports = [
        _Report(literal, code, message, found_fix)
        for literal in literals
        for code, message, found_fix in judge.reports(literal)
        if code in selected
    ]
    if not reports:
        return SourceResult()
    noted = comments or source
    noqa = suppressions(noted.decode("utf-8-sig", errors="replace")) if may_suppress(noted) else {}
    verdicts = settings.verdicts
    stricter: dict[tuple[Verdict, Fix], Fix] = {}  # FileVerdicts.fix_at, each made once
    findings: list[tuple[_Report, Finding]] = []
    for report in reports:
        literal = report.literal
        if noqa:
            line = suppressing_line(noqa, report.code, range(literal.line, literal.line + 1))
            if line is not None:
                if used is not None:
                    used.add((line, report.code))
                continue
        fixed = report.fix
        if verdicts is not None and fixed is not None:
            verdict = verdicts.by_site.get((0, literal.line, literal.column + 1))
            if verdict is not None:
                made = stricter.get((verdict, fixed))
                if made is None:
                    made = stricter[verdict, fixed] = verdict.apply(fixed)
                fixed = made
        finding = Finding(
            path,
            literal.line,
            literal.column + 1,
            literal.line,
            literal.end_column + 1,
            report.code,
            report.message,
            fixed,
        )
        findings.append((report, finding))
    findings.sort(key=lambda pair: pair[1].sort_key)
    result = SourceResult(encoding=encoding)
    edits: dict[int, tuple[int, bytes]] = {}
    for report, finding in findings:
        if fix and finding.fix is not None and finding.fix.applies(settings.unsafe_fixes):
            literal = report.literal
            edits[literal.start] = (literal.end, finding.fix.replacement.encode("utf-8"))
            result.fixed.append(finding)
        else:
            result.findings.append(finding)
    if edits:
        new_source = _spliced(source, edits)
        if new_source != source:
            result.new_source = new_source
    return result


def _spliced(source: bytes, edits: dict[int, tuple[int, bytes]]) -> bytes:
    parts: list[bytes] = []
    at = 0
    for start in sorted(edits):
        end, text = edits[start]
        parts += (source[at:start], text)
        at = end
    parts.append(source[at:])
    return b"".join(parts)
