"""Embedding shards on storage several machines share: a folder on a shared file system or an object
store, named by an fsspec URL (`file:///shared/mieb`, `s3://bucket/mieb`, `gs://bucket/mieb`; the
`s3fs` / `gcsfs` packages provide the last two).

Layout, per model fingerprint (the same fingerprint that names the local SQLite store):

    {url}/{fingerprint id}/fingerprint.json             what the embeddings depend on
    {url}/{fingerprint id}/shards/{shard id}.npz        keys and float32 embeddings of one shard
    {url}/{fingerprint id}/manifest/{shard id}.json     written after its shard: the shard is visible

A shard is immutable and content-addressed: its id is a hash of its keys in order, so two workers that
encode the same shard (a retried one, two runs racing) write the same name with the same bytes. Each
file is written whole (a temporary name renamed on a file system, one PUT on an object store), and a
shard is read only once its manifest entry exists, so a reader never sees a partial shard.

`TieredStore` puts a node's local SQLite store (`EmbeddingStore`) in front: lookups go to SQLite first,
then to the shards (hits are copied into SQLite), and the Embedder's own writes go to SQLite; shards are
written whole by the encoders that computed them.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mieb.cache.keys import fingerprint_id

if TYPE_CHECKING:
    from mieb.cache.store import EmbeddingStore

logger = logging.getLogger("mieb")

SHARD_FORMAT = 1
_LOADED_SHARDS = 8  # shards kept decoded in memory per store (least recently used dropped first)


def shard_id(keys: Sequence[bytes]) -> str:
    """The content address of a shard: a hash of its keys in order (the keys name the inputs and the
    store names the model, so equal keys mean equal embeddings)."""
    h = hashlib.blake2b(digest_size=16)
    for k in keys:
        h.update(len(k).to_bytes(2, "little"))
        h.update(k)
    return h.hexdigest()


def pack_shard(keys: Sequence[bytes], embeddings: Sequence[np.ndarray]) -> bytes:
    """One shard as .npz bytes: `keys` (N, L) uint8 with `key_lengths` (N,) (numpy's bytes type would drop
    a key's trailing zero bytes), `shapes` (N, 2) int64 (rows, dim; rows 0 for a (dim,) vector) and
    `offsets` (N + 1,) int64 into the flat float32 `values`."""
    if len(keys) != len(embeddings):
        raise ValueError(f"{len(keys)} keys but {len(embeddings)} embeddings")
    arrays = [np.ascontiguousarray(e, dtype=np.float32) for e in embeddings]
    shapes = np.zeros((len(arrays), 2), dtype=np.int64)
    for i, a in enumerate(arrays):
        if a.ndim == 1:
            shapes[i] = (0, a.shape[0])
        elif a.ndim == 2:
            shapes[i] = a.shape
        else:
            raise ValueError(f"cannot store an embedding of shape {a.shape}")
    sizes = np.array([a.size for a in arrays], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    values = np.concatenate([a.ravel() for a in arrays]) if arrays else np.zeros(0, dtype=np.float32)
    lengths = np.array([len(k) for k in keys], dtype=np.int64)
    key_bytes = np.zeros((len(keys), int(lengths.max()) if len(keys) else 0), dtype=np.uint8)
    for i, k in enumerate(keys):
        key_bytes[i, : len(k)] = np.frombuffer(k, dtype=np.uint8)
    buf = io.BytesIO()
    np.savez(buf, format=np.array(SHARD_FORMAT), keys=key_bytes, key_lengths=lengths, shapes=shapes,
             offsets=offsets, values=values)
    return buf.getvalue()


def unpack_shard(data: bytes) -> dict[bytes, np.ndarray]:
    """Key -> float32 array ((dim,) or (rows, dim)) of a shard written by `pack_shard`."""
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        if int(z["format"]) != SHARD_FORMAT:
            raise ValueError(f"embedding shard format {int(z['format'])}, this mieb reads {SHARD_FORMAT}")
        keys, lengths, shapes = z["keys"], z["key_lengths"], z["shapes"]
        offsets, values = z["offsets"], z["values"]
    out: dict[bytes, np.ndarray] = {}
    for i, length in enumerate(lengths):
        key = keys[i, :length].tobytes()
        rows, dim = (int(x) for x in shapes[i])
        flat = values[offsets[i] : offsets[i + 1]]
        out[key] = flat.reshape(rows, dim) if rows else flat
    return out


class ShardStore:
    """The shards of one model fingerprint under an fsspec URL.

    `put(keys, embeddings)` writes one shard (and returns its id); `get_many(keys)` finds keys in the
    complete shards (listing the manifest again when a key is not in the index yet). Thread-safe.
    Storage errors propagate as OSError (or the fsspec backend's own exception).
    """

    def __init__(self, url: str, fingerprint: dict[str, Any]):
        import fsspec

        self.url = url.rstrip("/")
        self.fingerprint = fingerprint
        self.fs, root = fsspec.core.url_to_fs(self.url)
        self.root = f"{root.rstrip('/')}/{fingerprint_id(fingerprint)}"
        self._local = "file" in _protocols(self.fs)
        self._index: dict[bytes, str] = {}  # key -> shard id
        self._known: set[str] = set()  # shard ids whose keys are indexed
        self._loaded: OrderedDict[str, dict[bytes, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()
        self._fingerprint_written = False

    # -- writing --------------------------------------------------------------------------------
    def put(self, keys: Sequence[bytes], embeddings: Sequence[np.ndarray]) -> str:
        """Write one shard (a no-op if a complete shard with these keys exists); returns its id."""
        sid = shard_id(keys)
        manifest = f"{self.root}/manifest/{sid}.json"
        if self.fs.exists(manifest):
            return sid
        if not self._fingerprint_written:
            self._write(f"{self.root}/fingerprint.json",
                        json.dumps(self.fingerprint, sort_keys=True, indent=1).encode())
            self._fingerprint_written = True
        self._write(f"{self.root}/shards/{sid}.npz", pack_shard(keys, embeddings))
        self._write(manifest, json.dumps({"shard": sid, "entries": len(keys), "format": SHARD_FORMAT}).encode())
        return sid

    def _write(self, path: str, data: bytes) -> None:
        """The whole file or nothing: a temporary renamed into place on a file system, one PUT elsewhere."""
        if not self._local:
            self.fs.pipe_file(path, data)
            return
        parent = path.rsplit("/", 1)[0]
        self.fs.makedirs(parent, exist_ok=True)
        tmp = f"{parent}/.{path.rsplit('/', 1)[1]}.{secrets.token_hex(4)}.tmp"
        try:
            with self.fs.open(tmp, "wb") as f:
                f.write(data)
            self.fs.mv(tmp, path)
        except BaseException:
            if self.fs.exists(tmp):
                self.fs.rm(tmp)
            raise

    # -- reading --------------------------------------------------------------------------------
    def shard_ids(self) -> list[str]:
        """The complete shards (those with a manifest entry), sorted."""
        try:
            entries = self.fs.ls(f"{self.root}/manifest", detail=False)
        except FileNotFoundError:
            return []
        names = (str(e).rsplit("/", 1)[-1] for e in entries)
        return sorted(n.removesuffix(".json") for n in names if n.endswith(".json") and not n.startswith("."))

    def _refresh(self) -> None:
        for sid in self.shard_ids():
            if sid not in self._known:
                self._index.update(dict.fromkeys(self._shard(sid), sid))
                self._known.add(sid)

    def _shard(self, sid: str) -> dict[bytes, np.ndarray]:
        shard = self._loaded.get(sid)
        if shard is None:
            shard = unpack_shard(self.fs.cat_file(f"{self.root}/shards/{sid}.npz"))
            self._loaded[sid] = shard
            while len(self._loaded) > _LOADED_SHARDS:
                self._loaded.popitem(last=False)
        else:
            self._loaded.move_to_end(sid)
        return shard

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        with self._lock:
            if any(k not in self._index for k in keys):
                self._refresh()
            by_shard: dict[str, list[bytes]] = {}
            for k in keys:
                if k in self._index:
                    by_shard.setdefault(self._index[k], []).append(k)
            found: dict[bytes, np.ndarray] = {}
            for sid, wanted in by_shard.items():
                shard = self._shard(sid)
                found.update((k, shard[k]) for k in wanted)
            return found

    def __len__(self) -> int:
        with self._lock:
            self._refresh()
            return len(self._index)


def _protocols(fs: Any) -> tuple[str, ...]:
    p = fs.protocol
    return (p,) if isinstance(p, str) else tuple(p)


class TieredStore:
    """A node's SQLite store in front of shared shards (see the module docstring). The Embedder uses it
    like an `EmbeddingStore`: `get_many` / `put_many` / `enabled` / `close`."""

    def __init__(self, local: EmbeddingStore | None, shared: ShardStore):
        self.local, self.shared = local, shared

    @property
    def enabled(self) -> bool:
        return True

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found = self.local.get_many(keys) if self.local is not None else {}
        rest = [k for k in keys if k not in found]
        if rest:
            try:
                remote = self.shared.get_many(rest)
            except OSError as e:  # a shared cache that cannot be read costs time, never the run
                logger.warning("shared embedding cache %s could not be read (%s): encoding instead",
                               self.shared.url, e)
                remote = {}
            if remote and self.local is not None:
                self.local.put_many(remote.items())
            found.update(remote)
        return found

    def put_many(self, items: Iterable[tuple[bytes, np.ndarray]]) -> None:
        if self.local is not None:
            self.local.put_many(items)

    def close(self) -> None:
        if self.local is not None:
            self.local.close()
