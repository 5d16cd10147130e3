"""Benchmark ``migrator lint`` against grep, Ruff (one rule) and Fixit (one rule).

Builds its corpora into a cache directory (once; reused by later runs):

1. ``tree1``: the site-packages of a fresh virtualenv holding the project's dependencies plus
   openai, litellm, langchain-openai and pydantic-ai (real code full of model IDs);
2. ``tree2``: a generated tree of ~10,000 files / ~1M lines where 1% of files call the OpenAI
   SDK with retiring models, large token limits and audio parts;
3. ``tree3``: the worst case, where every file has findings.

For each tree it prints files, lines, findings, the median wall time of ``--runs`` runs (tools
interleaved, so load from elsewhere hits them alike) and peak memory, with ratios taken within
this run. Then: Fixit once on tree 1, ``migrator fix`` on two copies of tree 1 (jobs 1 and 2)
compared file by file, and start-up on one clean file against ``python -c "import libcst, click"``.

    python benchmarks/run.py                              # everything (Fixit takes minutes)
    python benchmarks/run.py --trees 2,3 --runs 3 --no-fixit --no-fix-check
    python benchmarks/run.py --no-table --no-fixit --no-fix-check --verify-screens
    python benchmarks/run.py --trees 1,2 --no-fixit --no-fix-check --baseline b6f3f03
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EXTRA_PACKAGES = ["openai", "litellm", "langchain-openai", "pydantic-ai"]
GENERATOR_VERSION = "2"  # bump to rebuild the generated trees

# Runs one command with its output discarded and reports wall time and the peak RSS of the
# largest process it started (RUSAGE_CHILDREN covers the workers, which their parent waits for).
_TIMER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "rss_kb": rss, "code": code}))
"""


# -- corpora ------------------------------------------------------------------------------------


def build_tree1(cache: Path) -> Path:
    venv = cache / "tree1" / "venv"
    done = cache / "tree1" / ".done"
    if not done.exists():
        shutil.rmtree(cache / "tree1", ignore_errors=True)
        print("building tree 1: a virtualenv with the project's dependencies and", EXTRA_PACKAGES)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        _pip(venv, [*_project_dependencies(), *EXTRA_PACKAGES])
        done.write_text(_pip_freeze(venv))
    return _site_packages(venv)


def build_tree2(cache: Path, files: int = 10_000, matching: float = 0.01) -> Path:
    """~100 lines a file of ordinary code; ``matching`` of the files call the OpenAI SDK."""
    tree = cache / "tree2"
    marker = f"{GENERATOR_VERSION}:{files}:{matching}"
    if _stamp(tree) != marker:
        print(f"building tree 2: {files} generated files")
        shutil.rmtree(tree, ignore_errors=True)
        rng = random.Random(2)
        every = round(1 / matching)
        for i in range(files):
            package = tree / f"pkg{i // 100:03}"
            package.mkdir(parents=True, exist_ok=True)
            body = sdk_module(rng, i) if i % every == every // 2 else plain_module(rng, i)
            (package / f"mod{i % 100:03}.py").write_text(body)
        (tree / ".stamp").write_text(marker)
    return tree


def build_tree3(cache: Path, files: int = 1000) -> Path:
    """Every file calls the SDK with retiring models, large limits and audio parts."""
    tree = cache / "tree3"
    marker = f"{GENERATOR_VERSION}:{files}"
    if _stamp(tree) != marker:
        print(f"building tree 3: {files} generated files, every one with findings")
        shutil.rmtree(tree, ignore_errors=True)
        rng = random.Random(3)
        for i in range(files):
            package = tree / f"pkg{i // 100:03}"
            package.mkdir(parents=True, exist_ok=True)
            (package / f"mod{i % 100:03}.py").write_text(sdk_module(rng, i))
        (tree / ".stamp").write_text(marker)
    return tree


WORDS = [
    "account",
    "invoice",
    "ledger",
    "report",
    "batch",
    "queue",
    "worker",
    "record",
    "stream",
    "cache",
    "session",
    "token",
    "buffer",
    "window",
    "channel",
    "message",
    "payload",
    "schedule",
    "profile",
    "archive",
    "metric",
    "sample",
]


