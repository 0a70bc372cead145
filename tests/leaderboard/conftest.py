from __future__ import annotations

import pytest
from lb_helpers import ARTIFACTS

from mieb.leaderboard.scores import ScoreSet
from mieb.leaderboard.view import BenchmarkView, build_view


@pytest.fixture(scope="session")
def published() -> ScoreSet:
    return ScoreSet.published()


@pytest.fixture(scope="session")
def lite(published: ScoreSet) -> BenchmarkView:
    return build_view(published, "MIEB(lite)")


@pytest.fixture(scope="session")
def multilingual(published: ScoreSet) -> BenchmarkView:
    return build_view(published, "MIEB(Multilingual)")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if ARTIFACTS:
        terminalreporter.write_sep("-", "leaderboard test artifacts")
        for path in ARTIFACTS:
            terminalreporter.write_line(f"artifact: {path}")
