"""A broken embedding cache never stops a run: one warning naming the file and what mieb does, then on.

Faults are real SQLite conditions: a file that is not a database, a database whose pages were
overwritten, a connection limited to a few pages (SQLite's own "database or disk is full") and a
query-only connection (SQLite's own "attempt to write a readonly database"). Real read-only and
full file systems are in tests/faults.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from fake_models import ColourOracle
from local_tasks import colour_t2i, colour_zeroshot

from mieb.cache.keys import fingerprint_id, model_fingerprint, text_key
from mieb.cache.store import EmbeddingCache, EmbeddingStore
from mieb.cli import main
from mieb.runner.run import MIEB

FP = {"name": "m/x", "revision": "1", "precision": "fp32", "device_type": "cpu"}
RUN = dict(encode_kwargs={"batch_size": 4, "num_workers": 0}, progress=False)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "mieb" and r.levelno == logging.WARNING]


def _oracle_store_path(root: Path) -> Path:
    model = ColourOracle()
    return root / f"{fingerprint_id(model_fingerprint(model.meta, model.precision, model.device.type))}.sqlite"


def _fill(path: Path, n: int = 400) -> None:
    store = EmbeddingStore(path, FP)
    store.put_many([(text_key(f"t{i}"), np.full(64, i, np.float32)) for i in range(n)])
    store.close()


def _connect_with(monkeypatch: pytest.MonkeyPatch, *pragmas: str) -> None:
    """Every cache connection opened from now on runs `pragmas` first (a real SQLite limit, not a mock)."""
    import mieb.cache.store as store_module

    real = sqlite3.connect

    def connect(*args, **kwargs):
        db = real(*args, **kwargs)
        for p in pragmas:
            db.execute(p)
        return db

    monkeypatch.setattr(store_module.sqlite3, "connect", connect)


def test_a_corrupt_cache_file_is_set_aside_and_the_run_goes_on(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    cache = tmp_path / "cache"
    bad = _oracle_store_path(cache)
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"this is not an SQLite database" * 100)
    report = MIEB([colour_zeroshot(tmp_path), colour_t2i(tmp_path)]).run(
        ColourOracle(), output_folder=tmp_path / "out", cache=cache, **RUN)
    assert report.ok and len(report.results) == 2
    warned = _warnings(caplog)
    assert len(warned) == 1 and str(bad) in warned[0] and "corrupt" in warned[0]
    assert "started a new one" in warned[0]
    aside = list(cache.glob("*.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    assert len(EmbeddingStore(bad)) > 0  # the new store was filled by this run


def test_corruption_found_mid_run_sets_the_file_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / f"{fingerprint_id(FP)}.sqlite"
    _fill(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(path.read_bytes())
    data[4096:len(data)] = b"\xff" * (len(data) - 4096)  # every page after the first overwritten
    path.write_bytes(bytes(data))
    store = EmbeddingCache(tmp_path).store(FP)
    assert store.get_many([text_key("t1"), text_key("t2")]) == {}  # a miss, not a traceback
    store.put_many([(text_key("new"), np.ones(3, np.float32))])
    assert np.array_equal(store.get_many([text_key("new")])[text_key("new")], np.ones(3, np.float32))
    warned = _warnings(caplog)
    assert len(warned) == 1 and str(path) in warned[0] and "corrupt" in warned[0]


def test_a_full_disk_warns_once_and_runs_without_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    # 512-byte pages, at most 5: room for the schema and the first batch, not for the whole run
    _connect_with(monkeypatch, "PRAGMA page_size = 512", "PRAGMA max_page_count = 5")
    cache = tmp_path / "cache"
    model = ColourOracle()
    report = MIEB([colour_zeroshot(tmp_path), colour_t2i(tmp_path)]).run(
        model, output_folder=tmp_path / "out", cache=cache, **RUN)
    assert report.ok and len(report.results) == 2
    warned = _warnings(caplog)
    assert len(warned) == 1, warned
    assert str(_oracle_store_path(cache)) in warned[0] and "disk is full" in warned[0]
    assert "goes on without the embedding cache" in warned[0]
    assert report.results[-1].mieb["run"]["embedding_cache"] is False  # the result says it ran without


def test_a_read_only_cache_warns_once_and_runs_without_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    _connect_with(monkeypatch, "PRAGMA query_only = ON")
    report = MIEB([colour_zeroshot(tmp_path)]).run(ColourOracle(), output_folder=tmp_path / "out",
                                                 cache=tmp_path / "cache", **RUN)
    assert report.ok
    warned = _warnings(caplog)
    assert len(warned) == 1 and "not writable" in warned[0] and "without the embedding cache" in warned[0]


def test_an_unusable_cache_location_warns_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    report = MIEB([colour_zeroshot(tmp_path)]).run(ColourOracle(), output_folder=tmp_path / "out",
                                                 cache=blocker / "cache", **RUN)
    assert report.ok
    warned = _warnings(caplog)
    assert len(warned) == 1 and str(blocker / "cache") in warned[0] and "without the embedding cache" in warned[0]


def test_cache_info_and_clear_repair_a_corrupt_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("MIEB_CACHE", str(tmp_path))
    root = tmp_path / "embeddings"
    _fill(root / f"{fingerprint_id(FP)}.sqlite")
    bad = root / ("0" * 24 + ".sqlite")
    bad.write_bytes(b"garbage" * 1000)
    (root / ("1" * 24 + ".sqlite.corrupt-20250101-000000")).write_bytes(b"set aside earlier")
    (root / ("2" * 24 + ".sqlite-wal")).write_bytes(b"orphan")
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert "m/x" in out and f"unusable: {bad}" in out and "corrupt" in out
    assert main(["cache", "clear"]) == 0
    assert "removed 1 cached model store(s) and 3 damaged file(s)" in capsys.readouterr().out
    assert list(root.iterdir()) == []