def plain_module(rng: random.Random, i: int) -> str:
    """Ordinary application code: classes, loops, dicts, docstrings; no model anywhere."""
    noun, other = rng.sample(WORDS, 2)
    parts = [
        f'"""Helpers for {noun} {other} handling (module {i})."""\n\n'
        "from __future__ import annotations\n\n"
        "import json\nimport logging\nfrom dataclasses import dataclass, field\n\n"
        "LOG = logging.getLogger(__name__)\n"
        f'DEFAULTS = {{"retries": {rng.randint(1, 9)}, "timeout": {rng.randint(5, 600)}.0, '
        f'"name": "{noun}"}}\n'
    ]
    # A few files look like they might matter: big numbers, the word audio, a token count.
    if rng.random() < 0.05:
        parts.append(f"BUFFER_SIZE = {rng.choice(['64 * 1024', '1 << 20', '2**16', '100_000'])}\n")
    if rng.random() < 0.03:
        parts.append('FORMATS = {"audio": ["wav", "mp3"], "image": ["png"]}\n')
    if rng.random() < 0.02:
        parts.append("# counts max_tokens per request for the usage report\n")
    for k in range(rng.randint(2, 4)):
        name = f"{rng.choice(WORDS).title()}{rng.choice(WORDS).title()}{k}"
        parts.append(
            textwrap.dedent(
                f'''

                @dataclass
                class {name}:
                    """One {noun} as read from the {other} store, with its tags and weight."""

                    key: str
                    value: int = {rng.randint(0, 100)}
                    tags: list[str] = field(default_factory=list)

                    def score(self, weight: float = 1.0) -> float:
                        total = 0.0
                        for position, tag in enumerate(self.tags):
                            total += len(tag) * weight / (position + 1)
                        return total + self.value

                    def describe(self) -> str:
                        return f"{{self.key}}: {{self.value}} ({{', '.join(self.tags)}}) with a long description that runs past the line limit"


                def load_{name.lower()}(path: str, limit: int = {rng.randint(10, 5000)}) -> list[{name}]:
                    """Read up to ``limit`` records from a JSON file."""
                    with open(path, encoding="utf-8") as handle:
                        data = json.load(handle)
                    out = []
                    for row in data[:limit]:
                        if not isinstance(row, dict):
                            LOG.warning("skipping %r", row)
                            continue
                        out.append({name}(row["key"], int(row.get("value", 0)), list(row.get("tags", []))))
                    return out
                '''  # noqa: E501
            )
        )
    return "".join(parts)


MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4o-2024-08-06", "gpt-4.5-preview", "openai/gpt-4o"]


def sdk_module(rng: random.Random, i: int) -> str:
    """Code that calls the OpenAI SDK: retiring models, large limits, audio in and out."""
    model, fallback = rng.sample(MODELS, 2)
    limit = rng.choice(["64 * 1024", "50_000", "2**16", "100000"])
    parts = [
        f'"""Assistant features, part {i}."""\n\n'
        "from __future__ import annotations\n\n"
        "import base64\n\nfrom openai import OpenAI\n\n"
        f'client = OpenAI()\nMODEL = "{model}"\nFALLBACK = "{fallback}"\nMAX_TOKENS = {limit}\n'
    ]
    for k in range(2):
        parts.append(
            textwrap.dedent(
                f'''

                def answer_{k}(question: str, cheap: bool = False) -> str:
                    """Answer a question, with the cheaper model when asked."""
                    response = client.chat.completions.create(
                        model=FALLBACK if cheap else MODEL,
                        max_tokens=MAX_TOKENS,
                        messages=[{{"role": "user", "content": question}}],
                    )
                    return response.choices[0].message.content or ""


                def listen_{k}(recording: bytes) -> str:
                    """Answer a spoken question."""
                    audio = base64.b64encode(recording).decode()
                    response = client.chat.completions.create(
                        model="{rng.choice(MODELS)}",
                        max_completion_tokens={rng.choice([40000, 65536, 20000])},
                        messages=[
                            {{
                                "role": "user",
                                "content": [
                                    {{"type": "text", "text": "Answer the question in the recording."}},
                                    {{"type": "input_audio", "input_audio": {{"data": audio, "format": "wav"}}}},
                                ],
                            }}
                        ],
                    )
                    return response.choices[0].message.content or ""


                def speak_{k}(text: str) -> bytes:
                    response = client.chat.completions.create(
                        model="gpt-4o-audio-preview",
                        modalities=["text", "audio"],
                        audio={{"voice": "alloy", "format": "wav"}},
                        messages=[{{"role": "user", "content": text}}],
                    )
                    return base64.b64decode(response.choices[0].message.audio.data)
                '''  # noqa: E501
            )
        )
    return "".join(parts)


