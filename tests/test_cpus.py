"""Decode workers and model threads chosen from the CPUs this process may actually use."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from mieb.runner import embedder
from mieb.runner.embedder import _cgroup_cpu_quota, default_num_workers


def test_cgroup_quota_v2_v1_and_unlimited(tmp_path: Path) -> None:
    v2 = tmp_path / "v2"
    v2.mkdir()
    (v2 / "cpu.max").write_text("150000 100000\n")
    assert _cgroup_cpu_quota(str(v2)) == 1.5
    (v2 / "cpu.max").write_text("max 100000\n")
    assert _cgroup_cpu_quota(str(v2)) is None
    v1 = tmp_path / "v1" / "cpu"
    v1.mkdir(parents=True)
    (v1 / "cpu.cfs_quota_us").write_text("300000\n")
    (v1 / "cpu.cfs_period_us").write_text("100000\n")
    assert _cgroup_cpu_quota(str(v1.parent)) == 3.0
    (v1 / "cpu.cfs_quota_us").write_text("-1\n")
    assert _cgroup_cpu_quota(str(v1.parent)) is None
    assert _cgroup_cpu_quota(str(tmp_path / "none")) is None


def test_available_cpus_is_capped_by_the_quota(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedder.os, "sched_getaffinity", lambda _: set(range(16)), raising=False)
    monkeypatch.setattr(embedder, "_cgroup_cpu_quota", lambda: 2.5)
    assert embedder.available_cpus() == 3  # a partial CPU still runs a thread
    monkeypatch.setattr(embedder, "_cgroup_cpu_quota", lambda: None)
    assert embedder.available_cpus() == 16


@pytest.mark.parametrize("cpus,cpu_model,cuda_model", [(1, 0, 0), (2, 1, 2), (4, 3, 4), (32, 8, 8)])
def test_workers_leave_the_model_a_cpu_on_cpu_only(monkeypatch: pytest.MonkeyPatch, cpus: int, cpu_model: int,
                                                   cuda_model: int) -> None:
    monkeypatch.setattr(embedder, "available_cpus", lambda: cpus)
    assert default_num_workers(torch.device("cpu")) == cpu_model
    assert default_num_workers(torch.device("cuda")) == cuda_model
