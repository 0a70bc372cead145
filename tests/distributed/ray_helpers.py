"""Helpers of the Ray tests: importing Ray (or skipping) and the runtime_env of the test workers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"


def import_ray() -> Any:
    if os.environ.get("MIEB_REQUIRE_RAY"):
        import ray

        return ray
    return pytest.importorskip("ray")


def worker_env(**extra: str) -> dict[str, Any]:
    """A runtime_env whose workers import this checkout's mieb and the test helpers."""
    path = os.pathsep.join([str(SRC), str(HERE.parent), str(HERE)])
    return {"env_vars": {"PYTHONPATH": path, "MIEB_CACHE": os.environ["MIEB_CACHE"], **extra}}
