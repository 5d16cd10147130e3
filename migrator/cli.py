"""The ``migrator`` command line.

Imports of the engine happen inside the commands: ``migrator --version`` and ``--help`` should
not pay for LibCST, and nothing on the lint path imports openai.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from migrator import __version__

if TYPE_CHECKING:
    from migrator.config import Settings
    from migrator.config_tree import ConfigTree
    from migrator.engine import RunResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# Kept here rather than read from migrator.formats, which would import the engine at start-up;
# tests/test_formats.py checks that the two agree.
FORMAT_NAMES = ("text", "json", "github", "sarif", "junit")
F = TypeVar("F", bound=Callable[..., Any])


def _codes(ctx: click.Context, param: click.Parameter, value: Sequence[str]) -> tuple[str, ...]:
    """``--select MIG001,MIG002 --select MIG003`` -> ("MIG001", "MIG002", "MIG003")."""
    return tuple(code.strip().upper() for item in value for code in item.split(",") if code.strip())


# Shared by lint, fix and verify.
CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file (default: nearest pyproject.toml with [tool.migrator]).",
)
RULES_OPTION = click.option(
    "--rules",
    "rules_path",
    metavar="NAME|PATH",
    help="Rule set: a bundled name (see 'migrator rules --sets') or a path to a rule file "
    "(a .toml file); default: the config's rules key, else the bundled default.",
)
TODAY_OPTION = click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="The day shutdown dates are seen from (default: $MIGRATOR_TODAY, else the clock).",
)


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
        CONFIG_OPTION,
        RULES_OPTION,
        TODAY_OPTION,
        click.option(
            "--output-format",
            "--format",
            "output_format",
            type=click.Choice(FORMAT_NAMES),
            default="text",
            show_default=True,
            help="Output format (--format is the same option).",
        ),
        click.option(
            "--output-file",
            "-o",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Write the report to this file instead of standard output.",
        ),
        click.option(
            "--stdin-filename",
            metavar="PATH",
            help="Read the source from standard input and check it as this file (for "
            "editors); with fix, print the fixed source.",
        ),
        click.option(
            "--baseline",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Report only findings not recorded in this baseline file.",
        ),
        click.option(
            "--write-baseline",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Record the findings in this baseline file (then exit 0).",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary."),
        click.option(
            "--statistics",
            is_flag=True,
            help="Print the number of findings per code instead of the findings.",
        ),
        click.option(
            "--force-exclude/--no-force-exclude",
            default=None,
            help="Apply exclude (and the rest of a walk's file selection) to files named on "
            "the command line too, as pre-commit names them (default: from the config).",
        ),
        click.option(
            "--include-recorded",
            is_flag=True,
            help="Also report model IDs in recorded data (cassettes, recorded responses, "
            "results, generated specs); they are never rewritten.",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            help="Worker processes (default: one per CPU; small runs stay in one process).",
        ),
        click.option(
            "--no-cache",
            "-n",
            is_flag=True,
            help="Neither read nor write the cache (also: MIGRATOR_NO_CACHE=1).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="migrator")
def main() -> None:
    """Move code off OpenAI's retiring models, as a rule set maps them ('migrator rules --sets')."""


@main.command()
@common_options
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option(
    "--include-docs",
    is_flag=True,
    help="Also report model IDs in fenced Python blocks of Markdown and reST files.",
)
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Add '# noqa: MIGxxx' to each Python line with a finding (notebooks and data "
    "files: use --write-baseline).",
)
def lint(exit_zero: bool, add_noqa: bool, **options: Any) -> None:
    """Report retiring model IDs and what would break after the move."""
    from migrator.engine import Mode

    if add_noqa and (options["stdin_filename"] or options["write_baseline"]):
        raise click.UsageError(
            "--add-noqa writes files: not with --stdin-filename or --write-baseline"
        )
    result, _ = _run(Mode.LINT, options, unsafe_fixes=None)
    if _baseline(result, options):
        sys.exit(EXIT_ERROR if result.errors else EXIT_OK)
    if add_noqa:
        _add_noqa(result)
    _report(result, options)
    if result.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if result.findings and not exit_zero else EXIT_OK)


def _add_noqa(result: RunResult) -> None:
    """Write the comments; what is left to report is what could not take one."""
    from migrator.add_noqa import add_noqa

    added = add_noqa(result.findings)
    result.errors.extend(added.errors)
    left = [f for f in added.left if not any(e.path == f.path for e in added.errors)]
    files = sorted({f.path for f in left})
    for path in files:
        click.echo(
            f"{path}: no noqa comment added (a notebook or data file, or no line that can take "
            "one): record its findings with --write-baseline",
            err=True,
        )
    plural = "" if added.directives == 1 else "s"
    files_plural = "" if added.files == 1 else "s"
    click.echo(
        f"Added {added.directives} noqa directive{plural} to {added.files} file{files_plural}.",
        err=True,
    )
    result.findings = added.left


