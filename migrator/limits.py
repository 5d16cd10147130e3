"""What a run refuses to do to one file, and how it says so."""

from __future__ import annotations


def oversize_notice(size: int, limit: int) -> str:
    """Why a file of ``size`` bytes is skipped, over the ``limit`` of max-file-size."""
    return (
        f"skipped: {_mib(size)}, over the {_mib(limit)} limit "
        "(raise max-file-size in [tool.migrator], 0 for no limit)"
    )


def too_large_to_check(size: int, why: str) -> str:
    from migrator.isolation import MEMORY_BUDGET

    return (
        f"too large to check: {why} (a {_mib(size)} file; the budget is "
        f"{_mib(MEMORY_BUDGET)} of memory per file); file left unchanged"
    )


def internal_error(exc: Exception) -> str:
    return f"internal error ({type(exc).__name__}: {exc}); file left unchanged, please report this"


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"
