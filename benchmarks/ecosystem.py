"""Ecosystem check: run ``migrator fix`` over real packages full of model IDs, prove no harm.

    python benchmarks/ecosystem.py [--cache DIR] [--keep] [PACKAGE ...]

Downloads the source distributions (the wheel where there is none, or where pip cannot prepare
the sdist's metadata offline, as for litellm's Rust build) of packages that name OpenAI models
everywhere, unpacks them into a cache (benchmarks/.ecosystem-cache, gitignored), and for
each package, on a fresh copy and once with safe fixes, once with ``--unsafe-fixes``:

- runs ``migrator lint --format json`` (findings per code), then
  ``migrator fix --format json`` (what is left);
- asserts no crash (exit 0, 1 or 2, no traceback, no internal error);
- asserts every changed file still parses (``ast`` and LibCST) and differs from the original
  only inside the string literals the fix rewrote (migrator.literal_diff, the comparison the
  property tests use);
- asserts a second ``fix`` of the changed files changes nothing (idempotent; fixing is
  deterministic, so an unchanged file cannot change on a second run);
- prints findings per code, files changed and files migrator reported as errors.

Exits 1 if any package crashed migrator, lost bytes or did not settle. Needs the network (PyPI)
on the first run only; not part of the test suite.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tokenize
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from migrator.literal_diff import NotOnlyLiterals, changed_literals

PACKAGES = [
    "openai",
    "litellm",
    "langchain-openai",
    "pydantic-ai-slim",  # pydantic-ai itself is a meta-package with no code
    "openai-agents",
    "dspy",
    "instructor",
]
DEFAULT_CACHE = Path(__file__).resolve().parent / ".ecosystem-cache"


@dataclass
class Report:
    package: str
    mode: str
    files: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    left: Counter[str] = field(default_factory=Counter)
    changed: int = 0
    fixed_literals: int = 0
    errors: list[str] = field(default_factory=list)  # files migrator reported it could not do
    problems: list[str] = field(default_factory=list)  # crashes, corruption, not idempotent
    seconds: float = 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("packages", nargs="*", default=PACKAGES)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--keep", action="store_true", help="keep the fixed copies (printed)")
    args = parser.parse_args()

    reports = []
    for package in args.packages:
        source = fetch(package, args.cache)
        for mode in ("safe", "unsafe"):
            report = check_package(package, source, mode, keep=args.keep)
            reports.append(report)
            print_report(report)
    print_summary(reports)
    return 1 if any(r.problems for r in reports) else 0


# -- download and unpack ----------------------------------------------------------------------


def fetch(package: str, cache: Path) -> Path:
    """The unpacked source of ``package``'s latest release (sdist if pip can get it, else wheel)."""
    downloads = cache / "downloads" / package
    if not downloads.exists() or not any(downloads.iterdir()):
        downloads.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d"]
        # --no-binary for the package only: its build backend may come as a wheel.
        done = subprocess.run([*pip, str(downloads), "--no-binary", package, package])
        if done.returncode != 0:  # no sdist: take the wheel
            subprocess.run([*pip, str(downloads), "--only-binary", ":all:", package], check=True)
    archive = sorted(downloads.iterdir())[-1]
    target = cache / "src" / archive.name
    if not target.exists():
        unpack(archive, target)
    return target


