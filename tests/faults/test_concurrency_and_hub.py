"""Concurrent runs on one output folder and cache; a run holder killed while another waits; no Hub."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fault_helpers import env, lost, mieb, results

pytestmark = pytest.mark.faults
INJECT = Path(__file__).with_name("inject.py")
TASKS = ["ColourT2IRetrieval", "ColourZeroShot", "ColourProbe"]


def _start(tmp_path: Path, **cfg: object) -> subprocess.Popen:
    cfg = {"root": str(tmp_path / "data"), "out": str(tmp_path / "results"), "cache": str(tmp_path / "cache"), **cfg}
    return subprocess.Popen([sys.executable, str(INJECT), json.dumps(cfg)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env())


def _report(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def test_two_runs_on_one_folder_compute_each_task_once(tmp_path: Path, ledger) -> None:
    (tmp_path / "data").mkdir()
    _report(_start(tmp_path, only=[], cache=None))  # build the datasets once, outside the race
    runs = [_start(tmp_path, delay=0.3) for _ in range(2)]
    reports = [_report(p) for p in runs]
    computed = []
    for r in reports:
        assert r["ok"] and sorted(r["results"]) == sorted(TASKS)
        computed += sorted(set(r["results"]) - set(r["skipped"]))
    assert sorted(computed) == sorted(TASKS), computed  # each task computed by exactly one of the two runs
    ledger.record("two concurrent runs, same results folder and cache", runs_completed=2,
                  outcome=f"each task computed once ({len(computed)} computations for {len(TASKS)} tasks)")


def test_a_killed_run_does_not_block_the_one_waiting_for_it(tmp_path: Path, ledger) -> None:
    (tmp_path / "data").mkdir()
    _report(_start(tmp_path, only=[], cache=None))
    holder = _start(tmp_path, delay=20.0, only=["ColourZeroShot"])  # holds the task for a minute or more
    rev = tmp_path / "results" / "test__colour-oracle" / "1"
    deadline = time.time() + 300
    while not (rev / ".locks" / "ColourZeroShot.lock").exists() and time.time() < deadline:
        time.sleep(0.05)
    waiting = _start(tmp_path)
    others = [rev / "ColourT2IRetrieval.json", rev / "ColourProbe.json"]
    while not all(p.exists() for p in others) and time.time() < deadline:  # it did the others: now it waits
        time.sleep(0.05)
    assert holder.poll() is None and waiting.poll() is None and not (rev / "ColourZeroShot.json").exists()
    holder.send_signal(signal.SIGKILL)
    assert holder.wait() == -signal.SIGKILL
    report = _report(waiting)
    assert report["ok"] and sorted(report["results"]) == sorted(TASKS)
    n_lost = lost({}, results(tmp_path / "results"), TASKS)
    assert n_lost == 0
    ledger.record("kill -9 of a run holding a task another run waits for", runs_completed=1, results_lost=n_lost,
                  outcome="the waiting run takes the task over and completes")


def _no_hub(tmp_path: Path) -> dict[str, str]:
    return {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_CACHE": str(tmp_path / "hf" / "hub"),
            "HF_DATASETS_CACHE": str(tmp_path / "hf" / "datasets")}


def _clean(proc: subprocess.CompletedProcess) -> None:
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and "Retrying" not in text, text[-3000:]
    lines = [line for line in proc.stderr.splitlines() if line.strip() and "it/s]" not in line]
    assert len(lines) == len(set(lines)), "a line was printed twice"


def test_unreachable_hub_model(tmp_path: Path, ledger) -> None:
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.pop(var, None)
    t0 = time.monotonic()
    proc = mieb("run", "-b", "MIEB(lite)", "-m", "openai/clip-vit-base-patch16", "--output-folder",
                str(tmp_path / "out"), "--no-progress", **_no_hub(tmp_path))
    seconds = time.monotonic() - t0
    assert proc.returncode == 1, proc.stderr[-3000:]
    _clean(proc)
    assert "51 task(s) failed" in proc.stdout and "57c216476eefef5ab752ec549e440a49ae4ae5f3" in proc.stdout
    assert "hf download openai/clip-vit-base-patch16" in proc.stdout and "HF_HUB_OFFLINE=1" in proc.stdout
    assert seconds < 60, seconds
    ledger.record("MIEB(lite) with a Hub model and no Hub", runs_completed=1,
                  outcome=f"51 tasks failed at once naming model, revision and fix, exit 1, {seconds:.1f} s")


def test_unreachable_hub_datasets(tmp_path: Path, ledger) -> None:
    t0 = time.monotonic()
    proc = mieb("run", "-b", "MIEB(lite)", "-m", "mieb/tiny-clip-shapes", "--output-folder", str(tmp_path / "out"),
                "--no-progress", "--no-cache", **_no_hub(tmp_path))
    seconds = time.monotonic() - t0
    assert proc.returncode == 1, proc.stderr[-3000:]
    _clean(proc)
    assert "51 task(s) failed" in proc.stdout  # the selection's tasks: an aggregate's subtasks are not counted
    assert "VisualSTS17Multilingual: subtask STS17MultilingualVisualSTS failed: task STS17MultilingualVisualSTS" \
        in proc.stdout  # the aggregate names its subtask's error
    assert proc.stdout.count("is not in the local Hugging Face cache") >= 40 and "mieb download -t" in proc.stdout
    assert seconds < 180, seconds
    ledger.record("MIEB(lite) datasets with no Hub", runs_completed=1,
                  outcome=f"51 tasks failed at once naming dataset, revision and fix, exit 1, {seconds:.1f} s")
