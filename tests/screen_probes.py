"""Probes of one screen stage at a time, for tests: production code only calls ``admit``."""

from __future__ import annotations

from migrator.screen import Screen


def admits(screen: Screen, source: bytes) -> bool:
    """Do both screens let ``source`` through?"""
    return screen.admit(source) is not None


def ast_admit(screen: Screen, source: bytes) -> bool:
    """Does the structural screen alone let ``source`` through (the bytes screen skipped)?"""
    return screen._ast_admission(source) is not None