def unpack(archive: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as zipped:
            for name in zipped.namelist():
                _check_member(name)
            zipped.extractall(partial)
    else:
        with tarfile.open(archive) as tarred:
            for member in tarred.getmembers():
                _check_member(member.name)
            members = [m for m in tarred.getmembers() if m.isfile() or m.isdir()]
            tarred.extractall(partial, members=members)  # names checked above
    partial.rename(target)


def _check_member(name: str) -> None:
    parts = Path(name).parts
    if name.startswith(("/", "\\")) or ".." in parts:
        raise SystemExit(f"refusing archive member outside the target: {name}")


# -- one package ------------------------------------------------------------------------------


def check_package(package: str, source: Path, mode: str, *, keep: bool) -> Report:
    report = Report(package, mode)
    work = Path(tempfile.mkdtemp(prefix=f"ecosystem-{package}-"))
    tree = work / "tree"
    shutil.copytree(source, tree, symlinks=True)
    originals = {p: p.read_bytes() for p in sorted(tree.rglob("*.py")) if p.is_file()}
    report.files = len(originals)
    flags = ["--unsafe-fixes"] if mode == "unsafe" else []
    started = time.perf_counter()

    # On the copy: the cache sits under this repository's .gitignore, which would hide it all.
    lint = migrator(report, "lint", "--format", "json", "--exit-zero", ".", cwd=tree)
    if lint is not None:
        report.findings = Counter(f["code"] for f in json.loads(lint.stdout or "[]"))
    fixed = migrator(report, "fix", *flags, "--format", "json", ".", cwd=tree)
    if fixed is not None:
        report.left = Counter(f["code"] for f in json.loads(fixed.stdout or "[]"))
    current = {p: p.read_bytes() for p in originals}
    changed = {p: data for p, data in current.items() if data != originals[p]}
    for path, after in changed.items():
        report.changed += 1
        report.fixed_literals += verify_change(
            report, path.relative_to(tree), originals[path], after
        )

    # Fixing is deterministic, so only a file the first run changed could change again.
    if changed:
        names = [str(p.relative_to(tree)) for p in changed]
        migrator(report, "fix", *flags, *names, cwd=tree)
    for path, after in changed.items():
        if path.read_bytes() != after:
            report.problems.append(f"{path.relative_to(tree)}: a second fix changed it again")
    report.seconds = time.perf_counter() - started
    if keep:
        print(f"  fixed copy kept in {tree}")
    else:
        shutil.rmtree(work)
    return report


def migrator(report: Report, *args: str, cwd: Path) -> subprocess.CompletedProcess[str] | None:
    done = subprocess.run(
        [sys.executable, "-m", "migrator", *args], cwd=cwd, capture_output=True, text=True
    )
    if done.returncode not in (0, 1, 2) or "Traceback" in done.stderr:
        report.problems.append(f"migrator {' '.join(args)} crashed ({done.returncode}):")
        report.problems.append(done.stderr[-3000:])
        return None
    for line in done.stderr.splitlines():
        if ": error: " in line:
            if "internal error" in line:
                report.problems.append(line)
            elif args[0] == "fix" and line not in report.errors:
                report.errors.append(line)
    return done


def verify_change(report: Report, where: Path, before: bytes, after: bytes) -> int:
    """Check one rewritten file; the number of literals it changed."""
    try:
        ast.parse(after)
        cst.parse_module(after)
    except (SyntaxError, ValueError, cst.ParserSyntaxError) as exc:
        try:
            ast.parse(before)
        except (SyntaxError, ValueError):
            pass  # did not parse before either: LibCST reads syntax this Python does not
        else:
            report.problems.append(f"{where}: no longer parses: {exc}")
            return 0
    try:
        return len(changed_literals(before, after))
    except NotOnlyLiterals as exc:
        report.problems.append(f"{where}: changed outside string literals: {exc}")
    except (tokenize.TokenError, SyntaxError) as exc:
        report.problems.append(f"{where}: cannot tokenize to compare: {exc}")
    return 0


# -- output -----------------------------------------------------------------------------------


def print_report(report: Report) -> None:
    codes = ", ".join(f"{code} {n}" for code, n in sorted(report.findings.items())) or "none"
    left = sum(report.left.values())
    print(
        f"{report.package} ({report.mode}): {report.files} files, findings: {codes}; "
        f"{report.changed} files changed ({report.fixed_literals} literals), {left} findings "
        f"left, {len(report.errors)} files not fixable, {len(report.problems)} problems "
        f"[{report.seconds:.1f} s]"
    )
    for line in report.errors:
        print(f"    reported: {line}")
    for line in report.problems:
        print(f"    PROBLEM: {line}")


def print_summary(reports: list[Report]) -> None:
    safe = [r for r in reports if r.mode == "safe"]
    findings: Counter[str] = Counter()
    for report in safe:
        findings.update(report.findings)
    print()
    print(f"packages: {len(safe)}, files: {sum(r.files for r in safe)}")
    print("findings: " + ", ".join(f"{c} {n}" for c, n in sorted(findings.items())))
    for mode in ("safe", "unsafe"):
        chosen = [r for r in reports if r.mode == mode]
        print(
            f"{mode} fixes: {sum(r.changed for r in chosen)} files changed, "
            f"{sum(r.fixed_literals for r in chosen)} literals rewritten, "
            f"{sum(len(r.problems) for r in chosen)} problems (crashes, corruptions, not "
            "idempotent)"
        )


if __name__ == "__main__":
    sys.exit(main())
