"""The ``migrator`` command line.

Imports of the engine happen inside the commands: ``migrator --version`` and ``--help`` should
not pay for LibCST, and nothing on the lint path imports openai.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from migrator import __version__

if TYPE_CHECKING:
    from migrator.config import Settings
    from migrator.engine import RunResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
F = TypeVar("F", bound=Callable[..., Any])


def _codes(ctx: click.Context, param: click.Parameter, value: Sequence[str]) -> tuple[str, ...]:
    """``--select MIG001,MIG002 --select MIG003`` -> ("MIG001", "MIG002", "MIG003")."""
    return tuple(code.strip().upper() for item in value for code in item.split(",") if code.strip())


def common_options(func: F) -> F:
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option(
            "--select",
            multiple=True,
            callback=_codes,
            metavar="CODES",
            help="Only report these codes or code prefixes (comma-separated).",
        ),
        click.option(
            "--ignore",
            multiple=True,
            callback=_codes,
            metavar="CODES",
            help="Do not report these codes or code prefixes (comma-separated).",
        ),
        click.option(
            "--snapshot",
            type=click.Choice(["auto", "always", "never"]),
            help="Pin targets to dated snapshots: auto keeps the source's choice "
            "(default), always pins, never uses the alias.",
        ),
        click.option(
            "--config",
            "config_path",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Config file (default: nearest pyproject.toml with [tool.migrator]).",
        ),
        click.option(
            "--rules",
            "rules_path",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Rule file to use instead of the bundled gpt-4.1 rule set.",
        ),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
            help="Output format.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary."),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            help="Worker processes (default: one per CPU; small runs stay in one process).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="migrator")
def main() -> None:
    """Move Python code off OpenAI's retiring models (gpt-4o, gpt-4o-mini, gpt-4.5-preview)."""


@main.command()
@common_options
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
def lint(exit_zero: bool, **options: Any) -> None:
    """Report retiring model IDs and what would break after the move."""
    from migrator.engine import Mode

    result = _run(Mode.LINT, options, unsafe_fixes=None)
    _report(result, options["output_format"], options["quiet"])
    if result.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if result.findings and not exit_zero else EXIT_OK)


@main.command()
@common_options
@click.option("--diff", is_flag=True, help="Print a unified diff of the fixes; write nothing.")
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    default=None,
    help="Also apply fixes that can change behaviour (dict keys, comparisons ...).",
)
def fix(diff: bool, unsafe_fixes: bool | None, **options: Any) -> None:
    """Rewrite retiring model IDs in place (safe fixes only, unless --unsafe-fixes)."""
    from migrator.engine import Mode

    result = _run(Mode.DIFF if diff else Mode.FIX, options, unsafe_fixes=unsafe_fixes)
    if diff:
        click.echo("".join(result.diffs), nl=False)
    _report(result, options["output_format"], options["quiet"], to_stderr=diff)
    if result.errors:
        sys.exit(EXIT_ERROR)
    pending = diff and bool(result.diffs)
    sys.exit(EXIT_FINDINGS if result.findings or pending else EXIT_OK)


def _run(mode: Any, options: dict[str, Any], unsafe_fixes: bool | None) -> RunResult:
    from migrator.engine import run

    settings = _settings(options, unsafe_fixes)
    paths = list(options["paths"]) or [Path(".")]
    return run(paths, settings, mode, jobs=options["jobs"])


def _settings(options: dict[str, Any], unsafe_fixes: bool | None) -> Settings:
    from migrator.config import ConfigError, load_settings

    try:
        return load_settings(
            options["config_path"],
            snapshot=options["snapshot"],
            select=options["select"] or None,
            ignore=options["ignore"],
            unsafe_fixes=unsafe_fixes,
            rules_path=options["rules_path"],
        )
    except ConfigError as exc:
        click.echo(f"migrator: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)


def _report(result: RunResult, output_format: str, quiet: bool, to_stderr: bool = False) -> None:
    from migrator.formats import FORMATS
    from migrator.formats.text import summary

    if output_format == "text" or not to_stderr:
        out = FORMATS[output_format](result)
        click.echo(out, nl=False, err=to_stderr)
    for error in result.errors:
        click.echo(f"{error.path}: error: {error.message}", err=True)
    if output_format == "text" and not quiet:
        click.echo(summary(result), err=to_stderr)
