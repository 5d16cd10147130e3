"""The all-repos autofixer, end to end: local repositories as the source, read-only push."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import git, init_repo, isolate_git

pytest.importorskip("all_repos")
BIN = Path(sys.executable).parent

REPOS = {
    # fixed, with a site left for a person
    "one": {"app.py": 'MODEL = "gpt-4o"\nPRICES = {"gpt-4o-mini": 1}\n'},
    "two": {"app.py": "x = 1\n"},  # no model: not even cloned into a fix
    "three": {"voice.py": 'VOICE = "gpt-4o-audio-preview"\n'},  # nothing fix can do
    "four": {"bot.yaml": "model: gpt-4o\n", "app.py": 'M = "gpt-4o-mini"\n'},  # all fixed
}


def test_autofixer_commits_what_changed_and_lists_what_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch)
    sources = {}
    for name, files in REPOS.items():
        repo = init_repo(tmp_path / "src" / name)
        for file, text in files.items():
            (repo / file).write_text(text)
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "start")
        sources[name] = str(repo)
    (tmp_path / "repos.json").write_text(json.dumps(sources))
    config = tmp_path / "all-repos.json"
    config.write_text(
        json.dumps(
            {
                "output_dir": "output",
                "source": "all_repos.source.json_file",
                "source_settings": {"filename": "repos.json"},
                "push": "all_repos.push.readonly",
                "push_settings": {},
            }
        )
    )
    config.chmod(0o600)  # all-repos refuses a config others can read
    run = dict(cwd=tmp_path, capture_output=True, text=True)
    cloned = subprocess.run([BIN / "all-repos-clone", "-C", str(config)], **run)  # type: ignore[call-overload]
    assert cloned.returncode == 0, cloned.stderr

    done = subprocess.run([BIN / "all-repos-migrator", "-C", str(config)], **run)  # type: ignore[call-overload]
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "***Errored" not in out, out + done.stderr
    # Found by git grep: every repository naming a retiring model, and only those.
    # all-repos starts each repository with "***<output dir>/<name>".
    parts = re.split(r"^\*\*\*.*/output/(\w+)\n", out, flags=re.M)
    blocks = dict(zip(parts[1::2], parts[2::2]))
    assert set(blocks) == {"one", "three", "four"}
    # one: committed on the branch, with what changed and what is left.
    assert "$ git commit --quiet -a -m" in blocks["one"]
    assert "Fixed 1 finding in 1 file:\n  MIG001  1\n" in blocks["one"]
    assert (
        "Left for a person (1):\n  app.py:2:11: MIG001 'gpt-4o-mini' shuts down on 2027-01-14"
        in blocks["one"]
    )
    # The price table is a catalogue: its entry is shown with what to add, never rewritten.
    assert "fix shown, never applied: a model catalogue" in blocks["one"]
    # three: nothing fix can change, so no commit.
    assert "git commit" not in blocks["three"]
    # four: a data file too; nothing left.
    assert "Fixed 2 findings in 2 files:" in blocks["four"]
    assert "Nothing left: 'migrator lint' is clean." in blocks["four"]
    # The read-only push leaves the sources as they were.
    for name in REPOS:
        assert git(Path(sources[name]), "branch", "--list").strip() == "* main"


def test_the_readme_uses_the_autofixers_own_flags() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("## Org-wide campaigns", 1)[1].split("\n## ", 1)[0]
    usage = subprocess.run(
        [sys.executable, "-m", "migrator.all_repos", "--help"], capture_output=True, text=True
    )
    assert usage.returncode == 0, usage.stderr
    used = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", section))
    offered = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", usage.stdout))
    assert used - {"-e", "-m"} <= offered  # pip install -e, python -m
