from __future__ import annotations

from pathlib import Path

import pytest
from lb_helpers import ARTIFACTS

from mieb.leaderboard.scores import ScoreSet
from mieb.leaderboard.site import build_site
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


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, published: ScoreSet) -> Path:
    """The static site built from the published scores plus the reference's 1.x sample files."""
    data = Path(__file__).parent / "data"
    scores = ScoreSet.combine([published, ScoreSet.from_folder(data / "reference_v1")])
    out = tmp_path_factory.mktemp("site")
    build_site(scores, ["MIEB(lite)", "MIEB(Img)"], out)
    return out


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if ARTIFACTS:
        terminalreporter.write_sep("-", "leaderboard test artifacts")
        for path in ARTIFACTS:
            terminalreporter.write_line(f"artifact: {path}")
