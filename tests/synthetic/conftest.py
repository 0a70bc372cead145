from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import env_var


@pytest.fixture(scope="session")
def offline_cache(tmp_path_factory) -> Iterator[Path]:
    """A private MIEB_CACHE for the whole session (the user's cache is never touched)."""
    root = tmp_path_factory.mktemp("mieb_cache")
    with env_var("MIEB_CACHE", str(root)):
        yield root


@pytest.fixture(scope="session")
def built(offline_cache) -> dict[str, Path]:
    """Every offline dataset, materialized once."""
    from mieb.data.synthetic import BUILDERS, materialize

    return {key: materialize(key, b.version) for key, b in BUILDERS.items()}
