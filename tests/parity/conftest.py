"""Fixtures of the parity tests; they run where `mteb` (the reference) is installed (CI's parity environment)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import env_var

# The catalog's schema fixtures (local datasets in each MIEB dataset's real layout) are shared with these tests.
sys.path.insert(0, str(Path(__file__).parents[1] / "catalog"))


@pytest.fixture(scope="session", autouse=True)
def _private_mteb_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with env_var("MTEB_CACHE", str(tmp_path_factory.mktemp("mteb-cache"))):
        yield


@pytest.fixture(autouse=True)
def _fresh_datasets_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh Arrow cache per test. `datasets` keys its cache of a local folder by the folder's name alone,
    so the reference, which loads with plain `datasets`, would read another test's folder of the same name
    from a shared cache. (`datasets` read HF_DATASETS_CACHE when it was imported, hence the patch.)"""
    import datasets

    cache = tmp_path / "hf-datasets-cache"
    monkeypatch.setenv("HF_DATASETS_CACHE", str(cache))
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", cache)


@pytest.fixture(scope="session")
def harness(tiny_clip_dir: Path) -> Any:
    pytest.importorskip("mteb")
    from e2e import Harness, reference_model

    return Harness(tiny_clip_dir, reference_model(tiny_clip_dir))


@pytest.fixture(scope="session")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from schemas import SchemaFolders

    return SchemaFolders(tmp_path_factory.mktemp("schemas"))
