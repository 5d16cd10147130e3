"""The cache's JSON codec: what it encodes comes back equal; anything else is a ValueError."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from migrator.cache_codec import decode, encode
from migrator.findings import FileError, Finding, Fix


@dataclass(frozen=True)
class Facts:
    names: tuple[str, ...] = ()
    groups: tuple[frozenset[str], ...] = ()
    links: tuple[tuple[int, str], ...] = ()
    cell: int | None = None


def test_findings_round_trip() -> None:
    finding = Finding("a.py", 1, 5, 1, 13, "MIG001", "m", Fix("'gpt-4.1'", False, "r", True), 3)
    plain = Finding("b.py", 2, 1, 2, 9, "MIG002", "n")
    for value in (finding, plain, FileError("c.py", "cannot read")):
        assert decode(type(value), encode(value)) == value
    assert decode(list[Finding], encode([finding, plain])) == [finding, plain]


def test_nested_tuples_and_frozensets_round_trip() -> None:
    facts = Facts(("a", "b"), (frozenset({"x", "y"}), frozenset()), ((0, "os"), (1, "pkg")), 2)
    assert decode(Facts, encode(facts)) == facts


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "text",
        {"path": "a.py"},  # not the list a dataclass is written as
        ["a.py", 1, 1, 1, 2, "C", "m"],  # missing fields
        ["a.py", "1", 1, 1, 2, "C", "m", None, None],  # a string where an int goes
        ["a.py", 1, 1, 1, 2, "C", "m", None, None, 1],  # a field the class does not have
        ["a.py", 1, 1, 1, 2, "C", "m", [1, True, "", False], None],  # a bad fix
        ["a.py", 1, 1, 1, 2, "C", "m", None, True],  # a bool where an int goes
    ],
)
def test_anything_else_is_a_value_error(data: object) -> None:
    with pytest.raises(ValueError):
        decode(Finding, data)


def test_union_annotations_read_on_every_python() -> None:
    # Python 3.9 cannot evaluate "int | None"; the codec reads it as Union[int, None].
    from migrator.cache_codec import _as_union

    assert _as_union("tuple[int | None, ...]") == "tuple[Union[int, None], ...]"
    assert _as_union("Fix | None") == "Union[Fix, None]"
