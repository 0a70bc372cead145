"""Atomic writes: a crash leaves either the old file or the new one, never half of one, and no debris.

A file is written to a temporary name beside its target (`.<target name>.<8 characters>.tmp`), flushed
to disk and renamed over the target. The temporary is created with mode 0o666 like a plain `open()`,
so the user's umask applies (0644 under umask 022) and colleagues on a shared folder can read the
results; a file that already exists keeps its own mode. A kill between creation and rename leaves the
temporary behind: `remove_stale_temporaries` deletes those (only that pattern, only old ones), and
the runner calls it for every folder it writes into.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

# Older than this, a temporary cannot belong to a write still in progress (a result write takes
# milliseconds, an offline dataset build seconds).
STALE_AFTER_SECONDS = 3600.0

# `.<target>.<8 of [a-z0-9_]>.tmp`: what `temporary_name` makes, and what `tempfile.mkstemp` made in
# earlier mieb versions, whose debris is removed too.
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def temporary_name(target: Path) -> Path:
    """A fresh temporary path beside `target`, in the pattern `remove_stale_temporaries` recognises."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")


def is_temporary(name: str) -> bool:
    return bool(_TEMPORARY.match(name))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (temporary file, fsync, rename, fsync of the folder).

    Raises OSError (e.g. ENOSPC on a full disk) with the target left as it was and no temporary behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        keep_mode: int | None = path.stat().st_mode & 0o7777  # open() over an existing file keeps its mode
    except FileNotFoundError:
        keep_mode = None
    while True:
        tmp = temporary_name(path)
        try:  # 0o666 & ~umask, exactly as open(path, "w") would create it
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as f:
            if keep_mode is not None:
                os.fchmod(f.fileno(), keep_mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def write_json_atomic(path: Path, data: Any) -> None:
    """`data` as indented UTF-8 JSON, written with `write_bytes_atomic`."""
    write_bytes_atomic(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def make_temporary_dir(target: Path) -> Path:
    """A new empty folder beside `target` (to be renamed onto it when complete), mode 0o777 & ~umask."""
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = temporary_name(target)
        try:
            tmp.mkdir(mode=0o777)
            return tmp
        except FileExistsError:
            continue


def remove_stale_temporaries(folder: Path, older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Delete mieb's own temporaries in `folder` (not below it) last modified over `older_than` s ago.

    Only names of the `temporary_name` pattern are touched; a missing folder, or a temporary another
    process removes first, is not an error. Returns what was removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return removed
    cutoff = time.time() - older_than
    for entry in entries:
        if not is_temporary(entry.name):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_mtime > cutoff:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except FileNotFoundError:
            continue
        except OSError:  # not ours to force (permissions, a busy mount): leave it
            continue
        removed.append(Path(entry.path))
    return removed


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (a power loss after a rename can otherwise undo it)."""
    with contextlib.suppress(OSError):  # some file systems cannot open or fsync a folder
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
