"""A guard run before LibCST's parser: refuse sources nested too deeply to parse safely.

LibCST's native parser recurses on the machine stack with no depth limit. About 1,400 nested
brackets, or a chain of some thousands of ``and``/``+``/``.attr``/``elif`` (which LibCST nests one
node inside the next), overflow an 8 MB stack and kill the whole process with SIGSEGV: no
exception to catch, and every other file of the run is lost. Deep chains are also slow to
parse (time grows faster than quadratically with the depth).

The guard walks the stdlib ``tokenize`` stream once and computes an upper bound of the depth
the parser will reach, counting what LibCST nests: open brackets, and within one bracket level
every operator, keyword, trailer and implicitly concatenated string since the last ``,``/``;``
(a flat list of a million items is fine; ``a and a and ...`` is not), plus indented blocks and
``elif`` chains. CPython itself refuses more than 200 nested brackets, so real code stays far
below both limits, while everything at or under them parses well within an 8 MB stack.
"""

from __future__ import annotations

import io
import keyword
import sys
import tokenize
from collections.abc import Iterator

# CPython's tokenizer refuses more than 200 nested brackets (MAXLEVEL); LibCST accepts more and
# overflows the stack at about 1,400.
MAX_BRACKETS = 200
# LibCST parses a 1,000-long chain of any shape within 3 MB of stack and about a second; the
# Python-side walk of the tree gives up (RecursionError, reported) long before this.
MAX_DEPTH = 1000

TOO_DEEP = "too deeply nested to parse safely"

_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")
_RESET = frozenset({",", ";"})
# Python 3.12+ tokenizes f-strings (3.14+: t-strings) into parts: their start nests like a
# bracket, and the expressions inside come out as ordinary tokens.
_NESTED_START = frozenset(
    t
    for t in (getattr(tokenize, "FSTRING_START", None), getattr(tokenize, "TSTRING_START", None))
    if t is not None
)
_NESTED_END = frozenset(
    t
    for t in (getattr(tokenize, "FSTRING_END", None), getattr(tokenize, "TSTRING_END", None))
    if t is not None
)
_SKIP = frozenset({tokenize.NL, tokenize.COMMENT, tokenize.ENCODING, tokenize.ENDMARKER})
# Before 3.12 an f-string is one STRING token; its replacement fields are measured separately.
_SPLIT_FSTRINGS = sys.version_info < (3, 12)
_MAX_FSTRING_LEVELS = 20


class _TooDeep(Exception):
    pass


def nesting_problem(source: bytes) -> str | None:
    """Why ``source`` must not reach LibCST's parser, or None if it is safe to parse.

    The source is decoded as LibCST would (BOM, coding cookie, else UTF-8), so a source that
    cannot be decoded is reported here, apart from syntax errors.
    """
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(source).readline)[0]
        text = source.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        return f"cannot decode source: {exc}"
    try:
        _measure(text, 0, 0)
    except _TooDeep:
        return TOO_DEEP
    except SyntaxError as exc:  # IndentationError, or 3.12+'s C tokenizer refusing the source
        return f"syntax error at line {exc.lineno}: {exc.msg}"
    return None