def _stamp(tree: Path) -> str | None:
    try:
        return (tree / ".stamp").read_text()
    except OSError:
        return None


def _project_dependencies() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from migrator import tomlcompat

    data = tomlcompat.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(data["project"]["dependencies"])


def _pip(venv: Path, packages: Sequence[str]) -> None:
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
    ]
    subprocess.run([*pip, *packages], check=True)


def _pip_freeze(venv: Path) -> str:
    python = str(venv / "bin" / "python")
    return subprocess.run([python, "-m", "pip", "freeze"], capture_output=True, text=True).stdout


def _site_packages(venv: Path) -> Path:
    found = sorted((venv / "lib").glob("python*/site-packages"))
    if not found:
        raise SystemExit(f"no site-packages under {venv}")
    return found[0]


def count(tree: Path) -> tuple[int, int]:
    """Python files and lines in ``tree``."""
    files = lines = 0
    for path in tree.rglob("*.py"):
        if path.is_file() and not path.is_symlink():
            files += 1
            with path.open("rb") as handle:
                lines += sum(
                    chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")
                )
    return files, lines


# -- tools --------------------------------------------------------------------------------------


def migrator_cmd(*args: str, bin_dir: Path = BIN) -> list[str]:
    script = bin_dir / "migrator"
    if script.exists():
        return [str(script), *args]
    return [str(bin_dir / "python") if bin_dir != BIN else sys.executable, "-m", "migrator", *args]


