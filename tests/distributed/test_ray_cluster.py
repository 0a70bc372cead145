"""The Ray executor on a real (loopback) cluster, as docs/ray.md runs it: a head started with
`ray start --head` on 127.0.0.1 (2 CPUs, 2 logical GPUs), and `mieb run --executor ray` sent to it with
`ray job submit`. Opt-in (marker `cluster`: `python -m pytest -m cluster tests/distributed`): it starts
a whole cluster, a few minutes on 2 cores.

The head is stopped by ending its own `ray start --block` process, never with `ray stop`, which would
also stop every other Ray on this machine (this session's local one, another user's)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ray_helpers import SRC, import_ray

pytestmark = pytest.mark.cluster

BIN = Path(sys.executable).parent
TASKS = ["ShapesZeroShot", "ShapesClustering", "ShapesT2IRetrieval"]
PINNED = {"ShapesZeroShot": 1.0, "ShapesClustering": 1.0}  # tests/test_offline_benchmark.py


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def head(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A loopback head node with token authentication; yields the address of its job server (the
    dashboard) and the environment a client needs (the token: docs/ray.md, Pitfalls)."""
    import_ray()
    tmp = tmp_path_factory.mktemp("ray-head")
    port, dashboard = free_port(), free_port()
    # The workers import this checkout's mieb; the temp dir is short (Ray's socket paths have a length limit).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
           "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(16)}
    temp_dir = Path(f"/tmp/mieb-ray-{os.getpid()}")
    proc = subprocess.Popen(
        [str(BIN / "ray"), "start", "--head", "--block", "--node-ip-address=127.0.0.1", f"--port={port}",
         "--num-cpus=2", "--num-gpus=2", "--include-dashboard=true", "--dashboard-host=127.0.0.1",
         f"--dashboard-port={dashboard}", "--object-store-memory=200000000", f"--temp-dir={temp_dir}",
         "--disable-usage-stats"],
        env=env, stdout=(tmp / "head.log").open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    address = f"http://127.0.0.1:{dashboard}"
    try:
        deadline = time.time() + 300
        while time.time() < deadline:
            assert proc.poll() is None, (tmp / "head.log").read_text()[-3000:]
            ok = subprocess.run([str(BIN / "ray"), "job", "list", "--address", address], capture_output=True,
                                text=True, timeout=120, env=env)
            if ok.returncode == 0:
                break
            time.sleep(2)
        else:
            pytest.fail("the loopback head's job server did not answer within 300 s:\n" + ok.stderr[-2000:]
                        + (tmp / "head.log").read_text()[-2000:])
        yield address, env
    finally:
        proc.send_signal(signal.SIGTERM)  # `ray start --block` stops the processes it started
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_a_run_submitted_with_ray_job_submit_completes(head: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    address, env = head
    out = tmp_path / "results"
    runtime_env = {"env_vars": {"MIEB_CACHE": str(tmp_path / "cache")}}
    cmd = [str(BIN / "ray"), "job", "submit", "--address", address, "--runtime-env-json", json.dumps(runtime_env),
           "--", str(BIN / "mieb"), "run", "-m", "mieb/tiny-clip-shapes", "-t", *TASKS, "--executor", "ray",
           "--gpus-per-job", "1", "--shard-size", "32", "--output-folder", str(out), "--num-workers", "0",
           "--no-progress", "--shared-cache", (tmp_path / "shared").as_uri()]
    deadline = time.time() + 420  # minutes on a loaded 2-core machine
    while True:  # the head's job agent starts after its job server answers: submitted once it is there
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=1200, env=env)
        if "No available agent to submit job" not in done.stderr or time.time() > deadline:
            break
        time.sleep(3)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "succeeded" in done.stdout, done.stdout[-4000:]  # `ray job submit` waits and reports the job's end
    from mieb.results.schema import TaskResult

    results = {p.stem: TaskResult.from_disk(p) for p in out.glob("mieb__tiny-clip-shapes/*/Shapes*.json")}
    assert sorted(results) == sorted(TASKS)
    assert {name: round(results[name].get_score(), 6) for name in PINNED} == PINNED
    gpus = set()
    for r in results.values():
        executor = r.mieb["executor"]
        assert executor["name"] == "ray"
        gpus |= {e["cuda_visible_devices"] for e in executor["encoders"].values()}
    assert gpus == {"0", "1"}  # both logical GPUs of the cluster encoded
