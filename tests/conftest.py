from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True, scope="session")
def _isolated_caches(tmp_path_factory: pytest.TempPathFactory) -> None:
    """mieb's own caches (offline datasets, embeddings) go to a temporary folder during tests."""
    import os

    os.environ.setdefault("MIEB_CACHE", str(tmp_path_factory.mktemp("mieb-cache")))


@pytest.fixture(scope="session")
def tiny_clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from helpers import make_tiny_clip

    return make_tiny_clip(tmp_path_factory.mktemp("tiny-clip"))
