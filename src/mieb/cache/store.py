"""An SQLite store of embeddings: crash-safe (WAL, one transaction per batch), shared by processes.

One database file per model fingerprint under `mieb.paths.embeddings_dir()`; values are float32
arrays of any shape ((d,) or (tokens, d)) stored as raw bytes, so a hit is bit-identical.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mieb.cache.keys import fingerprint_id
from mieb.paths import safe_component

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS emb (key BLOB PRIMARY KEY, rows INTEGER NOT NULL, dim INTEGER NOT NULL,
                                vec BLOB NOT NULL) WITHOUT ROWID;
"""
_CHUNK = 900  # keys per SELECT ... IN (...), under every SQLite build's variable limit
CORRUPT_MARK = ".corrupt-"  # a set-aside damaged store: <fingerprint>.sqlite.corrupt-<time>

logger = logging.getLogger("mieb")


class EmbeddingStore:
    """Key -> float32 array for one model fingerprint.

    A cache fault never stops a run. Opening with `EmbeddingStore(path)` raises `sqlite3.Error` or
    `OSError` (what `mieb cache info` reports); `EmbeddingCache.store` opens it resilient instead, and a
    resilient store turns every fault, at opening or later, into one warning that names the file and
    what mieb does: a corrupt file is set aside (renamed `<file>.corrupt-<time>`) and a new one started;
    a read-only location, a full disk or another I/O error make the store a no-op for the rest of the
    run (`enabled` False: `get_many` finds nothing, `put_many` stores nothing).
    """

    def __init__(self, path: Path, fingerprint: dict[str, Any] | None = None, *, resilient: bool = False):
        self.path = Path(path)
        self._fingerprint = fingerprint
        self._resilient = resilient
        self._db: sqlite3.Connection | None = None
        try:
            self._open()
        except (sqlite3.Error, OSError) as e:
            if not resilient:
                raise
            self._fault(e, "opening")

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            if self._fingerprint is not None:
                db.execute("INSERT OR IGNORE INTO meta (k, v) VALUES ('fingerprint', ?)",
                           (json.dumps(self._fingerprint, sort_keys=True),))
        except BaseException:
            db.close()
            raise
        self._db = db

    @property
    def enabled(self) -> bool:
        """False once a fault has turned the store off for this run."""
        return self._db is not None

    def _fault(self, error: BaseException, doing: str) -> None:
        """Handle an I/O fault of a resilient store (re-raise it for a plain one): one warning, then go on."""
        if not self._resilient:
            raise error
        self.close()
        if is_corrupt(error):
            try:
                aside = set_aside(self.path)
            except OSError as stuck:
                logger.warning("embedding cache %s is corrupt (%s) and cannot be moved aside (%s): this run goes on "
                               "without the embedding cache; `mieb cache clear` removes it", self.path, error,
                               describe_fault(stuck))
                return
            try:
                self._open()
            except (sqlite3.Error, OSError) as again:
                logger.warning("embedding cache %s is corrupt (%s): moved it to %s; a new one cannot be started "
                               "(%s), so this run goes on without the embedding cache", self.path, error, aside,
                               describe_fault(again))
                return
            logger.warning("embedding cache %s is corrupt (%s): moved it to %s and started a new one; "
                           "embeddings stored there are computed again", self.path, error, aside)
            return
        logger.warning("embedding cache %s: %s while %s it; this run goes on without the embedding cache "
                       "(embeddings are computed, not stored)", self.path, describe_fault(error), doing)

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        if self._db is None:
            return found
        try:
            for start in range(0, len(keys), _CHUNK):
                chunk = list(keys[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                for key, rows, dim, vec in self._db.execute(
                    f"SELECT key, rows, dim, vec FROM emb WHERE key IN ({marks})", chunk
                ):
                    arr = np.frombuffer(vec, dtype=np.float32)
                    found[key] = arr.reshape(rows, dim) if rows else arr
        except (sqlite3.Error, OSError) as e:
            self._fault(e, "reading")
            return {}
        return found

    def put_many(self, items: Iterable[tuple[bytes, np.ndarray]]) -> None:
        """Store a batch in one transaction: after a crash a batch is either all there or absent."""
        if self._db is None:
            return
        rows = []
        for key, arr in items:
            arr = np.ascontiguousarray(arr, dtype=np.float32)
            if arr.ndim == 1:
                rows.append((key, 0, arr.shape[0], arr.tobytes()))
            elif arr.ndim == 2:
                rows.append((key, arr.shape[0], arr.shape[1], arr.tobytes()))
            else:
                raise ValueError(f"cannot cache an embedding of shape {arr.shape}")
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT OR REPLACE INTO emb (key, rows, dim, vec) VALUES (?, ?, ?, ?)", rows)
        except (sqlite3.Error, OSError) as e:
            self._fault(e, "writing")

    def __len__(self) -> int:
        if self._db is None:
            return 0
        return int(self._db.execute("SELECT COUNT(*) FROM emb").fetchone()[0])

    def fingerprint(self) -> dict[str, Any]:
        if self._db is None:
            return {}
        row = self._db.execute("SELECT v FROM meta WHERE k = 'fingerprint'").fetchone()
        return json.loads(row[0]) if row else {}

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def is_corrupt(error: BaseException) -> bool:
    """Whether `error` says the database file itself is damaged (not a lock, a permission or a full disk)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def describe_fault(error: BaseException) -> str:
    """A short cause for a cache fault, in the user's terms."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = None if code is None else code & 0xFF
    if primary == sqlite3.SQLITE_FULL or getattr(error, "errno", None) == errno.ENOSPC:
        return f"the disk is full ({error})"
    if primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM) or \
            isinstance(error, PermissionError) or getattr(error, "errno", None) == errno.EROFS:
        return f"the location is not writable ({error})"
    return f"{type(error).__name__}: {error}"


def set_aside(path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm files) to `<name>.corrupt-<time>`; returns the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}{CORRUPT_MARK}{stamp}")
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(path.with_name(path.name + suffix), aside.with_name(aside.name + suffix))
    return aside


