"""An all-repos autofixer: ``migrator fix`` across every repository of an organisation.

Run as ``all-repos-migrator`` (or ``python -m migrator.all_repos``) with the usual all-repos
autofixer options (``-C all-repos.json``, ``--dry-run``, ``--jobs``, ``--repos`` ...). It
finds the cloned repositories that mention a retiring model ID (``git grep``), runs the fix in a
fresh clone of each, and commits on the branch ``all-repos_autofix_migrator`` with a message
that lists what was fixed and what is left for a person; the configured push (a pull request,
a branch, or ``all_repos.push.readonly``) takes it from there. A repository where the fix
changes nothing gets no commit.

all-repos commits every repository with one message; the message here is per repository, so
the commit step of ``autofix_lib.fix`` is done here, with its helpers.
"""

from __future__ import annotations

import argparse
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

try:
    from all_repos import autofix_lib, mapper
    from all_repos.config import Config
    from all_repos.grep import repos_matching
except ImportError:  # an optional extra: say how to get it rather than print a traceback
    raise SystemExit(
        "all-repos-migrator needs all-repos: pip install all-repos (or the all-repos extra)"
    ) from None

from migrator.config import ConfigError, load_settings
from migrator.engine import Mode, RunResult, run
from migrator.formats.fix_summary import left_reason
from migrator.ruleset import RuleSet

BRANCH = "migrator"
TITLE = "Move off OpenAI's retiring models (migrator fix)"
MAX_LISTED = 50  # findings left listed one by one in a commit message


def find_repos(config: Config) -> set[str]:
    """The cloned repositories whose tracked files mention a retiring model ID."""
    ids = sorted(RuleSet.load().sources)
    args: list[str] = ["-F"]
    for model in ids:
        args += ["-e", model]
    found: set[str] = repos_matching(config, args)
    return found


def apply_fix(unsafe_fixes: bool = False) -> RunResult:
    """``migrator fix`` on the current directory (a fresh clone), with its own config."""
    from migrator.config_tree import ConfigTree

    settings = load_settings(unsafe_fixes=unsafe_fixes or None)
    # Each file its nearest [tool.migrator] table, as the migrator command does.
    configs = ConfigTree(settings, {"unsafe_fixes": unsafe_fixes or None})
    return run([Path(".")], settings, Mode.FIX, jobs=1, configs=configs)


def commit_message(result: RunResult) -> str:
    """The title, then what was fixed per code and what is left, with the reason for each."""
    lines = [TITLE, ""]
    fixed = Counter(f.code for f in result.fixed)
    files = len(result.changed_files)
    count = len(result.fixed)
    lines.append(f"Fixed {_plural(count, 'finding')} in {_plural(files, 'file')}:")
    lines += [f"  {code}  {n}" for code, n in sorted(fixed.items())]
    errors = {e.path: e.message for e in result.errors}
    if result.findings:
        lines += ["", f"Left for a person ({len(result.findings)}):"]
        for finding in result.findings[:MAX_LISTED]:
            where = f"{finding.path}:{finding.cell_prefix}{finding.line}:{finding.column}"
            lines.append(f"  {where}: {finding.code} {finding.message}")
            lines.append(f"    ({left_reason(finding, errors)})")
        if len(result.findings) > MAX_LISTED:
            lines.append(f"  ... and {len(result.findings) - MAX_LISTED} more (migrator lint)")
    else:
        lines += ["", "Nothing left: 'migrator lint' is clean."]
    if result.errors:
        lines += ["", "Not checked or not written:"]
        lines += [f"  {e.path}: {e.message}" for e in result.errors]
    return "\n".join(lines) + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _fix_repo(
    repo: str,
    *,
    config: Config,
    author: str | None,
    settings: autofix_lib.AutofixSettings,
    unsafe_fixes: bool,
) -> None:
    """``autofix_lib._fix_inner`` with a message of this repository's own."""
    with autofix_lib.repo_context(repo, use_color=settings.color):
        branch_name = f"all-repos_autofix_{BRANCH}"
        autofix_lib.run("git", "checkout", "--quiet", "origin/HEAD", "-b", branch_name)
        try:
            result = apply_fix(unsafe_fixes)
        except ConfigError as exc:
            print(f"migrator: error: {exc}; repository skipped", flush=True)
            return
        diff = autofix_lib.run("git", "diff", "origin/HEAD", "--exit-code", check=False)
        if not diff.returncode:
            return  # nothing to do: no commit, no push
        message = commit_message(result)
        print(message, flush=True)
        if settings.interactive and not autofix_lib._interactive_check(use_color=settings.color):
            return
        command = ["git", "commit", "--quiet", "-a", "-m", message]
        if author:
            command += ["--author", author]
        autofix_lib.run(*command)
        if settings.dry_run:
            return
        config.push(config.push_settings, branch_name)


def fix(
    repos: Iterable[str],
    *,
    config: Config,
    author: str | None,
    settings: autofix_lib.AutofixSettings,
    unsafe_fixes: bool = False,
) -> None:
    repos = tuple(repos)[: settings.limit]
    func = functools.partial(
        _fix_repo, config=config, author=author, settings=settings, unsafe_fixes=unsafe_fixes
    )
    with mapper.process_mapper(settings.jobs) as do_map:
        mapper.exhaust(do_map(func, repos))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="all-repos-migrator",
        description="Run 'migrator fix' in every repository that mentions a retiring model.",
    )
    autofix_lib.add_fixer_args(parser)
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="Also apply unsafe fixes (see migrator fix)."
    )
    args: Any = parser.parse_args(argv)
    repos, config, commit, settings = autofix_lib.from_cli(
        args, find_repos=find_repos, msg=TITLE, branch_name=BRANCH
    )
    fix(
        repos,
        config=config,
        author=commit.author,
        settings=settings,
        unsafe_fixes=args.unsafe_fixes,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