def baseline_bin(rev: str, cache: Path) -> tuple[str, Path]:
    """The ``bin`` directory of a virtualenv holding migrator as it was at ``rev`` (built once
    per commit), for side-by-side runs of the code before and after a change."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    home = cache / "baselines" / sha[:12]
    if not (home / ".done").exists():
        print(f"building the baseline at {sha[:8]}", file=sys.stderr)
        shutil.rmtree(home, ignore_errors=True)
        source = home / "src"
        source.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", sha], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
        subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
        _pip(home / "venv", [str(source)])
        (home / ".done").write_text(sha)
    return sha[:8], home / "venv" / "bin"


def sunset_cmd(tree: Path, cache: Path) -> list[str]:
    """``llm-sunset scan`` (the closest peer on PyPI: a regex scanner), offline."""
    venv = cache / "tools" / "llm-sunset-venv"
    if not (venv / "bin" / "llm-sunset").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        _pip(venv, ["llm-sunset"])
    return [str(venv / "bin" / "llm-sunset"), "scan", "--no-fail", "--offline", str(tree)]


def ruff_cmd(tree: Path, cache_dir: Path | None = None) -> list[str]:
    """Ruff with one rule; ``cache_dir``: its cache kept there between runs (a warm run)."""
    ruff = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
    if ruff is None:
        raise SystemExit("ruff not found: pip install -e '.[dev]'")
    cache = ["--cache-dir", str(cache_dir)] if cache_dir is not None else ["--no-cache"]
    return [ruff, "check", "--select", "E501", *cache, "--isolated", "--exit-zero", "-q", str(tree)]


def grep_pattern() -> str:
    """The tokens the bytes screen looks for, as one extended regex."""
    sys.path.insert(0, str(ROOT))
    from migrator.ruleset import RuleSet
    from migrator.screen import Screen

    terms = Screen(RuleSet.load()).terms
    tokens = sorted(
        set(terms.ruleset.all_model_ids)
        | terms.token_parameters
        | terms.modality_keywords
        | terms.content_types
        | terms.typed_parts
    )
    return "|".join(re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", t) for t in tokens)


def grep_cmd(tree: Path, pattern: str) -> list[str]:
    return ["grep", "-rlE", "--include=*.py", pattern, str(tree)]


@dataclass
class Sample:
    walls: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def rss_mb(self) -> float:
        return max(self.rss_kb) / 1024


def timed(
    cmd: list[str], sample: Sample, cwd: Path | None = None, touch: Sequence[Path] = ()
) -> None:
    """One run of ``cmd``; ``touch``: files whose mtime is set to now first (as an edit would,
    without changing them), outside the time measured."""
    for path in touch:
        os.utime(path)
    out = subprocess.run(
        [sys.executable, "-c", _TIMER, *cmd], capture_output=True, text=True, cwd=cwd, check=True
    )
    result = json.loads(out.stdout)
    sample.walls.append(result["wall"])
    sample.rss_kb.append(result["rss_kb"])
    sample.codes.add(result["code"])


def tree_memory_mb(cmd: list[str]) -> tuple[float, float | None]:
    """Peaks of the summed RSS and PSS of a command and its descendants, sampled every 10 ms.

    A sum of RSS counts the pages the workers share with their parent (everything imported
    before the fork) once per process; PSS splits each shared page among its sharers, so its
    sum is the memory the run takes. None where /proc has no smaps_rollup.
    """
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rss_peak, pss_peak = 0, 0
    while process.poll() is None:
        rss, pss = _family_memory_kb(process.pid)
        rss_peak, pss_peak = max(rss_peak, rss), max(pss_peak, pss)
        time.sleep(0.01)
    return rss_peak / 1024, (pss_peak / 1024 if _HAS_PSS else None)


_HAS_PSS = os.path.exists("/proc/self/smaps_rollup")


def _family_memory_kb(root: int) -> tuple[int, int]:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/statm") as f:
                pages = int(f.read().split()[1])
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(stat.rpartition(")")[2].split()[1])
        rss[pid] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    family = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in family), sum(_pss_kb(pid) for pid in family)


def _pss_kb(pid: int) -> int:
    if not _HAS_PSS:
        return 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            found = re.search(r"^Pss:\s+(\d+) kB", f.read(), re.MULTILINE)
    except OSError:  # the process has just ended
        return 0
    return int(found.group(1)) if found else 0


def findings(tree: Path) -> tuple[int, int, list[str]]:
    """Findings, file errors, and the files with findings that ``migrator lint`` reports."""
    done = subprocess.run(
        migrator_cmd("lint", "--format", "json", "--exit-zero", "--no-cache", str(tree)),
        capture_output=True,
        text=True,
    )
    errors = sum(1 for line in done.stderr.splitlines() if ": error: " in line)
    found = json.loads(done.stdout or "[]")
    if isinstance(found, dict):  # a JSON object with the findings under a key
        found = found.get("findings", [])
    paths = sorted({f["path"] for f in found if isinstance(f, dict) and "path" in f})
    return len(found), errors, paths


# The floor of a tree: LibCST parsing the files with findings and nothing else, over the same
# number of processes. No checker can report without parsing those.
_FLOOR = """
import sys
from multiprocessing import Pool
import libcst

def parse(path):
    with open(path, "rb") as handle:
        libcst.parse_module(handle.read())

if __name__ == "__main__":
    jobs, listing = int(sys.argv[1]), sys.argv[2]
    with open(listing) as handle:
        paths = handle.read().splitlines()
    if jobs == 1:
        for path in paths:
            parse(path)
    else:
        with Pool(jobs) as pool:
            pool.map(parse, paths, chunksize=8)
