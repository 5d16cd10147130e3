"""Cut a screened file down to what the checks look at, before LibCST parses it.

LibCST parses some 25k lines/s, and the files the screens admit are often the largest: one
finding in ten thousand lines of a library, or a few model IDs in a 30,000-line price table.
The checks read little of such a file:

- the statements that hold a *mark*: a string naming a model of the rule set (or a model a
  source now migrates to), a content type, a request parameter (``model=``, ``max_tokens=``,
  ``modalities=``, ``audio=``, a deployment keyword, the content part's ``"type"`` key, as a
  keyword or a dict key), a typed content-part constructor or an Azure client. A statement
  whose only marks name a request's model is needed only when some judged value (a token
  limit, a content part) sits in no call or dict naming its model: the request checks then
  judge it against every request of the file. A file with no judged value at all (the screen's
  ``Admission.requests``) can only have MIG001/MIG002 findings: its marks are model strings
  and Azure clients;
- the statements that bind a name those statements use: a check follows a name to the one
  value it is bound to, so every binding of that name must be seen, to be counted;
- ``global`` and ``nonlocal`` declarations, which decide where a binding lands;
- the headers of the compound statements around all of these.

Every other statement is blanked to empty lines (a block left with nothing gets ``pass``). Inside
the kept statements, an *item* that holds no mark and binds no name is blanked to ``0``: a call
argument other than the first positional one, a list, tuple or set item that is not a string, a
dict value under a key that is not a mark. The checks never look into such an item: they read
marked nodes, the calls and dicts around them (their ``func``, first positional argument and
``**`` splats, which are never blanked), and what a name in a marked place is bound to. Lines and
columns are kept (a blanked span keeps its line breaks and the width of its last line), so a
finding has the same position in the pruned source as in the original.

A pruned source is only read, never written: ``runner`` checks the whole file again before it
applies a fix.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Union

from migrator.ruleset import MAX_MODEL_REF_LENGTH, RuleSet

Statement = Union[ast.stmt, ast.Module]

_NEWLINE = re.compile(r"\r\n|\r|\n")
# Runs of non-ASCII characters: a plain range, which ``re`` scans several times faster than the
# Unicode word class (a pass over a whole file with that class cost more than parsing it).
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WORD_CHARACTER = re.compile(r"\w")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_BODIES = ("body", "orelse", "finalbody")
_SCOPE_DECLARATIONS = (ast.Global, ast.Nonlocal)
# An item that binds a name (walrus, comprehension variable) cannot go: the bindings a check
# counts would change. The text test is cheap; the tree is walked only when it matches.
_MAY_BIND = re.compile(r":=|\bfor\b|\blambda\b")
_BINDING_EXPRESSIONS = (ast.NamedExpr, ast.comprehension, ast.Lambda)


class Pruner:
    """``prune(source, tree, requests=...)``: the source with what no check looks at blanked."""

    def __init__(self, ruleset: RuleSet) -> None:
        requests = ruleset.requests
        models = set(ruleset.all_model_ids) | set(ruleset.fine_tune_bases)
        models |= {source.replacement for source in ruleset.sources.values()}
        self._model_ends = tuple(sorted(models - {""}))
        self._parameters = frozenset(
            {
                *requests.model_parameters,
                *requests.output_token_parameters,
                requests.modalities_parameter,
                requests.audio_output_parameter,
                requests.content_type_key,
                *requests.deployment_parameters,
            }
        )
        # Where a request names its model (or an Azure deployment, which stands for one).
        self.model_parameters = frozenset(requests.model_parameters)
        self.model_words = self.model_parameters | requests.deployment_parameters
        self._content_types = frozenset(requests.content_types)
        self._typed_parts = frozenset(requests.typed_parts)
        self._azure_clients = requests.azure_clients
        # A model string may stand behind any prefix: found as a substring. The other marks
        # are whole words (a keyword, a name, a string equal to the word).
        self._substrings = sorted({*self._model_ends, "ft:"})
        words = {*self._parameters, *self._content_types, *self._typed_parts, *self._azure_clients}
        self._words = sorted(words | {"global", "nonlocal"})
        self._string_words = sorted({*self._azure_clients, "global", "nonlocal"})

    def prune(self, source: bytes, tree: ast.Module, *, requests: bool) -> bytes | None:
        """``source`` (which ``tree`` was parsed from) pruned; None if nothing would go.

        ``requests``: the file may hold a value MIG003/MIG004 judge by its request (see
        ``screen.Admission``). Without one, only MIG001/MIG002 can report, and they read a
        model string, the call or collection around it, and the file's Azure clients.
        """
        try:
            encoding = tokenize.detect_encoding(io.BytesIO(source).readline)[0]
            text = source.decode(encoding)
        except (SyntaxError, LookupError, UnicodeDecodeError):
            return None
        pruned = _Plan(self, text, tree, requests).pruned()
        if pruned is None:
            return None
        try:
            return pruned.encode(encoding)
        except UnicodeEncodeError:
            return None

    def hit_lines(self, text: str, starts: list[int], *, requests: bool) -> list[int]:
        """The lines (1-based, sorted) where a mark may be written."""
        offsets: set[int] = set()
        for token in self._substrings:
            at = text.find(token)
            while at != -1:
                offsets.add(at)
                at = text.find(token, at + 1)
        for word in self._words if requests else self._string_words:
            offsets.update(word_offsets(text, word))
        return sorted({bisect.bisect_right(starts, at) for at in offsets})

    def is_mark(self, node: ast.AST, *, requests: bool) -> bool:
        if isinstance(node, ast.Constant):
            value = constant_text(node)
            if value is None:
                return False
            if requests and value in self._content_types:
                return True
            if len(value) > MAX_MODEL_REF_LENGTH:
                return False
            return value.endswith(self._model_ends) or "ft:" in value
        if isinstance(node, (ast.Name, ast.Attribute, ast.alias)):
            if isinstance(node, ast.Name):
                name = node.id
            elif isinstance(node, ast.Attribute):
                name = node.attr
            else:
                name = node.asname or node.name.rpartition(".")[2]
            return name in self._azure_clients or (requests and name in self._typed_parts)
        if requests and isinstance(node, ast.keyword):
            return node.arg in self._parameters
        return False

    def is_model_mark(self, mark: ast.AST) -> bool:
        """A mark that only names a request's model: ``model=``, ``"model":``, a deployment."""
        if isinstance(mark, ast.keyword):
            return mark.arg in self.model_words
        return constant_text(mark) in self.model_words

    def is_request_value(self, mark: ast.AST) -> bool:
        """A mark MIG003/MIG004 judge by its request's model (not a model string, a client)."""
        if isinstance(mark, ast.keyword):
            return mark.arg in self._parameters
        if isinstance(mark, (ast.Name, ast.Attribute, ast.alias)):
            return not self.is_mark(mark, requests=False)  # a typed part, not an Azure client
        text = constant_text(mark)
        return text in self._content_types or text in self._parameters

    def is_mark_key(self, key: ast.AST | None, *, requests: bool) -> bool:
        """A dict key the request checks read (``"model"``, ``"max_tokens"``, ``"type"`` ...).

        The checks read a bytes key's text too (``strings.literal_value``).
        """
        return requests and constant_text(key) in self._parameters


