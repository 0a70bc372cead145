"""One local Ray for the whole test session: 2 CPUs, 2 logical GPUs (Ray hands them out as
CUDA_VISIBLE_DEVICES; torch stays on the CPU), no dashboard, a small object store.

Ray is optional: without it these tests skip, unless MIEB_REQUIRE_RAY is set (CI sets it, so a broken
install fails instead of skipping).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from ray_helpers import import_ray, worker_env


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[Any]:
    ray = import_ray()
    ray.init(address="local", num_cpus=2, num_gpus=2, include_dashboard=False,
             object_store_memory=128 * 1024 * 1024, runtime_env=worker_env(), logging_level="WARNING",
             configure_logging=True)
    try:
        yield ray
    finally:
        ray.shutdown()
