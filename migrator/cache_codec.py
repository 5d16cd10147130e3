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
from collections.abc import Callable
from typing import Any, TypeVar, Union

T = TypeVar("T")

_HINTS: dict[type, dict[str, Any]] = {}


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data: a dataclass becomes the list of its fields' values, in
    their order (a tree's findings are many: names in every one would double the cache)."""
    kind = type(value)
    if value is None or kind in _SCALARS:
        return value
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return [encode(getattr(value, name)) for name in names]
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, frozenset):
        return sorted(encode(item) for item in value)
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot encode {kind.__name__}")


_SCALARS = frozenset({str, int, float, bool})
_FIELDS: dict[type, tuple[str, ...]] = {}


def decode(kind: type[T], data: Any) -> T:
    """An instance of ``kind`` from what ``encode`` gave; ``ValueError`` if it does not fit."""
    try:
        return typing.cast(T, _decoder(kind)(data))
    except (TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"not a cached {getattr(kind, '__name__', kind)}: {exc}") from exc


# A warm run decodes every finding of the tree: each type's decoder is worked out once from
# its hints, not for every value.
_DECODERS: dict[Any, Callable[[Any], Any]] = {}
_PLAIN = (str, int, bool)  # checked in place, without a decoder call per value


def _decoder(hint: Any) -> Callable[[Any], Any]:
    found = _DECODERS.get(hint)
    if found is None:
        found = _DECODERS[hint] = _make_decoder(hint)
    return found


def _make_decoder(hint: Any) -> Callable[[Any], Any]:
    origin = typing.get_origin(hint)
    if origin is Union or (sys.version_info >= (3, 10) and origin is types.UnionType):
        return _union_decoder(typing.get_args(hint))
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _dataclass_decoder(hint)
    if origin in (list, tuple, frozenset):
        args = typing.get_args(hint)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return _fixed_tuple_decoder(args)
        return _sequence_decoder(origin, args[0])
    if origin is dict:
        key, value = typing.get_args(hint)
        return _dict_decoder(key, value)
    if hint is Any:
        return lambda data: data
    if hint in (str, int, float, bool):
        return _scalar_decoder(hint)
    raise TypeError(f"cannot decode {hint}")


def _union_decoder(options: tuple[Any, ...]) -> Callable[[Any], Any]:
    nullable = type(None) in options
    choices = [option for option in options if option is not type(None)]

    def decode_union(data: Any) -> Any:
        if data is None and nullable:
            return None
        last: Exception | None = None
        for option in choices:
            try:
                return _decoder(option)(data)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                last = exc
        raise ValueError(f"no type of {options} fits: {last}")

    return decode_union


def _dataclass_decoder(kind: type) -> Callable[[Any], Any]:
    hints = _hints(kind)
    fields = dataclasses.fields(kind)
    if not all(f.init for f in fields):
        raise TypeError(f"{kind.__name__} has fields its constructor does not take")
    # A plain str, int or bool field (most of a finding) is checked in the loop, not by a call.
    plan = [
        (hints[f.name], None) if hints[f.name] in _PLAIN else (None, hints[f.name]) for f in fields
    ]

    def decode_dataclass(data: Any) -> Any:
        if not isinstance(data, list) or len(data) != len(plan):
            raise TypeError(f"{kind.__name__} wants a list of {len(plan)} values")
        values = []
        for (expected, hint), value in zip(plan, data):
            if expected is None:
                value = _decoder(hint)(value)
            elif type(value) is not expected:
                raise TypeError(f"{expected.__name__} wanted, {type(value).__name__} found")
            values.append(value)
        return kind(*values)

    return decode_dataclass


def _fixed_tuple_decoder(args: tuple[Any, ...]) -> Callable[[Any], Any]:
    plain = all(a in _PLAIN for a in args)  # an import's (level, name): checked in place

    def decode_tuple(data: Any) -> Any:
        if not isinstance(data, list):
            raise TypeError("tuple wants a list")
        if len(args) != len(data):
            raise TypeError("tuple of the wrong length")
        if plain:
            if any(type(v) is not a for a, v in zip(args, data)):
                raise TypeError(f"{args} wanted")
            return tuple(data)
        return tuple(_decoder(a)(item) for a, item in zip(args, data))

    return decode_tuple


def _sequence_decoder(origin: Any, item_hint: Any) -> Callable[[Any], Any]:
    plain = item_hint in _PLAIN

    def decode_sequence(data: Any) -> Any:
        if not isinstance(data, list):
            raise TypeError(f"{origin.__name__} wants a list")
        if plain:
            if not set(map(type, data)) <= {item_hint}:  # every item checked, at C speed
                raise TypeError(f"{item_hint.__name__} items wanted")
            return origin(data)
        item = _decoder(item_hint)
        return origin([item(value) for value in data])

    return decode_sequence


def _dict_decoder(key_hint: Any, value_hint: Any) -> Callable[[Any], Any]:
    def decode_dict(data: Any) -> Any:
        if not isinstance(data, dict):
            raise TypeError("dict wants a dict")
        key, value = _decoder(key_hint), _decoder(value_hint)
        return {key(k): value(v) for k, v in data.items()}

    return decode_dict


def _scalar_decoder(hint: type) -> Callable[[Any], Any]:
    def decode_scalar(data: Any) -> Any:
        if type(data) is not hint and not (hint is float and type(data) is int):
            raise TypeError(f"{hint.__name__} wanted, {type(data).__name__} found")
        return data

    return decode_scalar


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