def word_offsets(text: str, word: str) -> Iterator[int]:
    """Where ``word`` stands in ``text`` as a whole word (also after a dot: ``openai.X``)."""
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        before = text[at - 1] if at else " "
        after = text[end] if end < len(text) else " "
        if not (_is_word_character(before) or _is_word_character(after)):
            yield at
        at = text.find(word, end)


def _is_word_character(character: str) -> bool:
    return character.isidentifier() or character.isdigit()


def other_spellings(text: str) -> dict[str, list[str]]:
    """Names as ``ast`` reads them -> the other ways ``text`` writes them.

    ``ast`` NFKC-normalizes identifiers (``LIMIT`` in fullwidth letters reads as ``LIMIT``);
    LibCST keeps them as written. A name looked for by its ``ast`` spelling is also looked for
    as written. Only words holding a non-ASCII letter or digit can differ.
    """
    found: dict[str, list[str]] = {}
    if text.isascii():
        return found
    for word in _non_ascii_words(text):
        normal = unicodedata.normalize("NFKC", word)
        if normal != word:
            found.setdefault(normal, []).append(word)
    return found


def _non_ascii_words(text: str) -> set[str]:
    """The words (runs of ``\\w``) of ``text`` that hold a non-ASCII letter or digit."""
    words = set()
    end = 0  # of the last word found: the rest of a run inside it is skipped
    for run in _NON_ASCII.finditer(text):
        for at in range(max(run.start(), end), run.end()):
            if at < end or not _WORD_CHARACTER.match(text, at):
                continue
            start, end = at, at + 1
            while start and _WORD_CHARACTER.match(text, start - 1):
                start -= 1
            while _WORD_CHARACTER.match(text, end):
                end += 1
            words.add(text[start:end])
    return words


