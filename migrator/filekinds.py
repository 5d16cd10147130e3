"""The one table of file kinds: which names a kind claims, whether a walk picks it up, and
which function checks it.

Plain data with no heavy import, so discovery, config and the pre-commit hook's file pattern
read it without loading the checkers (``migrator.kinds`` loads those, on first use).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class FileKind:
    name: str
    suffixes: tuple[str, ...]  # lower case; a name ending in one is this kind, whatever its case
    checker: tuple[str, str]  # (module under migrator.kinds, function)
    walked: bool = True  # False: walked only when asked (docs: --include-docs)
    # Whole-name patterns beyond the suffixes: .env.example, .env.local, .env.production
    prefixes: tuple[str, ...] = ()
    fragments: bool = False  # holds Python code checked through the run's screen

    @property
    def patterns(self) -> tuple[str, ...]:
        """The gitignore-style patterns a walk uses to pick this kind's files up."""
        return tuple(f"*{s}" for s in self.suffixes) + tuple(f"{p}*" for p in self.prefixes)


PYTHON = FileKind("python", (".py", ".pyi"), ("python", "check_source"), fragments=True)
# A name no kind claims is Python, when named on the command line; a walk takes only .py/.pyi.
KINDS = (
    FileKind("notebook", (".ipynb",), ("notebooks", "check_notebook"), fragments=True),
    FileKind("jsonl", (".jsonl", ".ndjson"), ("jsonl", "check_jsonl")),
    FileKind("json", (".json",), ("json_files", "check_json")),
    FileKind("yaml", (".yaml", ".yml"), ("yaml_files", "check_yaml")),
    FileKind("toml", (".toml",), ("toml_files", "check_toml")),
    FileKind("env", (".env",), ("env_files", "check_env"), prefixes=(".env.",)),
    FileKind(
        "docs",
        (".md", ".markdown", ".mdx", ".rst", ".rest"),
        ("docs", "check_docs"),
        walked=False,
        fragments=True,
    ),
)
BY_NAME = {kind.name: kind for kind in (PYTHON, *KINDS)}

# Other files a walk picks up (gitignore-style patterns); [tool.migrator] include replaces them.
DEFAULT_INCLUDE = tuple(p for kind in KINDS if kind.walked for p in kind.patterns)
# Added by --include-docs: fenced Python blocks are reported, the files never rewritten.
DOCS_INCLUDE = tuple(p for kind in KINDS if not kind.walked for p in kind.patterns)


def file_kind(path: str | PurePath) -> FileKind:
    """The kind of a file, by its name."""
    name = os.path.basename(path)
    if name.endswith(".py") and not name.startswith(".env."):  # most files: no table lookup
        return PYTHON
    lower = name.lower()
    for kind in KINDS:
        if lower.endswith(kind.suffixes):
            return kind
    for kind in KINDS:  # .env.example, and .env.py whatever its last suffix
        if kind.prefixes and name.startswith(kind.prefixes):
            return kind
    return PYTHON
