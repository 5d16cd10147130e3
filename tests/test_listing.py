"""A walk that reuses what earlier walks found lists exactly what a fresh walk lists, whatever
changed in between; and when nothing did, it lists no directory again."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from migrator import discovery
from migrator.discovery import iter_paths
from migrator.listing import Listing

AN_HOUR_AGO = time.time_ns() - 3600 * 10**9

TREE = {
    "app.py": "",
    "pkg/__init__.py": "",
    "pkg/core.py": "",
    "pkg/sub/deep.py": "",
    "pkg/sub/more/deeper.py": "",
    "other/x.py": "",
    "other/data.txt": "",
    ".gitignore": "ignored/\n",
    "ignored/skipped.py": "",
}


def _walked_tree(tmp_path: Path) -> tuple[Path, object]:
    """TREE, at rest, and what a first walk of it leaves for the next one."""
    root = tmp_path / "tree"
    for name, text in TREE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    _aged(root)
    return root, _kept(root)


def _aged(root: Path) -> None:
    """Old enough for every directory's mtime to be trusted (as a tree at rest is)."""
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(AN_HOUR_AGO, AN_HOUR_AGO))


def _walk(root: Path, listing: Listing | None = None) -> list[str]:
    return [str(p) for p in iter_paths([root], root=root, listing=listing)]


def _kept(root: Path) -> object:
    """What a first walk leaves for the next one."""
    listing = Listing()
    _walk(root, listing)
    return listing.to_value()


def _touch_keeping_parent(path: Path, text: str) -> None:
    """Edit a file in place: its directory's mtime stays as it was."""
    before = path.parent.stat()
    path.write_text(text)
    os.utime(path.parent, ns=(before.st_atime_ns, before.st_mtime_ns))


CHANGES: dict[str, Callable[[Path], None]] = {
    "a new file deep down": lambda root: (root / "pkg/sub/more/new.py").write_text(""),
    "a deleted file": lambda root: (root / "pkg/sub/deep.py").unlink(),
    "a new directory": lambda root: (
        (root / "pkg/sub/fresh").mkdir() or (root / "pkg/sub/fresh/f.py").write_text("")
    ),
    "a new .gitignore that ignores files further down": lambda root: (
        root / "pkg/.gitignore"
    ).write_text("deeper.py\n"),
    "a .gitignore edited in place": lambda root: _touch_keeping_parent(
        root / ".gitignore", "ignored/\npkg/sub/\n"
    ),
    "a .gitignore unignoring in place": lambda root: _touch_keeping_parent(root / ".gitignore", ""),
    "a virtualenv made of a package": lambda root: (root / "pkg/sub/pyvenv.cfg").write_text(""),
    "a file made a directory": lambda root: (
        (root / "other/x.py").unlink() or (root / "other/x.py").mkdir()
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_walk_from_the_listing_finds_what_a_fresh_walk_finds(tmp_path: Path, change: str) -> None:
    root, kept = _walked_tree(tmp_path)
    CHANGES[change](root)
    assert _walk(root, Listing.from_value(kept)) == _walk(root)


def test_an_unchanged_tree_is_not_listed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, kept = _walked_tree(tmp_path)
    listed: list[str] = []
    real = os.scandir

    def scandir(path: str) -> object:
        listed.append(path)
        return real(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    assert _walk(root, Listing.from_value(kept)) == _walk(root)
    fresh = len(listed) // 2
    listed.clear()
    _walk(root, Listing.from_value(kept))
    assert fresh > 0 and listed == []
    # One new file: its directory alone is listed again.
    (root / "pkg/sub/more/new.py").write_text("")
    _walk(root, Listing.from_value(kept))
    assert listed == [str(root / "pkg/sub/more")]


def test_a_directory_changed_just_now_is_not_recorded(tmp_path: Path) -> None:
    # Its mtime cannot tell this version from one a moment later (git's racy entries).
    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/a.py").write_text("")
    listing = Listing()
    _walk(root, listing)
    assert listing.to_value() == {"dirs": {}, "watched": {}}


def test_a_listing_that_is_not_one_is_empty() -> None:
    for value in (None, [], {"dirs": []}, {"dirs": {}, "watched": 3}, "x"):
        assert Listing.from_value(value).to_value() == {"dirs": {}, "watched": {}}
