from __future__ import annotations

from pathlib import Path

from migrator.discovery import Missing, iter_paths


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def found(root: Path, *paths: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    return sorted(
        Path(p).resolve().relative_to(root).as_posix() if not isinstance(p, Missing) else "?"
        for p in iter_paths(list(paths) or [root], root=root, exclude=exclude)
    )


def test_walk_skips_tool_and_environment_directories(in_tmp: Path) -> None:
    touch(
        in_tmp,
        "a.py",
        "pkg/b.py",
        "pkg/c.txt",
        ".git/d.py",
        "node_modules/e.py",
        "build/f.py",
        "dist/g.py",
        "pkg/__pycache__/h.py",
        "env1/i.py",
        "stubs/j.pyi",
    )
    (in_tmp / "env1" / "pyvenv.cfg").write_text("home = /usr\n")
    assert found(in_tmp) == ["a.py", "pkg/b.py", "stubs/j.pyi"]


def test_gitignore_is_honoured_with_negation_and_nesting(in_tmp: Path) -> None:
    touch(in_tmp, "a.py", "gen/b.py", "gen/keep.py", "sub/c.py", "sub/d.py")
    (in_tmp / ".gitignore").write_text("gen/*\n!gen/keep.py\n")
    (in_tmp / "sub" / ".gitignore").write_text("d.py\n")
    assert found(in_tmp) == ["a.py", "gen/keep.py", "sub/c.py"]


def test_config_exclude(in_tmp: Path) -> None:
    touch(in_tmp, "a.py", "migrations/0001.py", "tests/t.py")
    assert found(in_tmp, exclude=("migrations/", "t.py")) == ["a.py"]


def test_explicit_file_is_always_checked(in_tmp: Path) -> None:
    touch(in_tmp, "build/gen.py", "script")
    (in_tmp / ".gitignore").write_text("build/\n")
    assert found(in_tmp, in_tmp / "build" / "gen.py", in_tmp / "script") == [
        "build/gen.py",
        "script",
    ]


def test_missing_path_is_reported(in_tmp: Path) -> None:
    [item] = iter_paths([in_tmp / "nope.py"], root=in_tmp)
    assert isinstance(item, Missing)


def test_symlinks_are_not_followed_by_the_walk(in_tmp: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    touch(outside, "secret.py")
    touch(in_tmp, "a.py")
    (in_tmp / "link.py").symlink_to(outside / "secret.py")
    (in_tmp / "linkdir").symlink_to(outside)
    assert found(in_tmp) == ["a.py"]
