"""Storage faults: a corrupt cache, a read-only cache, a full disk under the cache and under the results,
and a kill in the middle of a result write.

Read-only and full file systems are real: a read-only bind mount and a size-limited tmpfs in a private
user and mount namespace (`unshare -Urm`, no root needed on the host). Where this machine allows no
namespace, those cases are reported as not injected (the default suite covers them with SQLite's own
limits, tests/cache/test_cache_faults.py).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_models import colour_meta
from fault_helpers import LEDGER, debris, env, in_namespace, lost, mieb, namespace_tool, results

from mieb.cache.keys import fingerprint_id, model_fingerprint

pytestmark = pytest.mark.faults
INJECT = Path(__file__).with_name("inject.py")
TASKS = ["ColourT2IRetrieval", "ColourZeroShot", "ColourProbe"]


def _cmd(tmp_path: Path, **cfg: object) -> list[str]:
    cfg = {"root": str(tmp_path / "data"), "out": str(tmp_path / "results"), "cache": str(tmp_path / "cache"), **cfg}
    return [sys.executable, str(INJECT), json.dumps(cfg)]


def _inject(tmp_path: Path, **cfg: object) -> subprocess.CompletedProcess:
    return subprocess.run(_cmd(tmp_path, **cfg), capture_output=True, text=True, timeout=600, env=env())


def _store_name() -> str:
    return f"{fingerprint_id(model_fingerprint(colour_meta(), 'fp32', 'cpu'))}.sqlite"


def _cache_warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "embedding cache" in line]


def _need_namespace(what: str) -> None:
    if namespace_tool() is None:
        LEDGER.skipped.append(f"{what} (no user/mount namespace on this machine)")
        pytest.skip("unshare -Urm is not available here")


def test_corrupt_cache_then_cache_clear(tmp_path: Path, ledger) -> None:
    cache = tmp_path / "mieb-cache" / "embeddings"
    cache.mkdir(parents=True)
    bad = cache / _store_name()
    bad.write_bytes(b"\x00garbage, not SQLite" * 500)
    run = _inject(tmp_path, cache=str(cache))
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(results(tmp_path / "results")) == sorted(TASKS)
    warned = _cache_warnings(run.stderr)
    assert len(warned) == 1 and str(bad) in warned[0] and "started a new one" in warned[0], run.stderr[-3000:]
    ledger.record("a corrupt embedding-cache file", runs_completed=1,
                  outcome="one warning; set aside, a new cache started, run completed")

    clear = mieb("cache", "clear", MIEB_CACHE=str(tmp_path / "mieb-cache"))
    assert clear.returncode == 0 and "1 damaged file(s)" in clear.stdout, clear.stdout + clear.stderr
    assert list(cache.iterdir()) == []
    ledger.record("`mieb cache clear` on a cache with a set-aside corrupt file", outcome="removed, exit 0")


def test_read_only_cache(tmp_path: Path, ledger) -> None:
    cache = tmp_path / "cache"
    first = _inject(tmp_path, only=["ColourT2IRetrieval"])  # a valid cache to find read-only
    assert first.returncode == 0, first.stderr[-3000:]
    out = tmp_path / "results2"
    if os.geteuid() != 0 and namespace_tool() is None:
        cache.chmod(0o555)
        run = subprocess.run(_cmd(tmp_path, out=str(out)), capture_output=True, text=True, timeout=600, env=env())
        cache.chmod(0o755)
    else:
        _need_namespace("a read-only cache location")
        c = shlex.quote(str(cache))
        run = in_namespace(f"mount --bind -o ro {c} {c}", _cmd(tmp_path, out=str(out)))
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(results(out)) == sorted(TASKS)
    warned = _cache_warnings(run.stderr)
    assert len(warned) == 1 and str(cache) in warned[0] and "without the embedding cache" in warned[0], warned
    ledger.record("a read-only embedding-cache location", runs_completed=1,
                  outcome="one warning; run completed without the cache")


def test_full_disk_under_the_cache(tmp_path: Path, ledger) -> None:
    _need_namespace("a full disk under the embedding cache")
    seed = tmp_path / "seed-cache"
    first = _inject(tmp_path, only=["ColourT2IRetrieval"], cache=str(seed))
    assert first.returncode == 0, first.stderr[-3000:]
    cache, out = tmp_path / "cache", tmp_path / "results2"
    cache.mkdir()
    c, s = shlex.quote(str(cache)), shlex.quote(str(seed))
    fill = f"(dd if=/dev/zero of={c}/filler bs=4k 2>/dev/null || true)"
    run = in_namespace(f"mount -t tmpfs -o size=1m none {c}; cp -a {s}/. {c}/; {fill}", _cmd(tmp_path, out=str(out)))
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(results(out)) == sorted(TASKS)
    warned = _cache_warnings(run.stderr)
    assert len(warned) == 1 and str(cache) in warned[0] and "without the embedding cache" in warned[0], warned
    ledger.record("a full disk under the embedding cache (tmpfs)", runs_completed=1,
                  outcome="one warning; run completed without the cache")


def test_full_disk_under_the_results(tmp_path: Path, ledger) -> None:
    _need_namespace("a full disk under the results folder")
    first = _inject(tmp_path, only=["ColourT2IRetrieval"], cache=None)
    assert first.returncode == 0, first.stderr[-3000:]
    seeded = results(tmp_path / "results")
    mnt, snap1, snap2 = tmp_path / "mnt", tmp_path / "full", tmp_path / "freed"
    for d in (mnt, snap1, snap2):
        d.mkdir()
    m, r = shlex.quote(str(mnt)), shlex.quote(str(tmp_path / "results"))
    rerun = shlex.join(_cmd(tmp_path, out=str(mnt), cache=None))
    run = in_namespace(
        f"mount -t tmpfs -o size=1m none {m}; cp -a {r}/. {m}/; (dd if=/dev/zero of={m}/filler bs=4k 2>/dev/null || true)",
        _cmd(tmp_path, out=str(mnt), cache=None),
        f"cp -a {m}/. {shlex.quote(str(snap1))}/; rm {m}/filler; {rerun} > /dev/null 2>&1; echo $? > {m}/rerun.rc; "
        f"cp -a {m}/. {shlex.quote(str(snap2))}/")
    assert run.returncode == 1, run.stderr[-3000:]
    assert "no space left on the device" in run.stderr and "Traceback" not in run.stderr, run.stderr[-3000:]
    full = results(snap1)
    assert full == seeded and debris(snap1) == []  # the finished result is intact, no temporary left
    assert (snap2 / "rerun.rc").read_text().strip() == "0"
    n_lost = lost(seeded, results(snap2), TASKS)
    assert n_lost == 0
    ledger.record("a full disk under the results folder (tmpfs)", runs_completed=1, results_lost=n_lost,
                  outcome="clear error, exit 1, finished results intact; after freeing space the re-run completed")


def test_kill_during_a_result_write_leaves_no_debris_for_long(tmp_path: Path, ledger) -> None:
    killed = _inject(tmp_path, kill="write", task="ColourZeroShot")
    assert killed.returncode == -9, killed.stderr[-3000:]
    out = tmp_path / "results"
    before = results(out)
    left = debris(out)
    assert len(left) == 1 and left[0].name.startswith(".ColourZeroShot.json.")
    rerun = _inject(tmp_path)
    assert rerun.returncode == 0 and left[0].exists()  # recent: it could be another run's write in progress
    old = time.time() - 2 * 3600
    os.utime(left[0], (old, old))
    again = _inject(tmp_path)
    assert again.returncode == 0 and debris(out) == []
    n_lost = lost(before, results(out), TASKS)
    assert n_lost == 0
    ledger.record("kill -9 during a result write", runs_completed=2, results_lost=n_lost,
                  outcome="the old temporary is removed by the next run; recent ones are left alone")