class _Plan:
    """What to keep of one file, and the pruned text."""

    def __init__(self, pruner: Pruner, text: str, tree: ast.Module, requests: bool) -> None:
        self.pruner = pruner
        self.requests = requests
        self.text = text
        self.tree = tree
        self.lines = _LINE.findall(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.hits = pruner.hit_lines(text, self.starts, requests=requests)
        self.marks: list[tuple[int, int]] = []  # where the marks start, once found
        self.parent: dict[int, Statement] = {}
        self.kept: dict[int, Statement] = {}
        self.blanked: dict[int, ast.AST] = {}  # items inside kept statements
        self._children: dict[int, tuple[list[ast.stmt], list[int]]] = {}
        self._binds: dict[int, set[str]] = {}
        self._names_done: set[str] = set()
        self._spellings = other_spellings(text)

    def pruned(self) -> str | None:
        marked = self._find_marks()
        work: list[Statement] = [self.tree, *marked]
        while work:
            for kept in self._keep(work.pop()):
                if self.requests:  # only the request checks follow names to their values
                    work.extend(self._bindings_of(self._followed(kept)))
        return self._render()

    def _find_marks(self) -> list[ast.stmt]:
        """The statements holding a mark; ``self.marks`` becomes where the marks start.

        Only nodes whose lines include a hit line (where a mark may be written) are visited.
        A statement whose only marks name a request's model (``model=model`` all over a
        wrapper library) is kept only if some value a request check judges sits in no call or
        dict naming its model: such a value is judged against every request of the file.
        """
        requests = self.requests
        pruner = self.pruner
        marked: dict[int, ast.stmt] = {}
        naming: dict[int, ast.stmt] = {}  # statements whose marks only name a model
        file_models = False
        points: set[tuple[int, int]] = set()  # where each mark starts: (line, byte column)
        stack: list[tuple[ast.AST, Statement, bool]] = [(self.tree, self.tree, False)]
        while stack:
            node, statement, named = stack.pop()
            found: list[ast.AST] = []
            if isinstance(node, _SCOPE_DECLARATIONS) or pruner.is_mark(node, requests=requests):
                found.append(node)
            elif isinstance(node, ast.Dict):
                found.extend(
                    k
                    for k in node.keys
                    if k is not None and pruner.is_mark_key(k, requests=requests)
                )
            if isinstance(node, (ast.Call, ast.Dict)) and requests:
                named = named or self._names_model(node)
            if found and isinstance(statement, ast.stmt):
                for mark in found:
                    where = mark if hasattr(mark, "lineno") else statement
                    points.add((where.lineno, where.col_offset))  # type: ignore[attr-defined]
                    if pruner.is_model_mark(mark):
                        naming[id(statement)] = statement
                    else:
                        marked[id(statement)] = statement
                        judged = requests and pruner.is_request_value(mark)
                        file_models = file_models or (judged and not named)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    if self._spans_hit(child, _start(child)):
                        self.parent[id(child)] = statement
                        stack.append((child, child, False))
                elif not hasattr(child, "end_lineno") or self._spans_hit(child):
                    stack.append((child, statement, named))
        self.marks = sorted(points)
        if file_models:
            marked.update(naming)
        return list(marked.values())

    def _names_model(self, node: ast.Call | ast.Dict) -> bool:
        """Does this call or dict name the model of a request, as the checks read it?

        ``request_model`` stops at the first container that does. The checks read keywords and
        keys as written, where ``ast`` also reads a fullwidth ``model=`` or a ``"mo" "del"`` key.
        """
        words = self.pruner.model_words
        if isinstance(node, ast.Call):
            return any(
                keyword.arg in words and self._source_of(keyword).startswith(keyword.arg)
                for keyword in node.keywords
            )
        parameters = self.pruner.model_parameters
        return any(
            key is not None
            and constant_text(key) in parameters
            and _literal_body(self._source_of(key)) == constant_text(key)
            for key in node.keys
        )

    # -- what to keep --------------------------------------------------------------------------

    def _keep(self, statement: Statement) -> list[Statement]:
        """Keep ``statement`` and the statements around it; return those newly kept."""
        newly: list[Statement] = []
        todo = [statement]
        while todo:
            node: Statement | None = todo.pop()
            while node is not None and id(node) not in self.kept:
                self.kept[id(node)] = node
                newly.append(node)
                self._blank_items(node)
                # A statement that shares a line with another cannot be blanked alone.
                todo.extend(c for c in self._child_statements(node) if not self._droppable(c))
                node = self.parent.get(id(node))
        return newly

    def _bindings_of(self, names: set[str]) -> Iterator[Statement]:
        """The statements binding any of ``names`` anywhere in the file."""
        for name in names - self._names_done:
            self._names_done.add(name)
            for spelling in (name, *self._spellings.get(name, ())):
                for at in word_offsets(self.text, spelling):
                    for statement in self._chain(bisect.bisect_right(self.starts, at)):
                        if id(statement) not in self.kept and name in self._bound_by(statement):
                            yield statement

    def _bound_by(self, statement: ast.stmt) -> set[str]:
        found = self._binds.get(id(statement))
        if found is None:
            found = self._binds[id(statement)] = _binds(statement)
        return found

    def _followed(self, statement: Statement) -> set[str]:
        """The names a check may follow to their values from what is kept of ``statement``.

        A check follows a name given as a marked keyword's value (``model=MODEL``,
        ``max_tokens=LIMIT``, with arithmetic), a ``**splat``, or the first positional argument
        of a call (``Agent(MODEL)``), and from a name to what it is bound to.
        """
        if isinstance(statement, ast.Module):
            return set()
        names: set[str] = set()
        stack = _own_parts(statement)
        value = getattr(statement, "value", None)
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and value is not None:
            names |= self._value_names(value)
        while stack:
            node = stack.pop()
            if id(node) in self.blanked:
                continue
            if isinstance(node, (ast.Call, ast.Dict)):
                names |= self._value_names(node)
            stack.extend(ast.iter_child_nodes(node))
        return names

    def _value_names(self, node: ast.AST) -> set[str]:
        """The names ``bindings.follow``/``static_int`` and the request model would follow."""
        if isinstance(node, ast.Name):
            return {node.id}
        if isinstance(node, ast.BinOp):
            return self._value_names(node.left) | self._value_names(node.right)
        if isinstance(node, ast.UnaryOp):
            return self._value_names(node.operand)
        values: list[ast.AST] = []
        if isinstance(node, ast.Call):
            if node.args and not isinstance(node.args[0], ast.Starred):
                values.append(node.args[0])
            values.extend(k.value for k in node.keywords if k.arg is None or self._keeps_value(k))
        elif isinstance(node, ast.Dict):
            values.extend(
                v for k, v in zip(node.keys, node.values) if k is None or self._keeps_value(k)
            )
        names: set[str] = set()
        for value in values:
            names |= self._value_names(value)
        return names

    # -- items ---------------------------------------------------------------------------------

    def _blank_items(self, statement: Statement) -> None:
        if isinstance(statement, ast.Module):
            return
        stack = _own_parts(statement)
        while stack:
            node = stack.pop()
            for child, blankable in _items(node, self._keeps_value):
                if not hasattr(child, "end_lineno"):
                    stack.append(child)
                elif blankable and self._may_blank(child):
                    self.blanked[id(child)] = child
                elif child.end_lineno != child.lineno or self._holds_mark(child):  # type: ignore[attr-defined]
                    stack.append(child)

    def _keeps_value(self, node: ast.AST) -> bool:
        """Is ``node`` a keyword or dict key whose value a check reads?"""
        if isinstance(node, ast.keyword):
            return self.pruner.is_mark(node, requests=self.requests)
        return self.pruner.is_mark_key(node, requests=self.requests)

    def _may_blank(self, node: ast.AST) -> bool:
        if self._holds_mark(node):
            return False
        if _MAY_BIND.search(self._source_of(node)) is None:
            return True
        return not any(isinstance(n, _BINDING_EXPRESSIONS) for n in ast.walk(node))

    def _holds_mark(self, node: ast.AST) -> bool:
        start = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
        at = bisect.bisect_left(self.marks, start)
        end = (node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return at < len(self.marks) and self.marks[at] < end

    def _spans_hit(self, node: ast.AST, start: int | None = None) -> bool:
        start = start or node.lineno  # type: ignore[attr-defined]
        end = node.end_lineno  # type: ignore[attr-defined]
        at = bisect.bisect_left(self.hits, start)
        return at < len(self.hits) and self.hits[at] <= end

    # -- statements and lines ------------------------------------------------------------------

    def _child_statements(self, statement: Statement) -> list[ast.stmt]:
        found = self._children.get(id(statement))
        if found is None:
            children = sorted((c for body in _bodies(statement) for c in body), key=_start)
            for child in children:
                self.parent[id(child)] = statement
            found = self._children[id(statement)] = (children, [_start(c) for c in children])
        return found[0]

    def _chain(self, line: int) -> list[ast.stmt]:
        """The statements whose lines include ``line`` (``a = 1; b = 2`` share one), outer first."""
        out: list[ast.stmt] = []
        level: list[Statement] = [self.tree]
        while level:
            below: list[Statement] = []
            for statement in level:
                self._child_statements(statement)
                children, starts = self._children[id(statement)]
                at = bisect.bisect_right(starts, line) - 1
                while at >= 0 and children[at].end_lineno >= line:  # type: ignore[operator]
                    below.append(children[at])
                    at -= 1
            out.extend(below)  # type: ignore[arg-type]
            level = below
        return out

    def _droppable(self, statement: ast.stmt) -> bool:
        """Does ``statement`` have its lines to itself (no other statement's text on them)?"""
        first = self.lines[_start(statement) - 1]
        indent = len(first) - len(first.lstrip(" \t\f"))
        if getattr(statement, "decorator_list", None):
            if not first.startswith("@", indent):
                return False
        elif statement.col_offset != indent:
            return False
        last = self.lines[statement.end_lineno - 1].encode("utf-8")  # type: ignore[operator]
        rest = last[statement.end_col_offset :].strip()
        return not rest or rest.startswith(b"#")

    def _source_of(self, node: ast.AST) -> str:
        start, end = self._offsets(node)
        return self.text[start:end]

    def _offsets(self, node: ast.AST) -> tuple[int, int]:
        start = self._offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self._offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def _offset(self, line: int, byte_column: int) -> int:
        """ast columns count UTF-8 bytes; the text counts characters."""
        text = self.lines[line - 1]
        column = byte_column if text.isascii() else len(text.encode()[:byte_column].decode())
        return self.starts[line - 1] + column

    # -- the pruned text -----------------------------------------------------------------------

    def _render(self) -> str | None:
        edits: list[tuple[int, int, str]] = []
        for statement in self.kept.values():
            for body, needs_statement in _bodies_with_need(statement, self.lines):
                dropped = [child for child in body if id(child) not in self.kept]
                for child in dropped:
                    first, last = _start(child), child.end_lineno
                    assert last is not None
                    start, end = self.starts[first - 1], self.starts[last]
                    blank = _blank(
                        self.text[start:end], keep_last=False, after=self.text[start - 1 : start]
                    )
                    # A coding cookie on line 2 counts only after a blank or comment line 1.
                    if first == 1 or (
                        needs_statement and len(dropped) == len(body) and child is body[0]
                    ):
                        line = self.lines[first - 1]
                        blank = line[: len(line) - len(line.lstrip(" \t\f"))] + "pass" + blank
                    edits.append((start, end, blank))
        for item in self.blanked.values():
            start, end = self._offsets(item)
            blank = _blank(self.text[start + 1 : end], keep_last=True, after="0")
            edits.append((start, end, "0" + blank))
        if not edits:
            return None  # every statement is read
        edits.sort()
        out, at = [], 0
        for start, end, replacement in edits:
            out.append(self.text[at:start])
            out.append(replacement)
            at = end
        out.append(self.text[at:])
        return "".join(out)


# -- ast helpers --------------------------------------------------------------------------------


def _start(statement: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(statement, "decorator_list", None) or []
    return min([statement.lineno, *(d.lineno for d in decorators)])


def _bodies(statement: Statement) -> Iterator[list[ast.stmt]]:
    for field in _BODIES:
        body = getattr(statement, field, None)
        if body:
            yield body
    for handler in getattr(statement, "handlers", ()):
        yield handler.body
    for case in getattr(statement, "cases", ()):
        yield case.body


def _bodies_with_need(
    statement: Statement, lines: list[str]
) -> Iterator[tuple[list[ast.stmt], bool]]:
    """Each statement list of ``statement``, and whether blanking all of it needs a ``pass``."""
    for field in _BODIES:
        body = getattr(statement, field, None)
        if not body:
            continue
        # A module may be empty; so may an if without its elif.
        elif_only = field == "orelse" and _is_elif(body, lines)
        yield body, not (isinstance(statement, ast.Module) or elif_only)
    for handler in getattr(statement, "handlers", ()):
        yield handler.body, True
    for case in getattr(statement, "cases", ()):
        yield case.body, True


def _is_elif(orelse: list[ast.stmt], lines: list[str]) -> bool:
    if len(orelse) != 1 or not isinstance(orelse[0], ast.If):
        return False
    node = orelse[0]
    return lines[node.lineno - 1].encode()[node.col_offset :].startswith(b"elif")


def _own_parts(statement: ast.stmt) -> list[ast.AST]:
    """What a statement holds besides its nested statements (its header, for a compound one)."""
    out: list[ast.AST] = []
    for field, value in ast.iter_fields(statement):
        if field in _BODIES:
            continue
        if field == "handlers":
            out.extend(handler.type for handler in value if handler.type is not None)
        elif field == "cases":
            for case in value:
                out.append(case.pattern)
                if case.guard is not None:
                    out.append(case.guard)
        elif isinstance(value, ast.AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend(item for item in value if isinstance(item, ast.AST))
    return out


def _binds(statement: ast.stmt) -> set[str]:
    """Every name a statement's own parts bind, in any scope (an over-approximation is safe)."""
    names: set[str] = set()
    name = getattr(statement, "name", None)
    if isinstance(name, str):  # def, class
        names.add(name)
    for handler in getattr(statement, "handlers", ()):
        if handler.name:
            names.add(handler.name)
    for part in _own_parts(statement):
        for node in ast.walk(part):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.partition(".")[0])
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                names.update(node.names)
            else:
                bound = getattr(node, "name", None) or getattr(node, "rest", None)
                if isinstance(bound, str) and not isinstance(node, ast.alias):
                    names.add(bound)  # match captures: MatchAs, MatchStar, MatchMapping
    if isinstance(statement, _SCOPE_DECLARATIONS):
        names.update(statement.names)
    return names


def _items(node: ast.AST, keeps_value: Callable[[ast.AST], bool]) -> Iterable[tuple[ast.AST, bool]]:
    """``node``'s children, each with whether it is an item that may be blanked."""
    if isinstance(node, ast.Call):
        yield node.func, False
        for i, arg in enumerate(node.args):
            yield arg, i > 0 and not isinstance(arg, ast.Starred)
        for keyword in node.keywords:
            # ``**splat`` may carry the model; a marked keyword's value is what is checked.
            if keyword.arg is None or keeps_value(keyword):
                yield keyword, False
            else:
                yield keyword.value, True
        return
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and not isinstance(
        getattr(node, "ctx", None),
        (ast.Store, ast.Del),  # targets are names, not values
    ):
        for element in node.elts:
            # A string item stays: MIG001 asks whether the collection would hold an ID twice.
            string = _is_constant_string(element)
            yield element, not string and not isinstance(element, ast.Starred)
        return
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if key is None:  # **splat
                yield value, False
            else:
                yield key, False
                yield value, not keeps_value(key)
        return
    for child in ast.iter_child_nodes(node):
        yield child, False


def _literal_body(source: str) -> str | None:
    """The text between the quotes of one string literal, as LibCST reads a SimpleString."""
    body = source.lstrip("rRbBuU")
    if len(source) - len(body) > 2:
        return None
    for quote in ('"""', "'''", '"', "'"):
        if len(body) >= 2 * len(quote) and body.startswith(quote) and body.endswith(quote):
            return body[len(quote) : -len(quote)]
    return None


def constant_text(node: ast.AST | None) -> str | None:
    """A str or bytes constant's text: the checks read both (``strings.literal_value``)."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, bytes):
            return node.value.decode("latin-1")
    return None


def _is_constant_string(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


def _blank(span: str, *, keep_last: bool, after: str = "") -> str:
    """``span`` as whitespace: its line breaks, and (``keep_last``) its last line's width.

    ``after``: the text the result follows. A lone ``\\r`` and a ``\\n`` brought together
    would read as one ``\\r\\n``: a space keeps them two lines.
    """
    out = []
    previous = after[-1:]
    for found in _NEWLINE.finditer(span):
        if previous == "\r" and found.group().startswith("\n"):
            out.append(" ")
        out.append(found.group())
        previous = found.group()[-1]
    breaks = "".join(out)
    tail = span[span.rfind(previous) + 1 :] if out else span
    return breaks + (" " * len(tail) if keep_last else "")
