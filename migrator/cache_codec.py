"""Plain data to JSON and back, for the cache: dataclasses of strings, numbers, lists, tuples
and frozensets (findings, file errors, a file's facts).

JSON, not pickle, because a cache directory may come with a hostile repository: decoding only
builds the dataclass asked for, from the fields it declares, and anything else is a
``ValueError`` (the entry is then ignored and the file checked again).
"""

from __future__ import annotations

import ast
import dataclasses
import sys
import types
import typing
from typing import Any, TypeVar, Union

T = TypeVar("T")

_HINTS: dict[type, dict[str, Any]] = {}


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data: a dataclass becomes a dict of its fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, frozenset):
        return sorted(encode(item) for item in value)
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(kind: type[T], data: Any) -> T:
    """An instance of ``kind`` from what ``encode`` gave; ``ValueError`` if it does not fit."""
    try:
        return typing.cast(T, _decode(kind, data))
    except (TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"not a cached {getattr(kind, '__name__', kind)}: {exc}") from exc


def _decode(hint: Any, data: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin is Union or (sys.version_info >= (3, 10) and origin is types.UnionType):
        options = typing.get_args(hint)
        if data is None and type(None) in options:
            return None
        last: Exception | None = None
        for option in options:
            if option is type(None):
                continue
            try:
                return _decode(option, data)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                last = exc
        raise ValueError(f"no type of {hint} fits: {last}")
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(data, dict):
            raise TypeError(f"{hint.__name__} wants a dict")
        hints = _hints(hint)
        fields = {f.name for f in dataclasses.fields(hint) if f.init}
        if set(data) - fields:
            raise TypeError(f"unknown fields {sorted(set(data) - fields)}")
        return hint(**{name: _decode(hints[name], value) for name, value in data.items()})
    if origin in (list, tuple, frozenset):
        if not isinstance(data, list):
            raise TypeError(f"{origin.__name__} wants a list")
        args = typing.get_args(hint)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(args) != len(data):
                raise TypeError("tuple of the wrong length")
            return tuple(_decode(a, item) for a, item in zip(args, data))
        items = [_decode(args[0], item) for item in data]
        return origin(items)
    if origin is dict:
        key, value = typing.get_args(hint)
        if not isinstance(data, dict):
            raise TypeError("dict wants a dict")
        return {_decode(key, k): _decode(value, v) for k, v in data.items()}
    if hint is Any:
        return data
    if hint in (str, int, float, bool):
        if type(data) is not hint and not (hint is float and type(data) is int):
            raise TypeError(f"{hint.__name__} wanted, {type(data).__name__} found")
        return data
    raise TypeError(f"cannot decode {hint}")


def _hints(kind: type) -> dict[str, Any]:
    found = _HINTS.get(kind)
    if found is None:
        try:
            found = typing.get_type_hints(kind)
        except TypeError:  # Python 3.9 cannot evaluate ``X | None``: read it as Union[X, None]
            namespace = {**vars(sys.modules[kind.__module__]), "Union": Union}
            found = {
                f.name: eval(_as_union(f.type), namespace)  # our own classes' annotations
                for f in dataclasses.fields(kind)
            }
        _HINTS[kind] = found
    return found


class _UnionSyntax(ast.NodeTransformer):
    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.op, ast.BitOr):
            return node
        elements = ast.Tuple(elts=[node.left, node.right], ctx=ast.Load())
        return ast.Subscript(value=ast.Name("Union", ast.Load()), slice=elements, ctx=ast.Load())


def _as_union(annotation: Any) -> str:
    if not isinstance(annotation, str):
        return repr(annotation)
    tree = _UnionSyntax().visit(ast.parse(annotation, mode="eval"))
    return ast.unparse(ast.fix_missing_locations(tree))
