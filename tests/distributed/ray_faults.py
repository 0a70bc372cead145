"""Faults injected into Ray workers, through `runtime_env={"worker_process_setup_hook": ...}`.

Each hook patches one function in the worker process it runs in. A fault fires once per marker file
(`MIEB_FAULT_MARKER`, created atomically by whichever worker fires first), so a retry succeeds; every
call is appended to `MIEB_FAULT_LOG` when set, so tests can count attempts.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any


def _first_time() -> bool:
    try:
        fd = os.open(os.environ["MIEB_FAULT_MARKER"], os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def _log(what: str) -> None:
    path = os.environ.get("MIEB_FAULT_LOG")
    if path:
        with open(path, "a") as f:
            f.write(f"{what} {os.getpid()}\n")


def _patch(owner: Any, name: str, before: Callable[[], None]) -> None:
    original = getattr(owner, name)

    def patched(*args: Any, **kwargs: Any) -> Any:
        before()
        return original(*args, **kwargs)

    setattr(owner, name, patched)


# What is patched is looked up when called (the Embedder's and the runner's methods), not the actor class
# or job function, which Ray ships to its workers itself.
def _encoding(before: Callable[[], None]) -> None:
    from mieb.runner.embedder import Embedder

    _patch(Embedder, "encode_images_uncached", before)
    _patch(Embedder, "encode_texts_uncached", before)


def _job(before: Callable[[], None]) -> None:
    from mieb.runner.run import _RunContext

    _patch(_RunContext, "_compute", before)


def encoder_dies_once() -> None:
    """The first encode request kills its encoder's process (as a crash or an OOM kill would)."""

    def die() -> None:
        _log("encode")
        if _first_time():
            os._exit(1)

    _encoding(die)


def job_dies_once() -> None:
    """The first job to start kills its worker process mid-job."""

    def die() -> None:
        _log("job")
        if _first_time():
            os._exit(1)

    _job(die)


def job_times_out_once() -> None:
    """The first job raises TimeoutError (as a Hub download that timed out would): a transient failure."""

    def fail() -> None:
        _log("job")
        if _first_time():
            raise TimeoutError("read timed out (injected)")

    _job(fail)


def job_raises_value_error() -> None:
    """Every job raises ValueError: not transient, so it must fail at once, without a retry."""

    def fail() -> None:
        _log("job")
        raise ValueError("a bug (injected)")

    _job(fail)


def slow_encoder() -> None:
    """Every encode request takes a second longer (so a driver can be killed mid-run)."""
    _encoding(lambda: time.sleep(1.0))
