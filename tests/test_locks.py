"""Per-task leases: a held task is done last and not recomputed, and a killed holder lets go.

Two concurrent runs end to end: tests/faults/test_concurrency_and_hub.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from fake_models import ColourOracle
from local_tasks import colour_t2i, colour_zeroshot

from mieb.runner.run import MIEB

RUN = dict(encode_kwargs={"batch_size": 4, "num_workers": 0}, progress=False, cache=False)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


def test_a_lease_is_exclusive_until_released(tmp_path: Path) -> None:
    from mieb.locks import Lease

    a, b = Lease(tmp_path / "t.lock"), Lease(tmp_path / "t.lock")
    assert a.try_acquire() and not b.try_acquire()
    assert f"pid {os.getpid()}" in b.holder()
    a.release()
    assert b.try_acquire()
    b.release()
    assert not (tmp_path / "t.lock").exists()


def test_a_killed_holder_does_not_keep_its_lease(tmp_path: Path) -> None:
    from mieb.locks import Lease

    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from mieb.locks import Lease
        lease = Lease({str(tmp_path / "t.lock")!r})
        assert lease.try_acquire()
        print("held", flush=True)
        time.sleep(600)
    """)], stdout=subprocess.PIPE, text=True, env=_env())
    assert holder.stdout.readline().strip() == "held"
    mine = Lease(tmp_path / "t.lock")
    assert not mine.try_acquire()
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    t0 = time.monotonic()
    assert mine.try_acquire()  # same host: the dead owner's pid is seen at once, no need to wait a lease out
    assert time.monotonic() - t0 < 5
    mine.release()


def test_a_task_another_run_holds_is_done_last_and_not_recomputed(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    """The second run skips what the first is computing, does the rest, then waits and reuses its result."""
    from mieb.locks import task_lease

    zs, t2i = colour_zeroshot(tmp_path), colour_t2i(tmp_path)
    out = tmp_path / "out"
    rev = out / "test__colour-oracle" / "1"
    MIEB([zs]).run(ColourOracle(), output_folder=tmp_path / "other", **RUN)  # the "first run"'s result, ready
    lease = task_lease(rev, zs.name)
    assert lease.try_acquire()
    model = ColourOracle()
    box: dict = {}
    second = threading.Thread(target=lambda: box.setdefault("report", MIEB([zs, t2i]).run(
        model, output_folder=out, **RUN)))
    second.start()
    deadline = time.time() + 120
    while not (rev / "ColourT2IRetrieval.json").exists() and time.time() < deadline:
        time.sleep(0.05)
    assert (rev / "ColourT2IRetrieval.json").exists() and second.is_alive()  # waiting for ColourZeroShot
    calls = model.image_calls
    (rev / "ColourZeroShot.json").write_bytes(
        (tmp_path / "other" / "test__colour-oracle" / "1" / "ColourZeroShot.json").read_bytes())
    lease.release()  # the first run finishes
    second.join(120)
    report = box["report"]
    assert report.ok and report.skipped == ["ColourZeroShot"]
    assert [r.task_name for r in report.results] == ["ColourZeroShot", "ColourT2IRetrieval"]
    assert model.image_calls == calls  # nothing encoded for the task the other run computed
    assert any("being computed by another run" in r.getMessage() for r in caplog.records)
