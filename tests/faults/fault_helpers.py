"""Helpers of the fault suite: the ledger of faults injected, subprocess runs, mount namespaces."""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

OFFLINE_TASKS = ["ShapesZeroShot", "ShapesT2IRetrieval", "ShapesClustering"]
MODEL = "mieb/tiny-clip-shapes"


@dataclass
class Ledger:
    faults: list[tuple[str, str]] = field(default_factory=list)  # (fault, outcome)
    runs_completed: int = 0
    results_lost: int = 0
    skipped: list[str] = field(default_factory=list)

    def record(self, fault: str, *, runs_completed: int = 0, results_lost: int = 0, outcome: str = "handled") -> None:
        self.faults.append((fault, outcome))
        self.runs_completed += runs_completed
        self.results_lost += results_lost


LEDGER = Ledger()


def env(**extra: str) -> dict[str, str]:
    """The environment for a mieb subprocess: this checkout's code, no Hub (a refused local port)."""
    out = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HF_ENDPOINT": "http://127.0.0.1:9"}
    out.update(extra)
    return out


def mieb(*args: str, timeout: float = 600, **extra_env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mieb", *args], capture_output=True, text=True, timeout=timeout,
                          env=env(**extra_env))


def run_args(out: Path, *tasks: str, cache: Path | None = None) -> list[str]:
    args = ["run", "-t", *(tasks or OFFLINE_TASKS), "-m", MODEL, "--output-folder", str(out), "--batch-size", "8",
            "--num-workers", "0", "--no-progress"]
    return args + (["--cache-dir", str(cache)] if cache else ["--no-cache"])


def results(out: Path) -> dict[str, bytes]:
    """Every result file under a results folder, by task name (model metadata and errors excluded)."""
    return {p.stem: p.read_bytes() for p in out.glob("*/*/*.json") if p.name != "model_meta.json"}


def lost(before: dict[str, bytes], after: dict[str, bytes], expected: list[str]) -> int:
    """Finished results changed or gone, plus expected tasks without a result."""
    changed = sum(1 for task, blob in before.items() if after.get(task) != blob)
    return changed + sum(1 for task in expected if task not in after)


def debris(out: Path) -> list[Path]:
    return [p for p in out.rglob("*.tmp")]


@functools.cache
def namespace_tool() -> str | None:
    """`unshare`, if this machine lets an unprivileged (or root) process make a private mount namespace,
    where a size-limited tmpfs or a read-only bind mount needs no root on the host."""
    tool = shutil.which("unshare")
    if tool is None:
        return None
    probe = subprocess.run([tool, "-Urm", "sh", "-c", "mount -t tmpfs -o size=64k none /mnt 2>/dev/null || "
                            "mount -t tmpfs -o size=64k none \"$TMPDIR\""], capture_output=True,
                           env={**os.environ, "TMPDIR": os.environ.get("TMPDIR", "/tmp")})
    return tool if probe.returncode == 0 else None


def in_namespace(setup: str, command: list[str], after: str = "", *, timeout: float = 600,
                 **extra_env: str) -> subprocess.CompletedProcess:
    """Run the shell `setup` (mounts), then `command`, then the shell `after` (copies out what the mounts
    held, since they vanish with the namespace) in a private user and mount namespace; `command`'s status."""
    script = f"set -e; {setup}; set +e; {shlex.join(command)}; rc=$?; {after or ':'}; exit $rc"
    return subprocess.run([namespace_tool() or "unshare", "-Urm", "sh", "-c", script], capture_output=True,
                          text=True, timeout=timeout, env=env(**extra_env))
