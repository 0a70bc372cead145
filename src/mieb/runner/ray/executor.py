"""The Ray executor's driver: connect, check the request can be met, start the encoders, fan the jobs out,
write what comes back, and report where the time went.

Failures are bounded: a job whose worker or node dies is retried by Ray (`max_retries`), as is a job that
failed for a transient reason (`mieb.runner.ray.jobs.TRANSIENT`); an encoder that dies is restarted and
its request retried (`max_restarts`). Every wait has a timeout (encoders ready, one encode request, one
job), and a request no node can meet (GPUs on a cluster without them) fails before anything starts.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mieb.errors import MiebError, UsageError
from mieb.runner.plan import SHARD_SIZE, ModelPlan, max_jobs_in_flight, shards_in_flight
from mieb.runner.run import ModelLoadError, RunSettings, WorkerUsage

if TYPE_CHECKING:
    from mieb.results.schema import TaskResult
    from mieb.runner.plan import Job
    from mieb.runner.run import ResultSink

logger = logging.getLogger("mieb")


class InfeasibleRequestError(UsageError):
    """No node of the cluster can ever meet what the run asks for (e.g. a GPU on a cluster without one)."""


@dataclass
class Outcome:
    """What the driver learnt of one job: its result or its error and where it ran, or the result another
    run wrote meanwhile (`reused`)."""

    job: Job
    result: TaskResult | None = None
    reused: TaskResult | None = None
    error: str | None = None
    traceback: str | None = None
    worker: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class RayExecutor:
    """Run (model, task) jobs on a Ray cluster: `MIEB(tasks).run(model, executor=RayExecutor(...))`.

    `address`: None joins the cluster of `RAY_ADDRESS` (as under `ray job submit`) or else starts a
    local Ray with this machine's CPUs and GPUs; "auto" joins a cluster started on this machine with
    `ray start`; "HOST:PORT" joins that cluster's head. `gpus_per_job`: GPUs each encoder holds (0: encode
    on CPUs); `encoders`: how many (default: one per `gpus_per_job` GPUs of the cluster, 1 without GPUs).
    `shard_size`: inputs per encode shard (see `mieb.runner.plan`). `shared_cache`: an fsspec URL every
    node can reach where encoders write finished shards (`file:///shared/mieb`, `s3://bucket/prefix`).
    `runtime_env` is passed to every job and encoder (Ray's runtime environments).
    """

    address: str | None = None
    gpus_per_job: float = 1
    encoders: int | None = None
    cpus_per_job: float = 1
    shard_size: int = SHARD_SIZE
    shared_cache: str | None = None
    max_retries: int = 3
    ready_timeout_s: float = 1800.0
    request_timeout_s: float = 3600.0
    job_timeout_s: float = 24 * 3600.0
    poll_s: float = 5.0
    runtime_env: dict[str, Any] | None = None
    init_options: dict[str, Any] = field(default_factory=dict)
    name: str = field(default="ray", init=False)
    _started_ray: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.gpus_per_job < 0 or self.cpus_per_job <= 0:
            raise UsageError("gpus_per_job must be >= 0 and cpus_per_job > 0")
        if self.encoders is not None and self.encoders < 1:
            raise UsageError("encoders must be at least 1")
        if self.shard_size < 1:
            raise UsageError("shard_size must be at least 1")

    # -- cluster ------------------------------------------------------------------------------------
    def connect(self) -> None:
        """Join or start Ray (once); a Ray already initialised in this process is used as it is."""
        try:
            import ray
        except ImportError:
            from mieb.errors import MissingDependencyError

            raise MissingDependencyError("ray", "ray", "the Ray executor") from None
        if ray.is_initialized():
            return
        address = self.address or os.environ.get("RAY_ADDRESS")
        _check_reachable(address)
        options = dict(self.init_options)
        if self.runtime_env is not None:
            options.setdefault("runtime_env", self.runtime_env)
        try:
            ray.init(address=address, **options)
        except ConnectionError as e:
            raise MiebError(f"could not join the Ray cluster at {address!r}: {e}. Is it running (`ray status`)? "
                            "If it uses token authentication (RAY_AUTH_MODE=token), this machine needs "
                            "RAY_AUTH_MODE=token and the cluster's token: see docs/ray.md, Pitfalls") from e
        self._started_ray = True

    def close(self) -> None:
        """Leave the Ray session this executor started (a local Ray it started stops with it)."""
        if self._started_ray:
            import ray

            ray.shutdown()
            self._started_ray = False

    def check_feasible(self) -> int:
        """How many encoders the cluster can hold now (joining it first); raises InfeasibleRequestError if no
        node can hold one encoder or one job, or encoders on CPUs leave no CPU to a job."""
        self.connect()  # first: it names the extra to install when Ray is missing
        import ray

        nodes = [n["Resources"] for n in ray.nodes() if n.get("Alive")]
        if not any(r.get("CPU", 0) >= self.cpus_per_job for r in nodes):
            most = max((r.get("CPU", 0) for r in nodes), default=0)
            raise InfeasibleRequestError(f"each job needs {self.cpus_per_job:g} CPU but no node of the Ray cluster "
                                         f"has that many (the largest has {most:g})")
        if self.gpus_per_job == 0:  # each encoder then holds one CPU: a job must still find one
            n = self.encoders or 1
            cpus = sum(r.get("CPU", 0) for r in nodes)
            if cpus - n < self.cpus_per_job:
                raise InfeasibleRequestError(
                    f"{n} encoder(s) on CPUs hold {n} of the Ray cluster's {cpus:g} CPUs, leaving less than the "
                    f"{self.cpus_per_job:g} CPU a job needs: no task could ever run. Use fewer --encoders, or "
                    "GPU encoders")
            return n
        slots = sum(int(r.get("GPU", 0) // self.gpus_per_job) for r in nodes)
        if slots == 0:
            total = sum(r.get("GPU", 0) for r in nodes)
            most = max((r.get("GPU", 0) for r in nodes), default=0)
            have = ("it has no GPU" if total == 0 else
                    f"it has {total:g} GPUs, at most {most:g} on one node")
            raise InfeasibleRequestError(
                f"each encoder needs {self.gpus_per_job:g} GPU(s) on one node, but no node of the Ray cluster has "
                f"that many ({have}). Use --gpus-per-job 0 (gpus_per_job=0) to encode on CPUs, or start GPU "
                "nodes first")
        if self.encoders is not None and self.encoders > slots:
            raise InfeasibleRequestError(f"{self.encoders} encoders of {self.gpus_per_job:g} GPU(s) asked for, but "
                                         f"the Ray cluster has room for {slots}")
        return self.encoders or slots

    # -- running a model's plan -----------------------------------------------------------------------
    def run(self, plan: ModelPlan, settings: RunSettings, record: Callable[[Outcome], None],
            sink: ResultSink) -> dict[str, Any] | None:
        """Compute `plan.jobs` on the cluster, calling `record` (on this thread) for each job as it ends;
        returns the first encoder's description (None without jobs). Each job runs under its task's lease
        (`sink.lease`), taken here before it is submitted: a task another run holds is done last, or
        reused if that run finished it. Aggregate steps are the caller's (they need only results). Each
        encoder's and job worker's usage is appended to the report's `workers`. Raises ModelLoadError if
        the encoders cannot load the model."""
        if not plan.jobs:
            return None
        import ray

        from mieb.runner.ray.jobs import EncoderSpec, JobSpec, TransientJobError, actor_classes, run_job
        from mieb.runner.run import TaskBusy

        n_encoders = self.check_feasible()
        worker_cls, queue_cls = actor_classes()
        spec = EncoderSpec(plan.model, settings.device, settings.precision, settings.trust_remote_code,
                           settings.batch_size, settings.num_workers, self.shared_cache, settings.decode_mode,
                           settings.verbose)
        env = {"runtime_env": self.runtime_env} if self.runtime_env is not None else {}
        run_id = uuid.uuid4().hex[:8]
        names = [f"mieb-{run_id}-encoder-{i}" for i in range(n_encoders)]
        encoders = [worker_cls.options(name=name, num_gpus=self.gpus_per_job, num_cpus=0 if self.gpus_per_job else 1,
                                       max_restarts=self.max_retries, max_task_retries=self.max_retries,
                                       **env).remote(spec, f"encoder-{i}")
                    for i, name in enumerate(names)]
        queue = None
        running: dict[Any, tuple[Job, float, Any]] = {}
        try:
            infos = self._ready(encoders, plan)
            queue = queue_cls.options(num_cpus=0, max_restarts=self.max_retries, max_task_retries=self.max_retries
                                      ).remote(names, self.request_timeout_s)
            remote_job = ray.remote(run_job).options(num_cpus=self.cpus_per_job, max_retries=self.max_retries,
                                                     retry_exceptions=[TransientJobError], **env)
            info = infos[0]
            in_flight = max_jobs_in_flight(n_encoders)
            t0 = time.time()
            todo, held = list(plan.jobs), []
            ranks = {job.key: rank for rank, job in enumerate(plan.jobs)}  # the queue serves lower ranks first
            job_usage: dict[str, WorkerUsage] = {}

            def submit(job: Job, wait: bool) -> None:
                try:
                    lease = sink.lease(job.task, wait)
                except TaskBusy as e:
                    logger.warning("task %s is being computed by another run (%s): doing the other tasks first, "
                                   "then waiting for it", e.task, e.holder)
                    held.append(job)
                    return
                existing, pairs = sink.still_pending(job.task, settings)
                if not pairs and existing is not None:  # another run finished it meanwhile
                    if lease is not None:
                        lease.release()
                    record(Outcome(job, reused=existing))
                    return
                job.existing, job.todo = existing, pairs
                job_spec = JobSpec(job, settings.strategy, settings.batch_size, self.shard_size, settings.cache,
                                   self.shared_cache, info, in_flight=shards_in_flight(n_encoders),
                                   rank=ranks[job.key], verbose=settings.verbose)
                running[remote_job.remote(job_spec, queue)] = (job, time.time(), lease)

            while todo or running or held:
                while todo and len(running) < in_flight:
                    submit(todo.pop(0), wait=False)
                if not todo and not running and held:  # only tasks other runs hold are left: wait for them
                    submit(held.pop(0), wait=True)
                    continue
                ready, _ = ray.wait(list(running), num_returns=1, timeout=self.poll_s) if running else ([], [])
                for ref in ready:
                    job, _started, lease = running.pop(ref)
                    outcome = self._outcome(ref, job)
                    _add_job_usage(job_usage, outcome)
                    try:
                        record(outcome)
                    finally:
                        if lease is not None:
                            lease.release()
                for ref, (job, started, lease) in list(running.items()):
                    if time.time() - started > self.job_timeout_s:
                        ray.cancel(ref, force=True)
                        running.pop(ref)
                        if lease is not None:
                            lease.release()
                        record(Outcome(job, error=f"job did not finish within {self.job_timeout_s:.0f} s "
                                                  "(job_timeout_s); cancelled"))
            wall = time.time() - t0
            for u in job_usage.values():
                u.alive = wall
            sink.report.workers.extend(self._encoder_usage(encoders, infos))
            sink.report.workers.extend(job_usage.values())
        finally:
            for _job, _started, lease in running.values():  # interrupted: nothing more is written for them
                if lease is not None:
                    lease.release()
            for actor in [*encoders, *([queue] if queue is not None else [])]:
                ray.kill(actor, no_restart=True)
        return info

    def _ready(self, encoders: list[Any], plan: ModelPlan) -> list[dict[str, Any]]:
        """Every encoder's description once its model is loaded; MiebError if one cannot load it or they are
        not all ready within `ready_timeout_s`."""
        import ray
        from ray.exceptions import GetTimeoutError, RayActorError

        try:
            return ray.get([e.describe.remote() for e in encoders], timeout=self.ready_timeout_s)
        except GetTimeoutError:
            raise MiebError(f"the {len(encoders)} encoder(s) of model {plan.model.name} were not all ready within "
                            f"{self.ready_timeout_s:.0f} s (ready_timeout_s): the cluster may lack free GPUs "
                            "(other work holds them) or the model is slow to download; `ray status` shows "
                            "what is pending") from None
        except RayActorError as e:
            cause = getattr(e, "cause", None) or e
            raise ModelLoadError(f"model {plan.model.name} (revision {plan.model.revision or 'default'}) could not be "
                                 f"loaded by an encoder: {_first_line(cause)}") from e

    def _outcome(self, ref: Any, job: Job) -> Outcome:
        import ray
        from ray.exceptions import RayError

        try:
            out = ray.get(ref, timeout=self.poll_s * 10)
        except RayError as e:  # retries used up (worker or node death, transient errors) or cancelled
            cause = getattr(e, "cause", None)
            what = _first_line(cause) if cause is not None else _first_line(e)
            return Outcome(job, error=f"job failed after {self.max_retries} retries: {what}")
        return Outcome(job, out.result, error=out.error, traceback=out.traceback, worker=out.worker, seconds=out.seconds)

    def _encoder_usage(self, encoders: list[Any], infos: list[dict[str, Any]]) -> list[WorkerUsage]:
        import ray
        from ray.exceptions import RayError

        out = []
        for actor, info in zip(encoders, infos, strict=True):
            where = f"{info['host']} {info['device']}" + (f" (GPU {','.join(info['gpu_ids'])})"
                                                          if info["gpu_ids"] else "")
            try:
                u = ray.get(actor.usage.remote(), timeout=60)
            except RayError:
                continue
            out.append(WorkerUsage(u["name"], "encoder", where, u["busy"], u["alive"], u["requests"]))
        return out


def _add_job_usage(usage: dict[str, WorkerUsage], outcome: Outcome) -> None:
    w = outcome.worker
    if not w:
        return
    name = f"jobs@{w.get('host')}:{w.get('pid')}"
    u = usage.setdefault(name, WorkerUsage(name, "jobs", str(w.get("host")), 0.0, 0.0, 0))
    u.busy += outcome.seconds
    u.units += 1


def _check_reachable(address: str | None, timeout_s: float = 10.0) -> None:
    """Raise MiebError at once if an explicit HOST:PORT (or ray://HOST:PORT) address accepts no connection:
    `ray.init` would otherwise retry for minutes with only Ray's own warnings."""
    if not address or address in ("auto", "local"):
        return
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit() or "/" in host:
        return  # not HOST:PORT: Ray reports what it makes of it
    import socket

    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as e:
        raise MiebError(f"could not join the Ray cluster at {address!r}: nothing answers there ({e}). Is it "
                        "running (`ray status` on the head)? Give --address HOST:PORT of its head (the GCS port, "
                        "6379 by default), or auto for a cluster started on this machine") from e


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}"
