"""What checking one file's bytes gives, whatever its kind (no parser imported here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.findings import Finding


@dataclass
class SourceResult:
    """What checking one file's bytes produced."""

    findings: list[Finding] = field(default_factory=list)  # left to report
    fixed: list[Finding] = field(default_factory=list)  # fixes applied to ``new_source``
    new_source: bytes | None = None  # set only when a fix changed the file
    error: str | None = None
    encoding: str = "utf-8"
    # Parts left unchecked and why (a notebook cell that does not parse, a config file that is
    # not valid YAML): shown to the user, but not errors.
    warnings: list[str] = field(default_factory=list)
    # The file is recorded data (see ``migrator.recorded``): what kind, for the summary.
    recorded: str | None = None
    error_at: tuple[int, int] | None = None  # line and column of a syntax error
