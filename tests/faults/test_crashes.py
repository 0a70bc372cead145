"""kill -9 while encoding, scoring and inside a cache transaction; then the same command again.

Nothing finished is lost (byte-identical files), the re-run completes every task with the scores of an
uninterrupted run, the cache opens clean, the killed run's lease does not block the re-run, and no
temporary file is left behind.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fault_helpers import debris, env, lost, results

from mieb.cache.store import EmbeddingCache

pytestmark = pytest.mark.faults
INJECT = Path(__file__).with_name("inject.py")
TASKS = ["ColourT2IRetrieval", "ColourZeroShot", "ColourProbe"]  # what inject.py runs, in this order
TARGET = "ColourZeroShot"


def inject(tmp_path: Path, **cfg: object) -> subprocess.CompletedProcess:
    cfg = {"root": str(tmp_path / "data"), "out": str(tmp_path / "results"), "cache": str(tmp_path / "cache"), **cfg}
    return subprocess.run([sys.executable, str(INJECT), json.dumps(cfg)], capture_output=True, text=True,
                          timeout=600, env=env())


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    """Main scores of an uninterrupted run of the same tasks (same model, batch size and cache use)."""
    tmp = tmp_path_factory.mktemp("reference")
    proc = inject(tmp)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return _scores(tmp / "results")


def _scores(out: Path) -> dict[str, float]:
    return {task: json.loads(blob)["scores"][next(iter(json.loads(blob)["scores"]))][0]["main_score"]
            for task, blob in results(out).items()}


@pytest.mark.parametrize("moment", ["encode", "score", "cache"])
def test_kill_and_rerun(moment: str, tmp_path: Path, reference: dict[str, float], ledger) -> None:
    out, cache = tmp_path / "results", tmp_path / "cache"
    killed = inject(tmp_path, kill=moment, task=TARGET)
    assert killed.returncode == -9, killed.stderr[-3000:]
    before = results(out)
    assert sorted(before) == ["ColourT2IRetrieval"]
    assert list(out.glob(f"*/*/.locks/{TARGET}.lock")), "the killed run held the task's lease"

    rerun = inject(tmp_path)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert json.loads(rerun.stdout.splitlines()[-1])["skipped"] == ["ColourT2IRetrieval"]
    after = results(out)
    n_lost = lost(before, after, TASKS)
    assert n_lost == 0
    assert all(json.loads(after[t])["mieb"]["complete"] for t in TASKS)
    assert _scores(out) == pytest.approx(reference, abs=1e-6)
    assert [i.problem for i in EmbeddingCache(cache).info()] == [None]
    assert "corrupt" not in rerun.stderr and "waiting" not in rerun.stderr
    assert debris(out) == []
    ledger.record(f"kill -9 while {moment.replace('encode', 'encoding').replace('score', 'scoring')}"
                  + (" (in a write transaction)" if moment == "cache" else ""),
                  runs_completed=1, results_lost=n_lost, outcome=f"{len(before)} finished kept, re-run completed")