def _measure(text: str, outer_depth: int, outer_brackets: int, level: int = 0) -> None:
    """Raise _TooDeep if ``text`` nests deeper than the limits, counting from the outer depth."""
    if level > _MAX_FSTRING_LEVELS:
        raise _TooDeep
    frames = [0]  # per open bracket: chain length since the last separator
    total = 1  # sum over frames of (1 + chain)
    blocks = [0]  # per indentation level: length of the current elif chain
    block_depth = 1
    line_start = True
    previous_string = False
    for tok in _tokens(text):
        kind = tok.type
        if kind in _SKIP:
            continue
        if kind == tokenize.INDENT:
            blocks.append(0)
            block_depth = len(blocks) + sum(blocks)
            continue
        if kind == tokenize.DEDENT:
            if len(blocks) > 1:
                blocks.pop()
            block_depth = len(blocks) + sum(blocks)
            continue
        if kind == tokenize.NEWLINE:
            frames, total, line_start, previous_string = [0], 1, True, False
            continue
        string = tok.string
        if line_start:
            line_start = False
            if string == "elif":
                blocks[-1] += 1
            elif string != "else":
                blocks[-1] = 0
            block_depth = len(blocks) + sum(blocks)
        is_string = kind == tokenize.STRING or kind in _NESTED_START
        if (kind == tokenize.OP and string in _OPEN) or kind in _NESTED_START:
            if is_string and previous_string:
                frames[-1] += 1
                total += 1
            frames.append(0)
            total += 1
            if outer_brackets + len(frames) - 1 > MAX_BRACKETS:
                raise _TooDeep
        elif (kind == tokenize.OP and string in _CLOSE) or kind in _NESTED_END:
            if len(frames) > 1:
                total -= 1 + frames.pop()
            frames[-1] += 1  # a trailer or closed atom nests what comes after it
            total += 1
        elif kind == tokenize.OP and string in _RESET:
            total -= frames[-1]
            frames[-1] = 0
        elif kind == tokenize.OP or (kind == tokenize.NAME and keyword.iskeyword(string)):
            frames[-1] += 1
            total += 1
        elif kind == tokenize.STRING:
            if previous_string:  # implicit concatenation nests one piece in the next
                frames[-1] += 1
                total += 1
            if _SPLIT_FSTRINGS and _is_fstring(string):
                for field in _fstring_fields(string):
                    _measure(
                        f"({field}\n)",
                        outer_depth + block_depth + total,
                        outer_brackets + len(frames) - 1,
                        level + 1,
                    )
        previous_string = is_string or (kind in _NESTED_END)
        if outer_depth + block_depth + total > MAX_DEPTH:
            raise _TooDeep


def _tokens(text: str) -> Iterator[tokenize.TokenInfo]:
    try:
        yield from tokenize.generate_tokens(io.StringIO(text).readline)
    except tokenize.TokenError as exc:
        if _SPLIT_FSTRINGS:
            # The pure-Python tokenizer only gives up at the end of the file (an unclosed
            # bracket or string): everything was measured, and LibCST, which also reads newer
            # syntax than this Python, decides whether it parses.
            return
        # 3.12+: CPython's own tokenizer refused the source, possibly halfway through.
        message, (line, column) = exc.args[0], exc.args[1]
        raise SyntaxError(message, ("<source>", line, column, None)) from None


def _is_fstring(token: str) -> bool:
    prefix = token[: min(i for i in (token.find("'"), token.find('"')) if i >= 0)]
    return "f" in prefix.lower()


def _fstring_fields(token: str) -> Iterator[str]:
    """The text of each replacement field (``{...}``) of an f-string token, nested fields too.

    Nested quoted strings are skipped over, so brackets inside them do not count. An unclosed
    field runs to the end of the token.
    """
    start = min(i for i in (token.find("'"), token.find('"')) if i >= 0)
    quote = token[start] * 3 if token.startswith(token[start] * 3, start) else token[start]
    body = token[start + len(quote) : len(token) - len(quote)]
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch in "{}":
            if body.startswith(ch * 2, i):  # an escaped brace
                i += 2
                continue
            if ch == "}":
                i += 1
                continue
            end = _field_end(body, i + 1)
            yield body[i + 1 : end]
            i = end + 1
            continue
        i += 1


def _field_end(body: str, i: int) -> int:
    """Index of the ``}`` closing the field that starts at ``i`` (or the end of ``body``)."""
    depth, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch in "'\"":
            quote = ch * 3 if body.startswith(ch * 3, i) else ch
            close = body.find(quote, i + len(quote))
            if close < 0:
                return n
            i = close + len(quote)
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return n
