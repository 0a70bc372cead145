from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


OPT_IN_MARKERS = ("faults", "cluster")  # run only when asked: `-m faults`, or the test's path on the command line


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    expression = config.getoption("markexpr") or ""
    named = [Path(a.split("::")[0]).resolve() for a in config.args if Path(a.split("::")[0]).exists()]
    tests_root = Path(__file__).parent.resolve()

    def asked(item: pytest.Item, marker: str) -> bool:
        return marker in expression or any(tests_root in p.parents and p in (item.path, *item.path.parents)
                                           for p in named)

    keep, drop = [], []
    for item in items:
        opt_in = [m for m in OPT_IN_MARKERS if item.get_closest_marker(m)]
        (drop if any(not asked(item, m) for m in opt_in) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True, scope="session")
def _isolated_caches(tmp_path_factory: pytest.TempPathFactory) -> None:
    """mieb's own caches (offline datasets, embeddings) go to a temporary folder during tests."""
    import os

    os.environ.setdefault("MIEB_CACHE", str(tmp_path_factory.mktemp("mieb-cache")))


@pytest.fixture(scope="session")
def tiny_clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from helpers import make_tiny_clip

    return make_tiny_clip(tmp_path_factory.mktemp("tiny-clip"))
