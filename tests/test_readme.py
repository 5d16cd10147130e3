"""Every snippet in the README is one that works, as far as can be checked offline.

Shell: each `migrator` command names an existing subcommand and only flags its --help lists; each
install command installs what exists (this repository: the distribution `model-migrator` is not
on PyPI, and `pip install migrator` is another project). YAML and TOML parse; the pre-commit
snippet validates against this repository's hooks and its `rev` is one pre-commit resolves; the
workflow snippet passes only inputs action.yml declares; config snippets load. Links resolve.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from migrator import tomlcompat as tomllib
from migrator.cli import main
from migrator.config import load_settings
from tests.gitrepo import git, init_repo, isolate_git
from tests.test_precommit import snapshot_of_working_tree

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
SETUP = [
    "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/migrator fix --diff "
    "fixtures/demo",
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest",
]
# What the snippets write for the repository migrator is installed from (README, Install).
REPO_URL = "https://github.com/your-org/migrator"


def blocks(text: str = README) -> list[tuple[str, str]]:
    """(language, body) of each fenced block; a fence opens only at the start of a line."""
    return [
        (m.group(1), m.group(2)) for m in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.M | re.S)
    ]


def of(language: str) -> list[str]:
    return [body for lang, body in blocks() if lang == language]


def shell_commands() -> list[list[str]]:
    """Each simple command of the sh blocks and of inline `migrator ...` code, as words."""
    lines = [line for body in of("sh") for line in body.splitlines()]
    lines += re.findall(r"`(migrator [^`]*)`", README)
    commands = []
    for line in lines:
        line = re.sub(r"\s+#.*$", "", line)  # a comment
        for part in re.split(r"&&|\|\||[|;]", line):
            words = shlex.split(part)
            if words:
                commands.append(words)
    return commands


@cache
def flags_of(command: str) -> frozenset[str]:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, f"migrator {command}: no such command"
    return frozenset(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", result.output))


def test_the_two_set_up_commands_come_first_and_unchanged() -> None:
    language, body = blocks()[0]
    assert language == "sh"
    assert body.splitlines() == SETUP
    assert README.index("```") < README.index("\n## ")  # before any section
    assert SETUP[1] in (ROOT / ".ci" / "run").read_text()  # CI runs it verbatim


def test_migrator_commands_use_existing_subcommands_and_flags() -> None:
    checked = 0
    for words in shell_commands():
        # migrator itself (all-repos-migrator's flags: tests/test_all_repos.py)
        if not (words[0] == "migrator" or words[0].endswith("/migrator")):
            continue
        command = next((w for w in words[1:] if not w.startswith("-")), None)
        if command is None:  # `migrator --version`
            assert set(words[1:]) <= {"--version", "--help"}, words
            continue
        flags = flags_of(command)
        for word in words[1:]:
            if word.startswith("-"):
                assert word.split("=")[0] in flags, f"{' '.join(words)}: no {word}"
        checked += 1
    assert checked >= 15


def test_install_commands_install_what_exists() -> None:
    installs = [w for w in shell_commands() if w[0].endswith(("pip", "pipx")) and "install" in w]
    installs += [
        shlex.split(line.strip().removeprefix("- ").removeprefix("run: "))
        for body in of("yaml")
        for line in body.splitlines()
        if "pip install" in line
    ]
    assert len(installs) >= 5
    for words in installs:
        targets = [w for w in words[words.index("install") + 1 :] if not w.startswith("-")]
        assert targets, words
        for target in targets:
            from_here = target in (".", ".[dev]", ".[test]")
            from_git = target.startswith(f"git+{REPO_URL}") or target.startswith(
                f"model-migrator @ git+{REPO_URL}"
            )
            assert from_here or from_git, f"{' '.join(words)}: installs {target!r}"
    # The unrelated project is named as such, never installed.
    assert "`pip install migrator` installs an unrelated project" in README
    assert not re.search(r"pip install (model-)?migrator\b(?! installs)", README.replace("`", ""))


def test_yaml_snippets_parse() -> None:
    snippets = of("yaml")
    assert len(snippets) >= 4
    for body in snippets:
        yaml.safe_load(body)


def test_toml_snippets_parse_and_config_ones_load(tmp_path: Path) -> None:
    snippets = of("toml")
    assert snippets
    for n, body in enumerate(snippets):
        data = tomllib.loads(body)
        if "migrator" in data.get("tool", {}):
            path = tmp_path / str(n) / "pyproject.toml"
            path.parent.mkdir()
            path.write_text(body)
            load_settings(path)  # unknown keys or models would raise ConfigError


def precommit_snippet() -> str:
    [body] = [b for b in of("yaml") if b.startswith("repos:")]
    return body


def test_precommit_snippet_names_this_repositorys_hooks() -> None:
    config = yaml.safe_load(precommit_snippet())
    [repo] = config["repos"]
    assert repo["repo"] == REPO_URL
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    ids = {hook["id"] for hook in hooks}
    assert {hook["id"] for hook in repo["hooks"]} <= ids
    for hook_id in ids:
        assert f"`{hook_id}`" in README  # every hook is described


@pytest.mark.slow  # clones: a few seconds
def test_precommit_snippet_validates_and_its_rev_is_one_pre_commit_resolves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the URL pointing at a copy of this repository, the snippet is a valid config, and
    `pre-commit autoupdate` (as the README says) writes a rev that exists: the newest commit,
    then the latest tag once there is one."""
    isolate_git(monkeypatch)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "home"))
    hooks = init_repo(tmp_path / "migrator")
    head = snapshot_of_working_tree(hooks)
    project = init_repo(tmp_path / "project")
    config = project / ".pre-commit-config.yaml"
    config.write_text(precommit_snippet().replace(REPO_URL, str(hooks)))

    def pre_commit(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "pre_commit", *args],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    pre_commit("validate-config", str(config))
    pre_commit("validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"))
    pre_commit("autoupdate")
    assert yaml.safe_load(config.read_text())["repos"][0]["rev"] == head
    git(hooks, "tag", "v0.1.0")
    pre_commit("autoupdate")
    assert yaml.safe_load(config.read_text())["repos"][0]["rev"] == "v0.1.0"


