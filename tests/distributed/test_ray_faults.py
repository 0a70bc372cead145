"""Failures on Ray: dead workers and encoders are retried, transient errors retried a bounded number of
times, other errors recorded at once, an impossible request refused before anything starts, and a
killed driver's run completed by the same command without recomputing what was finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from ray_helpers import worker_env

from mieb.runner.run import MIEB

BUNDLED = "mieb/tiny-clip-shapes"
ENCODE = {"batch_size": 32, "num_workers": 0}
TASKS = ["ShapesZeroShot", "ShapesClustering"]
PINNED = {"ShapesZeroShot": 1.0, "ShapesClustering": 1.0}  # tests/test_offline_benchmark.py


DRIVER = f"""
import json, sys
import ray
from mieb.runner.ray import RayExecutor
from mieb.runner.run import MIEB
args = json.loads(sys.argv[1])
ray.init(address=args["address"], runtime_env=args["runtime_env"], logging_level="WARNING")
report = MIEB(args["tasks"]).run({BUNDLED!r}, output_folder=args["out"], cache=False, progress=False,
                                 encode_kwargs={ENCODE!r}, executor=RayExecutor(poll_s=0.5, **args["executor"]))
print(json.dumps({{"failures": report.failures, "skipped": report.skipped,
                  "scores": {{r.task_name: round(r.get_score(), 6) for r in report.results}},
                  "jobs": sum(w.units for w in report.workers if w.role == "jobs")}}))
"""


def driver(tmp_path: Path, tasks: list[str], hook: str | None, **executor: Any) -> subprocess.Popen[bytes]:
    """A driver in its own process, joined to the session's cluster. Its job-level runtime_env sets the
    fault hook (Ray runs setup hooks given to ray.init in every worker of that job)."""
    import ray

    env = worker_env(MIEB_FAULT_MARKER=str(tmp_path / "fired"), MIEB_FAULT_LOG=str(tmp_path / "calls"))
    if hook is not None:
        env["worker_process_setup_hook"] = f"ray_faults.{hook}"
    args = {"address": ray.get_runtime_context().gcs_address, "runtime_env": env, "tasks": tasks,
            "out": str(tmp_path / "out"), "executor": executor}
    return subprocess.Popen([sys.executable, "-c", DRIVER, json.dumps(args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": env["env_vars"]["PYTHONPATH"]})


def finish(proc: subprocess.Popen[bytes], timeout: float = 1200) -> dict[str, Any]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err.decode()[-4000:]
    return json.loads(out.decode().strip().splitlines()[-1])


def _calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls"
    return log.read_text().split("\n")[:-1] if log.exists() else []


@pytest.mark.cluster  # a minute each on 2 cores: run by CI's Ray step (-m cluster), not the default run
@pytest.mark.parametrize("hook", ["encoder_dies_once", "job_dies_once", "job_times_out_once"])
def test_a_dead_worker_or_a_transient_error_is_retried_and_the_run_completes(ray_cluster: Any, tmp_path: Path,
                                                                             hook: str) -> None:
    report = finish(driver(tmp_path, TASKS, hook))
    assert (tmp_path / "fired").exists()  # the fault did happen
    assert not report["failures"] and report["scores"] == PINNED
    attempts = [c.split()[0] for c in _calls(tmp_path)]
    what = "encode" if hook.startswith("encoder") else "job"
    assert attempts.count(what) > (1 if what == "encode" else len(TASKS))  # one more attempt than without


@pytest.mark.cluster
def test_a_non_transient_error_is_recorded_without_a_retry(ray_cluster: Any, tmp_path: Path) -> None:
    report = finish(driver(tmp_path, TASKS, "job_raises_value_error"))
    assert set(report["failures"]) == set(TASKS)
    assert all("ValueError: a bug (injected)" in m for m in report["failures"].values())
    assert len(_calls(tmp_path)) == len(TASKS)  # one attempt each
    (error,) = (tmp_path / "out").glob("mieb__tiny-clip-shapes/*/errors/ShapesZeroShot.json")
    assert "ValueError" in json.loads(error.read_text())["traceback"]


@pytest.mark.parametrize(("options", "needle"), [({"gpus_per_job": 4}, "no node of the Ray cluster has that many"),
                                                 ({"encoders": 3}, "room for 2"),
                                                 ({"cpus_per_job": 8}, "needs 8 CPU"),
                                                 ({"gpus_per_job": 0, "encoders": 2}, "leaving less than")])
def test_an_infeasible_request_fails_fast(ray_cluster: Any, tmp_path: Path, options: dict[str, Any],
                                          needle: str) -> None:
    from mieb.runner.ray import InfeasibleRequestError, RayExecutor

    t0 = time.perf_counter()
    with pytest.raises(InfeasibleRequestError, match=needle):
        MIEB(TASKS).run(BUNDLED, output_folder=tmp_path, progress=False, executor=RayExecutor(**options))
    assert time.perf_counter() - t0 < 30
    assert not list(tmp_path.glob("*/*/*.json"))  # nothing was computed or written


@pytest.mark.cluster
def test_a_killed_driver_is_resumed_by_the_same_command(ray_cluster: Any, tmp_path: Path) -> None:
    """The driver (its own process, joined to the session's cluster) is killed once some tasks are
    written; the same command run again computes only what was not finished."""

    tasks = ["ShapesClustering", "ShapesZeroShot", "ShapesI2IRetrieval", "ShapesMultilabel", "ShapesT2IRetrieval"]
    out, shared = tmp_path / "out", (tmp_path / "shared").as_uri()
    proc = driver(tmp_path, tasks, "slow_encoder", shared_cache=shared, encoders=1)
    folder = out / "mieb__tiny-clip-shapes"
    deadline = time.time() + 900
    while time.time() < deadline and proc.poll() is None and len(list(folder.glob("*/Shapes*.json"))) < 2:
        time.sleep(0.5)
    assert proc.poll() is None, proc.stderr.read().decode()[-3000:] if proc.stderr else ""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = {p.name: p.read_bytes() for p in folder.glob("*/Shapes*.json")}
    assert 2 <= len(finished) < len(tasks)

    report = finish(driver(tmp_path, tasks, None, shared_cache=shared, encoders=1))
    assert not report["failures"]
    assert sorted(report["skipped"]) == sorted(n.removesuffix(".json") for n in finished)
    for p in folder.glob("*/Shapes*.json"):
        if p.name in finished:
            assert p.read_bytes() == finished[p.name]  # untouched
    assert set(report["scores"]) == set(tasks)
    assert report["jobs"] == len(tasks) - len(finished)
