"""The Ray executor: (model, task) jobs spread over a Ray cluster, or over the GPUs of one machine.

`RayExecutor` (the driver) lives in `executor`, what runs on the workers in `jobs`. Ray itself is an
optional dependency (`pip install 'mieb[ray]'`), imported only when a run uses this executor.
"""

from mieb.runner.ray.executor import InfeasibleRequestError, RayExecutor

__all__ = ["InfeasibleRequestError", "RayExecutor"]