def test_workflow_snippet_uses_only_the_actions_inputs() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    workflows = [yaml.safe_load(b) for b in of("yaml") if b.startswith("name:")]
    uses = [
        step
        for workflow in workflows
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("your-org/migrator@")
    ]
    assert uses
    for step in uses:
        assert set(step.get("with", {})) <= set(action["inputs"])


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@pytest.mark.parametrize(
    "doc",
    [
        "README.md",
        "CHANGELOG.md",
        "docs/design.md",
        "docs/performance.md",
        "docs/benchmark.md",
        "docs/extending.md",
        "docs/next-migration.md",
    ],
)
def test_links_resolve(doc: str) -> None:
    path = ROOT / doc
    text = path.read_text()
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://")):
            continue
        file, _, fragment = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        assert linked.exists(), f"{doc}: {target}"
        if fragment:
            headings = re.findall(r"^#+ (.*)$", linked.read_text(), re.M)
            assert fragment in {anchor(h) for h in headings}, f"{doc}: {target}"


def test_internals_live_in_docs() -> None:
    for name in ("design", "performance", "benchmark"):
        assert f"docs/{name}.md" in README
    for heading in ("## Performance", "## Benchmarks", "**Bytes screen.**", "**Ecosystem check.**"):
        assert heading not in README
    order = [
        "## Install",
        "### Pre-commit hook",
        "### One-off repository rewrite",
        "### CI lint step",
        "## Configuration",
        "## Suppression",
        "## Exit codes",
        "## Rule reference",
    ]
    assert [README.index(h) for h in order] == sorted(README.index(h) for h in order)


def test_license_is_the_mit_text_pyproject_declares_and_the_changelog_has_unreleased() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": "MIT"}
    license_text = (ROOT / "LICENSE").read_text()
    assert license_text.startswith("MIT License\n\nCopyright (c) ")
    assert "migrator contributors" in license_text.splitlines()[2]
    assert "Permission is hereby granted, free of charge" in license_text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in license_text
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "https://keepachangelog.com/" in changelog
    sections = re.findall(r"^## \[([^\]]+)\]", changelog, re.M)
    assert sections[0] == "Unreleased"
    assert "CHANGELOG.md" in README
