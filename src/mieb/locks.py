"""Leases on units of work, so that processes sharing an output folder do each unit once.

A `Lease` is `filelock.SoftFileLease`: a marker file holding the owner's pid, host and a token, kept
fresh by a heartbeat thread. Another process takes it over when its owner is dead (same host: at once)
or when the marker has not been refreshed for `LEASE_SECONDS` (another host: a killed machine, or a
process frozen that long), so a killed holder never keeps a lease for ever. It needs no lock support
from the file system (only atomic create and rename), so it also works across machines on a shared
folder. The runner takes one per task result (`task_lease`); the cache and executors can take their own.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from mieb.paths import safe_component

if TYPE_CHECKING:
    from filelock import SoftFileLease

logger = logging.getLogger("mieb")

LEASE_SECONDS = 60.0  # every process contending for a lease must use the same value
LOCKS_FOLDER = ".locks"  # hidden: results readers skip dot folders


class Lease:
    """An exclusive, expiring claim on `path` (the marker file), shared by processes and hosts.

    `try_acquire()` returns at once; `acquire()` waits. Not reentrant; release what you acquire
    (or use it as a context manager, which waits).
    """

    def __init__(self, path: Path, lease_seconds: float = LEASE_SECONDS):
        self.path = Path(path)
        self.lease_seconds = lease_seconds
        self._lock: SoftFileLease | None = None

    def _file_lock(self) -> SoftFileLease:
        if self._lock is None:
            from filelock import SoftFileLease

            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = SoftFileLease(self.path, lease_duration=self.lease_seconds, is_singleton=False,
                                       thread_local=False, on_compromise=self._lost)
        return self._lock

    def try_acquire(self) -> bool:
        """Take the lease if it is free (or its holder is dead or stale); False if someone holds it."""
        from filelock import Timeout

        try:
            self._file_lock().acquire(timeout=0)
        except Timeout:
            return False
        return True

    def acquire(self, poll_seconds: float = 0.5) -> None:
        """Wait until the lease is ours (at most `lease_seconds` after its holder dies)."""
        self._file_lock().acquire(timeout=-1, poll_interval=poll_seconds)

    def release(self) -> None:
        if self._lock is not None and self._lock.is_locked:
            self._lock.release()

    @property
    def held(self) -> bool:
        return self._lock is not None and self._lock.is_locked

    def holder(self) -> str:
        """Who holds the lease, from its marker (`pid N on host H, for S s`), for messages."""
        try:
            fields = dict(line.split("=", 1) for line in self.path.read_text().splitlines() if "=" in line)
            age = time.time() - self.path.stat().st_mtime
        except (OSError, ValueError):
            return "another process"
        return f"pid {fields.get('pid', '?')} on host {fields.get('host', '?')} (alive {age:.0f} s ago)"

    def _lost(self, compromise: object) -> None:
        # Called from the heartbeat thread: the marker was taken over (we were frozen past the lease)
        # or could not be refreshed. The work still completes; another process may duplicate it.
        logger.warning("lost the lease %s (%s): another run may now compute the same work",
                       self.path, getattr(compromise, "reason", compromise))

    def __enter__(self) -> Lease:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def task_lease(revision_dir: Path, task_name: str) -> Lease:
    """The lease on one task's result file `revision_dir/<task>.json` (marker in `revision_dir/.locks/`)."""
    return Lease(revision_dir / LOCKS_FOLDER / f"{safe_component(task_name, 'task name')}.lock")
