from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import env_var
from schemas import SchemaFolders


@pytest.fixture(scope="session", autouse=True)
def _private_datasets_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The Arrow caches of the catalog fixtures go to a temporary HF_DATASETS_CACHE, never the user's."""
    root = tmp_path_factory.mktemp("hf-datasets-cache")
    with env_var("HF_DATASETS_CACHE", str(root)):
        yield root


@pytest.fixture(scope="session")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> SchemaFolders:
    return SchemaFolders(tmp_path_factory.mktemp("schemas"))