"""


def floor_cmd(paths: Sequence[str], jobs: int, work: Path) -> list[str]:
    listing = work / "floor-files.txt"
    listing.parent.mkdir(parents=True, exist_ok=True)
    listing.write_text("".join(f"{p}\n" for p in paths if p.endswith(".py")))
    return [sys.executable, "-c", _FLOOR, str(jobs), str(listing)]


# -- the runs -----------------------------------------------------------------------------------


def bench_tree(
    name: str,
    tree: Path,
    runs: int,
    jobs: Sequence[int],
    pattern: str,
    cache: Path,
    baseline: tuple[str, Path] | None = None,
    peers: bool = True,
) -> tuple[list[str], dict[str, float]]:
    files, lines = count(tree)
    found, errors, with_findings = findings(tree)
    ruff_cache = cache / "work" / "ruff-cache" / name.replace(" ", "")
    commands: dict[str, list[str]] = {
        "grep -rlE": grep_cmd(tree, pattern),
        "ruff E501": ruff_cmd(tree),
        "ruff E501 (warm)": ruff_cmd(tree, ruff_cache),
    }
    if peers:
        commands["llm-sunset scan"] = sunset_cmd(tree, cache)
    subprocess.run(ruff_cmd(tree, ruff_cache), capture_output=True)  # fills its cache
    work = cache / "work" / name.replace(" ", "")
    for n in jobs:
        commands[f"LibCST floor -j{n}"] = floor_cmd(with_findings, n, work)
    # The cache of the warm rows lives apart from the tree, one per row: each row's first
    # (untimed) run fills it, each timed run finds it as the previous one left it.
    warm_dir = cache / "work" / "migrator-cache" / name.replace(" ", "")
    shutil.rmtree(warm_dir, ignore_errors=True)
    touches: dict[str, list[Path]] = {}
    cwds: dict[str, Path] = {}
    lint = ("lint", "--exit-zero", "-q")
    for n in jobs:
        commands[f"migrator cold -j{n}"] = migrator_cmd(
            *lint, "--no-cache", "-j", str(n), str(tree)
        )
        if baseline is not None:
            label, bin_dir = baseline
            commands[f"migrator@{label} -j{n}"] = migrator_cmd(
                "lint", "--exit-zero", "-q", "--jobs", str(n), str(tree), bin_dir=bin_dir
            )
    for n in jobs:
        row = f"migrator warm -j{n}"
        commands[row] = _with_cache(warm_dir / row, migrator_cmd(*lint, "-j", str(n), str(tree)))
    touched = f"migrator warm, 10 files touched -j{jobs[-1]}"
    commands[touched] = _with_cache(
        warm_dir / touched, migrator_cmd(*lint, "-j", str(jobs[-1]), str(tree))
    )
    touches[touched] = _spread(_python_files(tree), 10)
    if name == "tree 1":
        # A hook runs inside a git work tree: that is the project whose view it needs.
        if not (tree / ".git").exists():
            subprocess.run(["git", "init", "-q", str(tree)], check=True)
        hook = "migrator fix, 3 files named (pre-commit), warm"
        named = _spread(sorted(set(_python_files(tree)) - {Path(p) for p in with_findings}), 3)
        commands[hook] = _with_cache(
            warm_dir / "hook",
            migrator_cmd("fix", "--exit-zero", "-q", *(str(p.relative_to(tree)) for p in named)),
        )
        cwds[hook] = tree
        commands['python -c "import libcst, click"'] = [
            sys.executable,
            "-c",
            "import libcst, click",
        ]
    for label, cmd in commands.items():
        if label.startswith("migrator warm") or label.startswith("migrator fix"):
            subprocess.run(cmd, capture_output=True, cwd=cwds.get(label))  # fills its cache
    samples = {label: Sample() for label in commands}
    for _ in range(runs):
        for label, cmd in commands.items():
            timed(cmd, samples[label], cwds.get(label), touches.get(label, ()))
    ruff, grep = samples["ruff E501"].wall, samples["grep -rlE"].wall
    rows = []
    for label, sample in samples.items():
        ours = label.startswith("migrator")
        tree_mb = " | "
        if ours:
            rss_mb, pss_mb = tree_memory_mb(commands[label])
            tree_mb = f"{rss_mb:.0f} | " + ("n/a" if pss_mb is None else f"{pss_mb:.0f}")
        rows.append(
            f"| {name} | {label} | {files} | {lines} | {found if ours else ''} | "
            f"{sample.wall:.3f} | {sample.wall / ruff:.2f} | {sample.wall / grep:.1f} | "
            f"{sample.rss_mb:.0f} | {tree_mb} |"
        )
    if errors:
        rows.append(f"| {name} | (migrator: {errors} files could not be parsed) |{' |' * 9}")
    if len(jobs) > 1:
        base = samples[f"migrator cold -j{jobs[0]}"].wall
        for n in jobs[1:]:
            speedup = base / samples[f"migrator cold -j{n}"].wall
            rows.append(f"| {name} | throughput -j{n} / -j{jobs[0]}: {speedup:.2f}x |{' |' * 9}")
    return rows, {label: sample.wall for label, sample in samples.items()}


def _with_cache(directory: Path, cmd: list[str]) -> list[str]:
    return ["env", f"MIGRATOR_CACHE_DIR={directory}", *cmd]


def _python_files(tree: Path) -> list[Path]:
    return sorted(p for p in tree.rglob("*.py") if p.is_file() and not p.is_symlink())


def _spread(paths: Sequence[Path], k: int) -> list[Path]:
    """``k`` of ``paths``, evenly spread (the same ones in every run)."""
    step = max(1, len(paths) // k)
    return list(paths[::step][:k])


def sample(tree: Path, target: Path, every: int) -> Path:
    """A copy of every ``every``-th Python file of ``tree`` (sorted by path)."""
    shutil.rmtree(target, ignore_errors=True)
    files = sorted(p for p in tree.rglob("*.py") if p.is_file() and not p.is_symlink())
    for path in files[::every]:
        copy = target / path.relative_to(tree)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    return target


def bench_fixit(tree: Path, label: str, cache: Path, timeout: float, ours: dict[str, float]) -> str:
    venv = cache / "tools" / "fixit-venv"
    if not (venv / "bin" / "fixit").exists():
        print("installing fixit into", venv)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        _pip(venv, ["fixit"])
    rules = cache / "work" / "fixit_rules"
    rules.mkdir(parents=True, exist_ok=True)
    (rules / "migrator_bench_rule.py").write_text(fixit_rule())
    # --rules replaces Fixit's rule set (its built-in rules are on by default, and a config
    # file applies only to the files under its own directory).
    fixit = [str(venv / "bin" / "fixit"), "--rules", "migrator_bench_rule", "lint"]
    env = {**os.environ, "PYTHONPATH": str(rules)}
    probe = rules / "probe" / "probe.py"
    probe.parent.mkdir(exist_ok=True)
    probe.write_text('MODEL = "gpt-4o"\n')
    found = subprocess.run([*fixit, str(probe)], capture_output=True, text=True, env=env)
    if "RetiringModel" not in found.stdout:
        return f"fixit lint: the benchmark's rule did not report a probe file: {found.stdout!r}"
    cmd = [*fixit, str(tree)]
    start = time.perf_counter()
    # Its own session, so that a timeout stops Fixit's worker processes too.
    process = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        stdout, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        ratios = ", ".join(f"over {timeout / t:.0f}x the time of {k}" for k, t in ours.items())
        return f"fixit lint on {label}: still running after {timeout:.0f} s, stopped: {ratios}"
    wall = time.perf_counter() - start
    reported = sum(1 for line in stdout.splitlines() if "RetiringModel" in line)
    ratios = ", ".join(f"{wall / t:.0f}x the time of {k}" for k, t in ours.items())
    times = ", ".join(f"{k} {t:.2f} s" for k, t in ours.items())
    return (
        f"fixit lint on {label} (one rule, all CPUs): {wall:.1f} s, {reported} findings; "
        f"{times}: Fixit takes {ratios}"
    )


def fixit_rule() -> str:
    """A Fixit rule doing what MIG001/MIG002 do: a literal whose whole value is a model ID."""
    sys.path.insert(0, str(ROOT))
    from migrator.ruleset import RuleSet

    ruleset = RuleSet.load()
    ids = sorted(set(ruleset.sources) | set(ruleset.no_replacement))
    return textwrap.dedent(
        f"""
        import libcst as cst
        from fixit import LintRule

        IDS = frozenset({ids!r})
        BASES = frozenset({sorted(ruleset.fine_tune_bases)!r})


        class RetiringModel(LintRule):
            def visit_SimpleString(self, node: cst.SimpleString) -> None:
                value = node.raw_value
                if "\\\\" in value or len(value) > 200:
                    return
                for i in range(-1, len(value)):
                    if i == -1 or value[i] in "/:":
                        model = value[i + 1 :]
                        base = model[3:].split(":", 1)[0] if model.startswith("ft:") else None
                        if model in IDS or base in BASES:
                            self.report(node, f"{{value!r}} retires")
                            return
        """
    )


def fix_check(tree: Path, cache: Path) -> str:
    """``migrator fix`` on two copies of ``tree`` (jobs 1 and 2): the same files change, alike."""
    work = cache / "work"
    results = {}
    for jobs in (1, 2):
        copy = work / f"fix-j{jobs}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(tree, copy, ignore=_only_python, symlinks=True)
        subprocess.run(
            migrator_cmd("fix", "-q", "--no-cache", "--jobs", str(jobs), str(copy)),
            capture_output=True,
        )
        results[jobs] = {
            path.relative_to(copy).as_posix(): _digest(path)
            for path in copy.rglob("*.py")
            if path.is_file() and _digest(path) != _digest(tree / path.relative_to(copy))
        }
        shutil.rmtree(copy)
    same = results[1] == results[2]
    return (
        f"migrator fix on a copy of tree 1: {len(results[1])} files changed with -j1, "
        f"{len(results[2])} with -j2; {'identical' if same else 'DIFFERENT'} sets and contents"
    )


def _only_python(directory: str, names: list[str]) -> list[str]:
    return [
        n for n in names if not n.endswith(".py") and not os.path.isdir(os.path.join(directory, n))
    ]


def _digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def verify_screens(name: str, tree: Path) -> str:
    """Check every Python file the bytes screen admits with and without the ast screen and
    pruning, in this process, and compare the results (findings, fixes, errors).

    The bytes screen itself is proved on the fixtures (tests/test_screen.py); this covers what
    follows it, on real code: the files it admits are the ones pruning cuts down.
    """
    sys.path.insert(0, str(ROOT))
    from migrator.config import load_settings
    from migrator.discovery import Missing, iter_paths
    from migrator.kinds import kind_of
    from migrator.kinds.python import check_source
    from migrator.screen import Screen

    settings = load_settings(None, cwd=tree)
    screen = Screen(settings.ruleset)
    compared, differ, screened, whole = 0, [], 0.0, 0.0
    for path in iter_paths([tree], root=tree, exclude=settings.exclude):
        if isinstance(path, Missing) or kind_of(path) != "python":
            continue
        source = path.read_bytes()
        if not screen.bytes_admit(source):
            continue
        for fix in (False, True):
            start = time.perf_counter()
            ours = check_source(source, str(path), settings, fix=fix, screen=screen)
            middle = time.perf_counter()
            plain = check_source(source, str(path), settings, fix=fix)
            screened += middle - start
            whole += time.perf_counter() - middle
            if ours != plain:
                differ.append(f"{path} (fix={fix})")
        compared += 1
    shown = "; ".join(differ[:5]) or "none"
    return (
        f"screens verified on {name}: {compared} files the bytes screen admits, checked as lint "
        f"and fix, {len(differ)} differ ({shown}); {screened:.1f} s screened and pruned, "
        f"{whole:.1f} s whole"
    )


def bench_startup(cache: Path, runs: int) -> str:
    clean = cache / "work" / "startup" / "clean.py"
    clean.parent.mkdir(parents=True, exist_ok=True)
    clean.write_text("import os\n\nprint(os.getcwd())\n")
    baseline, ours = Sample(), Sample()
    for _ in range(runs):
        timed([sys.executable, "-c", "import libcst, click"], baseline)
        timed(migrator_cmd("lint", "--no-cache", "clean.py"), ours, cwd=clean.parent)
    return (
        f'start-up: `migrator lint clean.py` {ours.wall:.3f} s, `python -c "import libcst, '
        f'click"` {baseline.wall:.3f} s: {ours.wall / baseline.wall:.2f}x'
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trees", default="1,2,3", help="which trees, e.g. 2,3 (default: 1,2,3)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool (median)")
    parser.add_argument("--jobs", default="1,2", help="migrator --jobs values (default: 1,2)")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "migrator-bench"
    )
    parser.add_argument("--no-fixit", action="store_true", help="skip Fixit (minutes on tree 1)")
    parser.add_argument("--fixit-timeout", type=float, default=3600)
    parser.add_argument(
        "--fixit-sample",
        type=int,
        default=1,
        metavar="K",
        help="run Fixit (and migrator, for the ratio) on every K-th file of tree 1 only",
    )
    parser.add_argument("--no-fix-check", action="store_true", help="skip `fix` jobs 1 vs 2")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up comparison")
    parser.add_argument(
        "--no-table", action="store_true", help="skip the per-tree timings (e.g. for Fixit alone)"
    )
    parser.add_argument(
        "--verify-screens",
        action="store_true",
        help="also compare results with and without the ast screen and pruning (minutes)",
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also time migrator as it was at this git revision, side by side",
    )
    parser.add_argument("--no-peers", action="store_true", help="skip llm-sunset")
    args = parser.parse_args(argv)
    trees = {int(t) for t in args.trees.split(",") if t.strip()}
    jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
    cache: Path = args.cache
    cache.mkdir(parents=True, exist_ok=True)
    # Byte code, as an installed package has it: with PYTHONDONTWRITEBYTECODE set (as in some
    # CI images) every timed run would compile the modules again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "migrator")], check=True)

    baseline = baseline_bin(args.baseline, cache) if args.baseline else None
    builders = {1: build_tree1, 2: build_tree2, 3: build_tree3}
    paths = {n: builders[n](cache) for n in sorted(trees)}
    pattern = grep_pattern()
    load_before = os.getloadavg()
    lines = [
        "| tree | tool | files | lines | findings | wall s (median) | x ruff | x grep "
        "| peak RSS MB (largest process) | peak RSS MB (process tree) "
        "| peak PSS MB (process tree) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    walls: dict[int, dict[str, float]] = {}
    for n, tree in ({} if args.no_table else paths).items():
        rows, walls[n] = bench_tree(
            f"tree {n}", tree, args.runs, jobs, pattern, cache, baseline, not args.no_peers
        )
        print("\n".join(rows), file=sys.stderr)  # progress; the whole table comes at the end
        lines += rows
    notes = []
    if 1 in paths and not args.no_fixit:
        if args.fixit_sample > 1:
            tree = sample(paths[1], cache / "work" / "fixit-sample", args.fixit_sample)
            ours = {}
            for n in jobs:
                timing = Sample()
                for _ in range(args.runs):
                    timed(
                        migrator_cmd(
                            "lint", "--exit-zero", "-q", "--no-cache", "--jobs", str(n), str(tree)
                        ),
                        timing,
                    )
                ours[f"migrator -j{n}"] = timing.wall
            files, size = count(tree)
            label = f"every {args.fixit_sample}th file of tree 1 ({files} files, {size} lines)"
        else:
            tree, label = paths[1], "tree 1"
            ours = {
                k.replace("migrator cold", "migrator"): v
                for k, v in walls.get(1, {}).items()
                if k.startswith("migrator cold")
            }
        notes.append(bench_fixit(tree, label, cache, args.fixit_timeout, ours))
    if 1 in paths and not args.no_fix_check:
        notes.append(fix_check(paths[1], cache))
    if args.verify_screens:
        notes.extend(verify_screens(f"tree {n}", tree) for n, tree in paths.items())
    if not args.no_startup:
        notes.append(bench_startup(cache, max(args.runs, 10)))
    load_after = os.getloadavg()
    print("\n".join(lines))
    print()
    for note in notes:
        print(f"- {note}")
    print(
        f"- load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.2f}' for x in load_after)}; CPUs: {os.cpu_count()}"
    )
    alternatives = len(pattern.split("|"))
    print(f"- grep pattern: the screen's tokens ({alternatives} alternatives); cache: {cache}")


if __name__ == "__main__":
    main()
