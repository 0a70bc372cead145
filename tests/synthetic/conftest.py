from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def offline_cache(tmp_path_factory) -> Path:
    """A private MIEB_CACHE for the whole session (the user's cache is never touched)."""
    root = tmp_path_factory.mktemp("mieb_cache")
    old = os.environ.get("MIEB_CACHE")
    os.environ["MIEB_CACHE"] = str(root)
    yield root
    if old is None:
        os.environ.pop("MIEB_CACHE", None)
    else:
        os.environ["MIEB_CACHE"] = old


@pytest.fixture(scope="session")
def built(offline_cache) -> dict[str, Path]:
    """Every offline dataset, materialized once."""
    from mieb.data.synthetic import BUILDERS, materialize

    return {key: materialize(key, b.version) for key, b in BUILDERS.items()}
