"""An SQLite store of embeddings: crash-safe (WAL, one transaction per batch), shared by processes.

One database file per model fingerprint under `mieb.paths.embeddings_dir()`; values are float32
arrays of any shape ((d,) or (tokens, d)) stored as raw bytes, so a hit is bit-identical.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mieb.cache.keys import fingerprint_id

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS emb (key BLOB PRIMARY KEY, rows INTEGER NOT NULL, dim INTEGER NOT NULL,
                                vec BLOB NOT NULL) WITHOUT ROWID;
"""
_CHUNK = 900  # keys per SELECT ... IN (...), under every SQLite build's variable limit


class EmbeddingStore:
    """Key -> float32 array for one model fingerprint."""

    def __init__(self, path: Path, fingerprint: dict[str, Any] | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        if fingerprint is not None:
            self._db.execute("INSERT OR IGNORE INTO meta (k, v) VALUES ('fingerprint', ?)",
                             (json.dumps(fingerprint, sort_keys=True),))

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = list(keys[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            for key, rows, dim, vec in self._db.execute(
                f"SELECT key, rows, dim, vec FROM emb WHERE key IN ({marks})", chunk
            ):
                arr = np.frombuffer(vec, dtype=np.float32)
                found[key] = arr.reshape(rows, dim) if rows else arr
        return found

    def put_many(self, items: Iterable[tuple[bytes, np.ndarray]]) -> None:
        """Store a batch in one transaction: after a crash a batch is either all there or absent."""
        rows = []
        for key, arr in items:
            arr = np.ascontiguousarray(arr, dtype=np.float32)
            if arr.ndim == 1:
                rows.append((key, 0, arr.shape[0], arr.tobytes()))
            elif arr.ndim == 2:
                rows.append((key, arr.shape[0], arr.shape[1], arr.tobytes()))
            else:
                raise ValueError(f"cannot cache an embedding of shape {arr.shape}")
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO emb (key, rows, dim, vec) VALUES (?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM emb").fetchone()[0])

    def fingerprint(self) -> dict[str, Any]:
        row = self._db.execute("SELECT v FROM meta WHERE k = 'fingerprint'").fetchone()
        return json.loads(row[0]) if row else {}

    def close(self) -> None:
        self._db.close()


@dataclass
class StoreInfo:
    path: Path
    model: str
    revision: str | None
    precision: str | None
    device_type: str | None
    entries: int
    bytes: int


class EmbeddingCache:
    """The folder of per-model stores (default `mieb.paths.embeddings_dir()`)."""

    def __init__(self, root: Path | str | None = None):
        from mieb.paths import embeddings_dir

        self.root = Path(root) if root is not None else embeddings_dir()

    def store(self, fingerprint: dict[str, Any]) -> EmbeddingStore:
        return EmbeddingStore(self.root / f"{fingerprint_id(fingerprint)}.sqlite", fingerprint)

    def files(self) -> list[Path]:
        return sorted(self.root.glob("*.sqlite")) if self.root.is_dir() else []

    def info(self) -> list[StoreInfo]:
        out = []
        for f in self.files():
            store = EmbeddingStore(f)
            try:
                fp, n = store.fingerprint(), len(store)
            finally:
                store.close()
            size = sum(_size(p) for p in (f, f.with_name(f.name + "-wal")))
            out.append(StoreInfo(f, fp.get("name", "?"), fp.get("revision"), fp.get("precision"),
                                 fp.get("device_type"), n, size))
        return out

    def clear(self, model: str | None = None) -> int:
        """Delete the stores (of one model name, or all); returns how many were removed."""
        removed = 0
        for info in self.info():
            if model is None or info.model == model:
                for suffix in ("", "-wal", "-shm"):
                    info.path.with_name(info.path.name + suffix).unlink(missing_ok=True)
                removed += 1
        return removed


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
