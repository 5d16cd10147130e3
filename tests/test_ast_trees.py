"""One `ast` parse of a file's bytes for every reader within one read."""

from __future__ import annotations

import pytest

from migrator import ast_trees


def test_within_one_parse_the_same_bytes_are_parsed_once() -> None:
    source = b"x = 1\n"
    with ast_trees.one_parse():
        first = ast_trees.parse(source)
        assert ast_trees.parse(source) is first
        with ast_trees.one_parse():  # nested: the outer scope holds
            assert ast_trees.parse(source) is first
        other = b"y = 2\n"
        assert ast_trees.parse(other) is not first
        assert ast_trees.parse(other) is ast_trees.parse(other)


def test_outside_one_parse_nothing_is_kept() -> None:
    source = b"x = 1\n"
    with ast_trees.one_parse():
        kept = ast_trees.parse(source)
    assert ast_trees.parse(source) is not kept
    assert ast_trees.parse(source) is not ast_trees.parse(source)


def test_a_failed_parse_fails_again_for_the_next_reader() -> None:
    source = b"def (:\n"
    with ast_trees.one_parse():
        with pytest.raises(SyntaxError):
            ast_trees.parse(source)
        with pytest.raises(SyntaxError):
            ast_trees.parse(source)
    with pytest.raises((SyntaxError, ValueError)):  # a NUL byte (which one: by version)
        ast_trees.parse(b"x = 1\0\n")


def test_equal_bytes_of_another_read_are_parsed_again() -> None:
    # Kept by identity: a file read again (edited in between, or not) is parsed again.
    with ast_trees.one_parse():
        first = ast_trees.parse(bytes(bytearray(b"x = 1\n")))
        assert ast_trees.parse(bytes(bytearray(b"x = 1\n"))) is not first
