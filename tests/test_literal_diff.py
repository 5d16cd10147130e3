"""The comparison the property tests and the ecosystem check rely on must catch every change."""

from __future__ import annotations

import pytest

from migrator.literal_diff import LiteralChange, NotOnlyLiterals, changed_literals

OLD = b'# c\nA = ("gpt-4o",  # keep\n     B)\r\nC = b"x"\n'


def test_literal_changes_are_listed() -> None:
    new = OLD.replace(b'"gpt-4o"', b'"gpt-4.1"').replace(b'b"x"', b'b"y"')
    assert changed_literals(OLD, new) == [
        LiteralChange(2, 6, '"gpt-4o"', '"gpt-4.1"'),
        LiteralChange(4, 5, 'b"x"', 'b"y"'),
    ]
    assert changed_literals(OLD, OLD) == []


@pytest.mark.parametrize(
    "new",
    [
        OLD.replace(b"# keep", b"# kept"),  # a comment
        OLD.replace(b"     B", b"    B"),  # whitespace inside brackets
        OLD.replace(b"\r\n", b"\n"),  # a line ending
        OLD.replace(b"B)", b"D)"),  # a name
        OLD.replace(b'"gpt-4o",', b'"gpt-4o"'),  # a token less
        b"\xef\xbb\xbf" + OLD,  # a BOM
        b"\x0c" + OLD,  # a form feed
        OLD + b"\n",  # a trailing newline
    ],
)
def test_any_other_change_is_caught(new: bytes) -> None:
    with pytest.raises(NotOnlyLiterals):
        changed_literals(OLD, new.replace(b'"gpt-4o"', b'"gpt-4.1"'))