@main.command()
@common_options
@click.option("--diff", is_flag=True, help="Print a unified diff of the fixes; write nothing.")
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    default=None,
    help="Also apply fixes that can change behaviour (dict keys, comparisons ...).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are left.")
@click.option(
    "--exit-non-zero-on-fix",
    is_flag=True,
    help="Exit 1 when a file was rewritten, even if nothing is left to report.",
)
@click.option(
    "--allow-dirty",
    is_flag=True,
    help="Rewrite files that have unstaged changes in git (mixing your edits with the fixes).",
)
def fix(
    diff: bool,
    unsafe_fixes: bool | None,
    exit_zero: bool,
    exit_non_zero_on_fix: bool,
    allow_dirty: bool,
    **options: Any,
) -> None:
    """Rewrite retiring model IDs in place (safe fixes only, unless --unsafe-fixes).

    In a git work tree, a file with unstaged changes is not rewritten (stage or stash them,
    or pass --allow-dirty).
    """
    from migrator.engine import Mode

    mode = Mode.DIFF if diff else Mode.FIX
    result, fixed = _run(mode, options, unsafe_fixes=unsafe_fixes, allow_dirty=allow_dirty)
    if _baseline(result, options):
        sys.exit(EXIT_ERROR if result.errors else EXIT_OK)
    if diff:
        # Bytes: each file's hunks in its own encoding, as git apply needs them.
        click.echo(b"".join(result.diffs), nl=False)
    elif fixed is not None:  # --stdin-filename: the fixed source, for the editor to take
        sys.stdout.flush()
        sys.stdout.buffer.write(fixed)
        sys.stdout.buffer.flush()
    _report(result, options, to_stderr=diff or fixed is not None)
    if result.errors:
        sys.exit(EXIT_ERROR)
    # As Ruff: --exit-zero wins over the findings, --exit-non-zero-on-fix over --exit-zero.
    pending = diff and bool(result.diffs)
    changed = exit_non_zero_on_fix and bool(result.changed_files)
    left = (bool(result.findings) or pending) and not exit_zero
    sys.exit(EXIT_FINDINGS if left or changed else EXIT_OK)


def _run(
    mode: Any, options: dict[str, Any], unsafe_fixes: bool | None, allow_dirty: bool = False
) -> tuple[RunResult, bytes | None]:
    """The run's result, and with --stdin-filename the source as fixed (else None)."""
    from migrator.discovery import Problem
    from migrator.engine import Mode, check_stdin, run
    from migrator.interrupts import handle_signals
    from migrator.progress import progress
    from migrator.run_cache import enabled as caching

    if options["statistics"] and options["output_format"] not in ("text", "json"):
        raise click.UsageError("--statistics works with --format text or json")
    if options["baseline"] and options["write_baseline"]:
        raise click.UsageError("give --baseline or --write-baseline, not both")
    settings = _settings(options, unsafe_fixes)
    configs = _config_tree(settings, options, unsafe_fixes)
    if options["stdin_filename"]:
        if options["paths"]:
            raise click.UsageError("--stdin-filename reads standard input: give no paths")
        source = sys.stdin.buffer.read()
        chosen = configs.for_file(options["stdin_filename"])  # its nearest config, as a file's
        if isinstance(chosen, Problem):
            click.echo(f"migrator: error: {chosen.path}: {chosen.message}", err=True)
            sys.exit(EXIT_ERROR)
        result, fixed = check_stdin(source, options["stdin_filename"], chosen, mode)
        return result, fixed if mode is Mode.FIX else None
    paths = list(options["paths"]) or [Path(".")]
    try:
        with handle_signals(), progress(enabled=not options["quiet"]) as on_file:
            result = run(
                paths,
                settings,
                mode,
                allow_dirty=allow_dirty,
                on_file=on_file,
                jobs=options["jobs"],
                configs=configs,
                cache=caching(options["no_cache"]),
            )
            return result, None
    except KeyboardInterrupt as exc:  # SIGINT or SIGTERM: no file is left half-written
        # Only a fix writes: lint and --diff have nothing to say about files.
        note = "; each file is either fully fixed or untouched" if mode is Mode.FIX else ""
        click.echo(f"migrator: interrupted{note}", err=True)
        sys.exit(128 + getattr(exc, "signum", signal.SIGINT))


