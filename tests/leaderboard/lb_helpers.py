"""Helpers shared by the leaderboard tests."""

from __future__ import annotations

from pathlib import Path

from mieb.leaderboard.view import BenchmarkView

# Screenshots and other files the browser test keeps for CI; conftest lists them at the end of the run.
ARTIFACTS: list[Path] = []


def row_of(view: BenchmarkView, name: str) -> int:
    """Row index of a published model in a view."""
    return [view.labels[k] for k in view.lb.models].index(name)
