"""The embedding store: exact round trips, shared files, survival of a killed writer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

from mieb.cache.keys import fingerprint_id, image_key, text_key
from mieb.cache.store import EmbeddingCache, EmbeddingStore

FP = {"name": "m/x", "revision": "1", "precision": "fp32", "device_type": "cpu"}


def test_round_trip_is_bit_identical(tmp_path: Path) -> None:
    store = EmbeddingCache(tmp_path).store(FP)
    rng = np.random.default_rng(0)
    vecs = {text_key(f"t{i}"): rng.standard_normal(7).astype(np.float32) for i in range(2000)}
    multi = {image_key(b"x" * 16): rng.standard_normal((3, 7)).astype(np.float32)}
    store.put_many(list(vecs.items()) + list(multi.items()))
    got = store.get_many(list(vecs) + list(multi) + [text_key("absent")])
    assert len(got) == 2001
    for k, v in {**vecs, **multi}.items():
        assert got[k].dtype == np.float32 and np.array_equal(got[k], v)
    assert len(store) == 2001


def test_keys_separate_content_and_context() -> None:
    from mieb.models.encoder import EncodeContext

    assert text_key("a") != text_key("b")
    assert text_key("a") == text_key("a")
    assert text_key("a", EncodeContext(prompt_type="query")) != text_key("a", EncodeContext(prompt_type="document"))
    assert image_key(b"0" * 16)[:1] == b"i" and text_key("a")[:1] == b"t"


def test_info_and_clear(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path)
    cache.store(FP).put_many([(text_key("a"), np.ones(3, np.float32))])
    cache.store({**FP, "name": "m/y"}).put_many([(text_key("a"), np.ones(3, np.float32))])
    infos = {i.model: i for i in cache.info()}
    assert set(infos) == {"m/x", "m/y"} and infos["m/x"].entries == 1 and infos["m/x"].bytes > 0
    assert len(cache.clear("m/x").removed) == 1
    assert [i.model for i in cache.info()] == ["m/y"]
    assert len(cache.clear().removed) == 1 and cache.info() == []


def test_store_survives_a_killed_writer(tmp_path: Path) -> None:
    """SIGKILL a process mid-way through writing batches: every committed batch is readable."""
    path = tmp_path / f"{fingerprint_id(FP)}.sqlite"
    script = textwrap.dedent(f"""
        import numpy as np, sys
        from mieb.cache.store import EmbeddingStore
        s = EmbeddingStore({str(path)!r})
        i = 0
        while True:
            s.put_many([(b"k%d-%d" % (i, j), np.full(64, i, np.float32)) for j in range(100)])
            print(i, flush=True)
            i += 1
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    done = -1
    deadline = time.time() + 60
    while done < 20 and time.time() < deadline:
        done = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    store = EmbeddingStore(path)
    n = len(store)
    assert n % 100 == 0 and n >= 2100  # whole batches only
    got = store.get_many([b"k%d-%d" % (i, j) for i in range(done + 1) for j in range(100)])
    assert len(got) == (done + 1) * 100
    assert all(np.array_equal(v, np.full(64, int(k[1:].split(b"-")[0]), np.float32)) for k, v in got.items())