def _overrides(options: dict[str, Any], unsafe_fixes: bool | None) -> dict[str, Any]:
    """The command line's settings, applied over every config file."""
    return {
        "snapshot": options["snapshot"],
        "select": options["select"] or None,
        "ignore": options["ignore"],
        "unsafe_fixes": unsafe_fixes,
        "rules_path": options["rules_path"],
        "include_docs": bool(options.get("include_docs")),
        "force_exclude": options.get("force_exclude"),
        "include_recorded": bool(options.get("include_recorded")),
        "today": options.get("today"),
        "check_retired": options.get("check_retired", True),
    }


def _baseline(result: RunResult, options: dict[str, Any]) -> bool:
    """Apply --baseline to ``result``; do --write-baseline (then True: the run is done)."""
    if not (options["write_baseline"] or options["baseline"]):
        return False
    from migrator.baseline import BaselineError, new_findings, write

    try:
        if options["write_baseline"]:
            n = write(options["write_baseline"], result.findings)
            for error in result.errors:
                click.echo(f"{error.path}: error: {error.message}", err=True)
            plural = "finding" if n == 1 else "findings"
            click.echo(f"Recorded {n} {plural} in {options['write_baseline']}.", err=True)
            return True
        if options["baseline"]:
            result.findings, known = new_findings(options["baseline"], result.findings)
            if known and not options["quiet"]:
                plural = "finding" if known == 1 else "findings"
                click.echo(f"{known} {plural} in the baseline not shown.", err=True)
    except BaselineError as exc:
        click.echo(f"migrator: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    return False


def _settings(options: dict[str, Any], unsafe_fixes: bool | None) -> Settings:
    from migrator.config import ConfigError, load_settings

    try:
        return load_settings(options["config_path"], **_overrides(options, unsafe_fixes))
    except ConfigError as exc:
        click.echo(f"migrator: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)


def _config_tree(
    settings: Settings, options: dict[str, Any], unsafe_fixes: bool | None
) -> ConfigTree:
    """Each file's nearest [tool.migrator] table, as Ruff does; --config overrides them all."""
    from migrator.config_tree import ConfigTree

    if options["config_path"] is not None:
        return ConfigTree(settings)
    return ConfigTree(settings, _overrides(options, unsafe_fixes))


def _report(result: RunResult, options: dict[str, Any], to_stderr: bool = False) -> None:
    if options["output_file"] is None:
        _write_report(result, options, to_stderr, None)
        return
    path: Path = options["output_file"]
    try:
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as handle:
            _write_report(result, options, False, handle)
    except OSError as exc:
        click.echo(f"migrator: error: {path}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)


def _write_report(
    result: RunResult, options: dict[str, Any], to_stderr: bool, file: Any | None
) -> None:
    """The findings (and, as text, the summary) to stdout, stderr or ``file``; errors and
    warnings always to stderr."""
    from migrator.colour import use_colour
    from migrator.engine import Mode
    from migrator.formats import FORMATS, fix_summary, statistics, text
    from migrator.lifecycle import shutdown_note
    from migrator.shown_paths import printable

    output_format, quiet = options["output_format"], options["quiet"]
    colour = file is None and use_colour(sys.stderr if to_stderr else sys.stdout)
    if output_format == "text" or not to_stderr:
        if options["statistics"]:
            out = statistics.render(result, output_format)
        elif output_format == "text":
            out = text.render(result, colour=colour)
        else:
            out = FORMATS[output_format](result)
        click.echo(out, nl=False, err=to_stderr, color=colour, file=file)
    for error in result.errors:
        click.echo(f"{printable(error.path)}: error: {error.message}", err=True)
    for warning in result.warnings:
        click.echo(f"{printable(warning.path)}: warning: {warning.message}", err=True)
    for notice in result.notices:
        click.echo(f"{printable(notice.path)}: {notice.message}", err=True)
    for remark in result.remarks:
        click.echo(f"migrator: warning: {remark}", err=True)
    if result.recorded and output_format == "json" and not quiet:
        # The JSON array holds findings only; the count goes where the summary would.
        click.echo(f"migrator: {text.recorded_line(result)}", err=True)
    note = shutdown_note(result.target_shutdowns)
    if output_format == "text" and not quiet:
        click.echo(text.summary(result), err=to_stderr, file=file)
        if result.mode is not Mode.LINT:
            click.echo(fix_summary.details(result), nl=False, err=to_stderr, file=file)
        if note:
            click.echo(note, err=to_stderr, file=file)
    elif output_format == "json" and note:
        # The array holds findings only (each MIG001 one carries its target_shutdown); the
        # run-wide note goes where the other notes of a run go.
        click.echo(note, err=True)


@main.command()
@click.option("--sets", is_flag=True, help="List the bundled rule sets instead.")
@click.option(
    "--dates",
    is_flag=True,
    help="List every model of the active rule set by shutdown date instead (past ones marked).",
)
@CONFIG_OPTION
@RULES_OPTION
@TODAY_OPTION
def rules(
    sets: bool,
    dates: bool,
    config_path: Path | None,
    rules_path: str | None,
    today: str | None,
) -> None:
    """List every check: code, name, fix safety and summary."""
    if sets:
        from migrator.rule_sets import sets_table
        from migrator.ruleset import RuleSetError

        try:
            click.echo(sets_table(), nl=False)
        except RuleSetError as exc:  # a broken bundled file: say which
            click.echo(f"migrator: error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        return
    settings = _plain_settings(config_path, rules_path, today=today)
    if dates:
        from migrator.rule_sets import dates_table

        click.echo(dates_table(settings.ruleset), nl=False)
        return
    from migrator.checks import all_rules
    from migrator.explain import rules_table

    family = settings.ruleset.display_name
    click.echo(rules_table([rule.for_family(family) for rule in all_rules()]), nl=False)


@main.command()
@click.argument("code")
@CONFIG_OPTION
@RULES_OPTION
def explain(code: str, config_path: Path | None, rules_path: str | None) -> None:
    """Describe a code such as MIG001, with flagged and clean examples."""
    from migrator.codes import known_codes

    wanted = code.strip().upper()
    if wanted not in known_codes():  # told from the table, without importing the checks
        known = ", ".join(known_codes())
        click.echo(f"migrator: error: unknown code {code!r} (known: {known})", err=True)
        sys.exit(EXIT_ERROR)
    from migrator.checks import rule_by_code
    from migrator.explain import explain as describe

    rule = rule_by_code(wanted)
    assert rule is not None, "tests/test_codes.py: the table and the checks agree"
    settings = _plain_settings(config_path, rules_path)
    click.echo(describe(rule.for_family(settings.ruleset.display_name)), nl=False)


def _plain_settings(
    config_path: Path | None,
    rules_path: str | None,
    *,
    today: str | None = None,
    snapshot: str | None = None,
) -> Settings:
    """The settings of a command that checks no files (rules, explain, verify). It moves no
    code, so a mapping to a target that has shut down is reported on, not refused."""
    return _settings(
        {
            "config_path": config_path,
            "snapshot": snapshot,
            "select": (),
            "ignore": (),
            "rules_path": rules_path,
            "today": today,
            "check_retired": False,
        },
        unsafe_fixes=None,
    )


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--snapshot",
    type=click.Choice(["auto", "always", "never"]),
    help="Check the targets as this snapshot mode writes them (default: from the config).",
)
@CONFIG_OPTION
@RULES_OPTION
@TODAY_OPTION
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds to wait for the API.",
)
def verify(
    paths: tuple[Path, ...],
    snapshot: str | None,
    config_path: Path | None,
    rules_path: str | None,
    today: str | None,
    timeout: float,
) -> None:
    """Check that the API key (OPENAI_API_KEY) can use every model the migration moves to.

    Lists the models with the openai SDK (OPENAI_BASE_URL is honoured). Exit 0 when all
    targets are available, 1 when some are not, 2 when the models cannot be listed. Also
    reports each target's and each retiring model's (those the files under PATHS, default
    ".", still name) live shutdown date, flagging where it differs from the rule set's.
    """
    from migrator.redaction import redact
    from migrator.verify import (
        KEY_VARIABLE,
        LiveDate,
        VerifyError,
        active_targets,
        check_dates,
        check_targets,
        list_models,
        render,
        render_dates,
    )

    settings = _plain_settings(config_path, rules_path, today=today, snapshot=snapshot)
    targets = active_targets(settings.ruleset, settings.snapshot)
    dates: dict[str, LiveDate] = {}
    try:
        where, available = list_models(timeout, dates)
    except VerifyError as exc:
        # Redacted where raised; again here, so that no path can show the key.
        message = redact(str(exc), os.environ.get(KEY_VARIABLE, ""))
        click.echo(f"migrator: error: {message}", err=True)
        sys.exit(EXIT_ERROR)
    checks = check_targets(targets, available)
    click.echo(render(where, len(available), checks), nl=False)
    in_use = _models_in_use(settings, list(paths) or [Path(".")])
    date_checks = check_dates(settings.ruleset, targets, in_use, available, dates)
    click.echo(render_dates(date_checks, settings.calendar), nl=False)
    sys.exit(EXIT_OK if all(c.available for c in checks) else EXIT_FINDINGS)


def _models_in_use(settings: Settings, paths: list[Path]) -> list[str]:
    """The retiring models (MIG001/MIG002) the files under ``paths`` still name."""
    from dataclasses import replace

    from migrator.engine import Mode, run
    from migrator.verify import models_in_use

    scan = replace(settings, select=("MIG001", "MIG002"), ignore=())
    result = run(paths, scan, Mode.LINT)
    return models_in_use((f.message for f in result.findings), settings.ruleset)