@dataclass
class StoreInfo:
    """One cache file. `problem` is set for a file mieb cannot use (corrupt, unreadable, set aside)."""

    path: Path
    model: str
    revision: str | None
    precision: str | None
    device_type: str | None
    entries: int
    bytes: int
    problem: str | None = None


@dataclass
class Cleared:
    """What `EmbeddingCache.clear` did: model stores removed, damaged files removed, files it could not remove."""

    removed: list[Path] = field(default_factory=list)
    damaged: list[Path] = field(default_factory=list)
    failed: dict[Path, str] = field(default_factory=dict)


class EmbeddingCache:
    """The folder of per-model stores (default `mieb.paths.embeddings_dir()`)."""

    def __init__(self, root: Path | str | None = None):
        from mieb.paths import embeddings_dir

        self.root = Path(root) if root is not None else embeddings_dir()

    def store(self, fingerprint: dict[str, Any]) -> EmbeddingStore:
        """The model's store, resilient: a fault warns once and never raises (see `EmbeddingStore`)."""
        name = safe_component(f"{fingerprint_id(fingerprint)}.sqlite", "cache file name")
        return EmbeddingStore(self.root / name, fingerprint, resilient=True)

    def files(self) -> list[Path]:
        return sorted(self.root.glob("*.sqlite")) if self.root.is_dir() else []

    def damaged_files(self) -> list[Path]:
        """Set-aside corrupt stores and -wal/-shm files left without their database."""
        if not self.root.is_dir():
            return []
        aside = self.root.glob(f"*.sqlite{CORRUPT_MARK}*")
        orphans = [p for suffix in ("-wal", "-shm") for p in self.root.glob(f"*.sqlite{suffix}")
                   if not p.with_name(p.name.removesuffix(suffix)).exists()]
        return sorted({*aside, *orphans})

    def info(self) -> list[StoreInfo]:
        """Every store with its model and size; unusable files are listed with their `problem`."""
        out = []
        for f in self.files():
            size = sum(_size(p) for p in (f, f.with_name(f.name + "-wal")))
            try:
                store = EmbeddingStore(f)
                try:
                    fp, n = store.fingerprint(), len(store)
                finally:
                    store.close()
            except (sqlite3.Error, OSError) as e:
                problem = f"corrupt ({e})" if is_corrupt(e) else describe_fault(e)
                out.append(StoreInfo(f, "?", None, None, None, 0, size, problem))
                continue
            out.append(StoreInfo(f, fp.get("name", "?"), fp.get("revision"), fp.get("precision"),
                                 fp.get("device_type"), n, size))
        for f in self.damaged_files():
            out.append(StoreInfo(f, "?", None, None, None, 0, _size(f), "set aside" if CORRUPT_MARK in f.name
                                 else "left without its database"))
        return out

    def clear(self, model: str | None = None) -> Cleared:
        """Delete the stores of one model name (or all) and every damaged or unreadable file.

        Damaged files belong to no model mieb can read, so they go whatever `model` is. A file that
        cannot be removed (a read-only location) is reported in `failed`, and the rest still goes.
        """
        done = Cleared()
        for info in self.info():
            if info.problem is None and model is not None and info.model != model:
                continue
            try:
                for suffix in ("", "-wal", "-shm") if info.path.suffix == ".sqlite" else ("",):
                    info.path.with_name(info.path.name + suffix).unlink(missing_ok=True)
            except OSError as e:
                done.failed[info.path] = describe_fault(e)
                continue
            (done.damaged if info.problem else done.removed).append(info.path)
        return done


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
