"""Where each string, number and key of a JSON text is written.

``json.loads`` gives values but not positions; this walks the text once more and records the
scalars with their offsets and paths. It runs only on text that ``json.loads`` has accepted.
Subtrees the caller does not want (a notebook's outputs) are skipped with the C decoder.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Sequence
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.scanner import NUMBER_RE
from typing import Any

from migrator.kinds.scalars import Scalar

_SPACE = re.compile(r"[ \t\n\r]*")
_LITERALS = {"true": True, "false": False, "null": None}
_DECODER = json.JSONDecoder()

Path = tuple[Any, ...]


class JSONScanError(ValueError):
    pass


def scan(
    text: str,
    start: int = 0,
    want: Callable[[Path], bool] | None = None,
    within: Sequence[int] | None = None,
) -> list[Scalar]:
    """Scalars of the JSON value that starts at ``start`` (offsets are into ``text``).

    ``want(path)`` False skips the value at ``path`` and everything under it. ``within``
    (sorted offsets): an object or array that holds none of them is skipped, with the C decoder;
    the scalars of one that holds any are all kept (a check may compare them).
    """
    scanner = _Scanner(text, want, within)
    try:
        scanner.value(scanner.skip(start), (), None, None)
    except (IndexError, ValueError) as exc:
        raise JSONScanError(str(exc)) from exc
    except RecursionError:
        raise JSONScanError("too deeply nested") from None
    return scanner.out


class _Scanner:
    def __init__(
        self, text: str, want: Callable[[Path], bool] | None, within: Sequence[int] | None
    ) -> None:
        self.text = text
        self.want = want
        self.within = within
        self.out: list[Scalar] = []

    def skip(self, i: int) -> int:
        match = _SPACE.match(self.text, i)
        assert match is not None  # the pattern matches the empty string
        return match.end()

    def value(self, i: int, path: Path, parent_key: str | None, array: int | None) -> int:
        text = self.text
        if self.want is not None and not self.want(path):
            return int(_DECODER.raw_decode(text, i)[1])
        ch = text[i]
        if self.within is not None and ch in "{[":
            end = int(_DECODER.raw_decode(text, i)[1])
            at = bisect.bisect_left(self.within, i)
            if at == len(self.within) or self.within[at] >= end:
                return end
        if ch == '"':
            value, end = scanstring(text, i + 1)
            self.out.append(Scalar(i, end, value, False, parent_key, array, path))
            return int(end)
        if ch == "{":
            return self.object(i + 1, path)
        if ch == "[":
            return self.array(i + 1, path)
        number = NUMBER_RE.match(text, i)
        if number is not None:
            integer, frac, exp = number.groups()
            parsed: Any = int(integer) if not frac and not exp else float(number.group())
            self.out.append(Scalar(i, number.end(), parsed, False, parent_key, array, path))
            return int(number.end())
        for word in _LITERALS:
            if text.startswith(word, i):
                return i + len(word)
        raise JSONScanError(f"unexpected {ch!r} at offset {i}")

    def object(self, i: int, path: Path) -> int:
        text = self.text
        i = self.skip(i)
        if text[i] == "}":
            return i + 1
        while True:
            if text[i] != '"':
                raise JSONScanError(f"expected a key at offset {i}")
            key, end = scanstring(text, i + 1)
            self.out.append(Scalar(i, end, key, True, None, None, (*path, key)))
            i = self.skip(end)
            if text[i] != ":":
                raise JSONScanError(f"expected ':' at offset {i}")
            i = self.value(self.skip(i + 1), (*path, key), key, None)
            i = self.skip(i)
            if text[i] == "}":
                return i + 1
            if text[i] != ",":
                raise JSONScanError(f"expected ',' or '}}' at offset {i}")
            i = self.skip(i + 1)

    def array(self, i: int, path: Path) -> int:
        text = self.text
        identity = i
        i = self.skip(i)
        if text[i] == "]":
            return i + 1
        index = 0
        parent_key = path[-1] if path and isinstance(path[-1], str) else None
        while True:
            i = self.skip(self.value(i, (*path, index), parent_key, identity))
            if text[i] == "]":
                return i + 1
            if text[i] != ",":
                raise JSONScanError(f"expected ',' or ']' at offset {i}")
            i = self.skip(i + 1)
            index += 1
