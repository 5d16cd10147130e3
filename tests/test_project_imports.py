"""What the project view reads of a module's imports: each as written, relative ones with their
dots, so that a value and its lookup in modules that import each other move together."""

from __future__ import annotations

from migrator.project.imports import imports


def test_imports_are_kept_as_written_with_one_dot_per_level() -> None:
    source = (
        b"import os, json as j\n"
        b"from . import models\n"
        b"from ..shared.registry import MODELS, lookup\n"
        b"    from pkg import (a,\n  b)\n"
        b"from x import *\n"
    )
    assert imports(source) == (
        "os",
        "json",
        ".models",
        "..shared.registry",
        "..shared.registry.MODELS",
        "..shared.registry.lookup",
        "pkg",
        "pkg.a",
        "pkg.b",
        "x",
    )


def test_a_parenthesised_import_is_read_whole_in_every_file() -> None:
    # Import lines are remembered by their bytes; one that runs on past its first line is not
    # known by that line alone.
    first = imports(b"from pkg import (a,\n    b)\n")
    second = imports(b"from pkg import (a,\n    c)\n")
    assert first == ("pkg", "pkg.a", "pkg.b")
    assert second == ("pkg", "pkg.a", "pkg.c")
    assert imports(b"  import os  # indented, with a comment\nimport os\n") == ("os",)
