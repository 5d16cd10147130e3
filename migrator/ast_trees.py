"""Python's own parse (``ast``) of a module, made once for every reader of one file's bytes.

The project view's facts, the screen and the catalogue reader each read the ``ast`` of a file
that names a model; on a cold run the first pass hands them the same bytes one after the
other, and on a big module the parse is most of what they cost. Within ``one_parse()`` the
tree of the bytes last parsed is kept for the next reader; outside it nothing is kept (a big
module's tree is hundreds of megabytes).
"""

from __future__ import annotations

import ast
import warnings
from typing import Union

_Parsed = Union[ast.Module, BaseException]
# (source, its tree or what parsing it raised) while a file is read; None outside one_parse.
_kept: list[tuple[bytes | str, _Parsed]] | None = None


class one_parse:  # named as a function: used as one, ``with one_parse():``
    """While one file's bytes are read: ``parse`` of the same object parses it once. Nested,
    the outer scope holds.

    A class rather than a generator-based context manager: it is entered for every file of a
    run, twice on a cold one."""

    __slots__ = ("_outer",)

    def __enter__(self) -> None:
        global _kept
        self._outer = _kept is None
        if self._outer:
            _kept = []

    def __exit__(self, *_: object) -> None:
        global _kept
        if self._outer:
            _kept = None


def parse(source: bytes | str) -> ast.Module:
    """``ast.parse(source)``, its warnings silenced (an invalid escape warns at parse time);
    raises what the parse raises (SyntaxError, ValueError for a NUL byte, RecursionError,
    MemoryError)."""
    if _kept:
        kept, parsed = _kept[0]
        if kept is source:  # the same object: held here, so its id cannot have been reused
            if isinstance(parsed, BaseException):
                raise parsed
            return parsed
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except Exception as exc:
        _keep(source, exc)
        raise
    _keep(source, tree)
    return tree


def _keep(source: bytes | str, parsed: _Parsed) -> None:
    if _kept is not None:
        _kept[:] = [(source, parsed)]
