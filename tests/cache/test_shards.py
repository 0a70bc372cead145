"""Embedding shards on shared storage: bit-exact round trip, content-addressed names, invisible until
complete, and the SQLite store in front of them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mieb.cache.shards import ShardStore, TieredStore, pack_shard, shard_id, unpack_shard
from mieb.cache.store import EmbeddingStore

FP = {"name": "test/model", "revision": "1"}


def _items(n: int, seed: int = 0) -> tuple[list[bytes], list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    keys = [b"i" + rng.bytes(15) + b"\x00" for _ in range(n)]  # trailing zero bytes survive
    return keys, [rng.standard_normal(8).astype(np.float32) for _ in range(n)]


def test_pack_round_trip_is_bit_exact_for_vectors_and_token_sets() -> None:
    keys, vecs = _items(5)
    multi = [np.full((t, 4), t, dtype=np.float32) for t in (1, 3, 2)]
    for ks, arrays in ((keys, vecs), (keys[:3], multi)):
        back = unpack_shard(pack_shard(ks, arrays))
        assert list(back) == ks
        for k, a in zip(ks, arrays, strict=True):
            assert back[k].dtype == np.float32 and back[k].shape == a.shape and np.array_equal(back[k], a)
    with pytest.raises(ValueError, match="2 keys but 1"):
        pack_shard(keys[:2], vecs[:1])


def test_shard_ids_are_content_addressed() -> None:
    keys, _ = _items(4)
    assert shard_id(keys) == shard_id(list(keys)) != shard_id(keys[::-1])
    assert shard_id([b"ab", b"c"]) != shard_id([b"a", b"bc"])  # lengths are part of the address


def test_put_then_get_from_another_store_and_rewrite_is_a_no_op(tmp_path: Path) -> None:
    url = (tmp_path / "shared").as_uri()
    keys, vecs = _items(6)
    writer, reader = ShardStore(url, FP), ShardStore(url, FP)
    sid = writer.put(keys[:3], vecs[:3])
    assert writer.put(keys[:3], vecs[:3]) == sid  # the same shard again: same name, nothing rewritten
    got = reader.get_many(keys)
    assert set(got) == set(keys[:3])
    writer.put(keys[3:], vecs[3:])
    assert set(reader.get_many(keys)) == set(keys)  # a key not in the index lists the manifest again
    assert np.array_equal(reader.get_many([keys[4]])[keys[4]], vecs[4])
    assert len(reader) == 6 and reader.shard_ids() == sorted(reader.shard_ids())
    assert ShardStore(url, {**FP, "revision": "2"}).get_many(keys) == {}  # another fingerprint, another folder


def test_a_shard_without_its_manifest_entry_is_invisible(tmp_path: Path) -> None:
    """A writer killed between the shard file and its manifest entry leaves nothing a reader uses."""
    url = (tmp_path / "shared").as_uri()
    keys, vecs = _items(3)
    store = ShardStore(url, FP)
    sid = store.put(keys, vecs)
    manifest = Path(store.root) / "manifest" / f"{sid}.json"
    manifest.unlink()
    assert ShardStore(url, FP).get_many(keys) == {}
    (Path(store.root) / "manifest" / f".{sid}.json.abcd1234.tmp").write_text("{}")  # a half-written entry
    assert ShardStore(url, FP).shard_ids() == []
    assert store.put(keys, vecs) == sid and set(ShardStore(url, FP).get_many(keys)) == set(keys)


def test_tiered_store_reads_sqlite_then_shards_and_copies_hits_down(tmp_path: Path) -> None:
    keys, vecs = _items(4)
    shared = ShardStore((tmp_path / "shared").as_uri(), FP)
    shared.put(keys[:2], vecs[:2])
    local = EmbeddingStore(tmp_path / "node.sqlite")
    local.put_many([(keys[2], vecs[2])])
    tiered = TieredStore(local, shared)
    got = tiered.get_many(keys)
    assert set(got) == set(keys[:3])
    assert set(local.get_many(keys)) == set(keys[:3])  # shard hits now in the node's store
    tiered.put_many([(keys[3], vecs[3])])
    assert set(local.get_many([keys[3]])) == {keys[3]} and shared.get_many([keys[3]]) == {}
    tiered.close()


def test_an_unreadable_shared_cache_costs_a_warning_not_the_run(tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    keys, vecs = _items(2)
    shared = ShardStore((tmp_path / "shared").as_uri(), FP)
    shared.put(keys, vecs)

    def broken(_: object) -> bytes:
        raise OSError("stale file handle")

    shared.fs.cat_file = broken  # type: ignore[method-assign]
    assert TieredStore(None, shared).get_many(keys) == {}
    assert "could not be read" in caplog.text
