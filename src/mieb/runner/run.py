"""Running tasks against a model: selection, skipping finished work, writing results, surviving failures.

`MIEB.run` plans the run (`mieb.runner.plan`: the jobs left, aggregates after their subtasks) and hands
the plan to an executor: the local one below (one job after another in this process) or the Ray one
(`mieb.runner.ray`). Both compute a task with `_RunContext._compute` (loaders, Embedder, scorers) and
record results and failures through `ResultSink`.
"""

from __future__ import annotations

import copy
import errno
import logging
import os
import platform
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mieb import hub
from mieb.atomic import remove_stale_temporaries
from mieb.errors import MiebError, ModalityError, UsageError
from mieb.locks import Lease, task_lease
from mieb.models.meta import ModelMeta
from mieb.results.io import (
    ERRORS_FOLDER,
    OVERWRITE_STRATEGIES,
    OverwriteStrategy,
    error_file,
    model_dir,
    result_file,
    write_json_atomic,
)
from mieb.results.load import MODEL_META_FILE
from mieb.results.schema import TaskResult
from mieb.tasks.kinds.base import AggregateKind, SplitContext, TaskKind
from mieb.tasks.task import Task

if TYPE_CHECKING:  # torch is imported only when something is computed: a finished re-run needs neither
    from mieb.models.encoder import Encoder
    from mieb.runner.embedder import Embedder
    from mieb.runner.plan import ModelPlan, Step
    from mieb.runner.progress import RunProgress
    from mieb.runner.ray.executor import RayExecutor

logger = logging.getLogger("mieb")

_VERSIONED = ("torch", "transformers", "datasets", "numpy", "scikit-learn", "scipy", "pillow")


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version(), "mieb": mieb_version()}
    for dist in _VERSIONED:
        try:
            out[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            out[dist] = None
    return out


def mieb_version() -> str:
    from mieb import __version__

    return __version__


@dataclass
class RunSettings:
    """The run's settings every job and encoder shares (see `MIEB.run`)."""

    strategy: str
    device: str | None = None
    precision: str | None = None
    trust_remote_code: bool = False
    batch_size: int = 32
    num_workers: int | None = None
    cache: bool | str = True
    decode_mode: str = "exact"
    verbose: bool = False  # the libraries' own progress bars, on the driver and on Ray's workers


@dataclass
class WorkerUsage:
    """One worker's share of a run: busy seconds out of the seconds it was there (`utilisation`)."""

    name: str
    role: str  # "encoder", "jobs", or "local" (both, in this process)
    where: str  # host (and GPU) it ran on
    busy: float
    alive: float
    units: int  # encode requests or jobs

    @property
    def utilisation(self) -> float:
        return self.busy / self.alive if self.alive > 0 else 0.0


@dataclass
class RunReport:
    """What a run did: results (computed or reused), failures by task, and what was skipped."""

    results: list[TaskResult] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # each worker's share: the Ray executor's encoders and job workers, or this process ("local")
    workers: list[WorkerUsage] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def __iter__(self):  # noqa: ANN204 - iterate like the list of results mteb returns
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


class MIEB:
    """`MIEB(tasks=...).run(model)`: evaluate a model on tasks and write one JSON per task."""

    def __init__(self, tasks: Iterable[Task | str] | None = None, *, benchmark: str | None = None):
        from mieb.benchmarks import get_benchmark
        from mieb.tasks.registry import get_task

        selected: list[Task] = []
        if benchmark is not None:
            selected.extend(get_benchmark(benchmark).tasks)
        for t in tasks or []:
            selected.append(get_task(t) if isinstance(t, str) else t)
        if not selected:
            raise ValueError("no tasks selected: pass tasks=[...] or benchmark='...'")
        self.tasks = list(dict.fromkeys(selected))

    def run(
        self,
        model: Encoder | ModelMeta | str | list[ModelMeta | str] | tuple[ModelMeta | str, ...],
        *,
        output_folder: str | Path | None = "results",
        overwrite_strategy: OverwriteStrategy = "only-missing",
        encode_kwargs: dict[str, Any] | None = None,
        device: str | None = None,
        precision: str | None = None,
        raise_errors: bool = False,
        progress: bool | str | None = None,
        cache: bool | str | Path = True,
        trust_remote_code: bool = False,
        verbose: bool = False,
        decode_mode: str = "exact",
        executor: Literal["local", "ray"] | RayExecutor = "local",
    ) -> Any:
        """Evaluate `model` (an Encoder, a model card, a model name or a checkpoint folder) on every task;
        returns a RunReport, or a list of them (in order) when `model` is a list of models.

        A model given by name or card is loaded only if some task has something left to compute: a
        re-run of a finished selection reads its results and returns in about a second.

        `overwrite_strategy`: "only-missing" (default) skips finished tasks and completes partial ones;
        "always" recomputes; "never" keeps any existing file untouched; "only-cache" computes nothing
        and returns what is on disk. A failing task is recorded under `errors/` and the run goes on,
        unless `raise_errors`. `encode_kwargs`: batch_size (default 32) and num_workers.
        `decode_mode`: "exact" (default: every JPEG pixel decoded, as the reference does) or "draft"
        (opt-in, approximate: JPEGs decoded at a reduced DCT scale; faster, scores move slightly; see
        `mieb.data.images.DECODE_MODES`). Results record the mode and the embedding cache keys on it.
        `cache`: embeddings are stored per model and input content (default under $MIEB_CACHE) and
        reused by every later task and run; False disables it, a path relocates it; a cache fault
        (corrupt file, read-only location, full disk) is one warning, never an error.

        `executor`: "local" (default) computes the tasks one after another in this process; "ray", or a
        configured `mieb.runner.ray.RayExecutor`, spreads them over a Ray cluster or this machine's GPUs
        (docs/ray.md). Both run the same plan (`mieb.runner.plan`), loaders, Embedder and scorers, and
        write the same results. The Ray executor needs the model by name, card or folder (its encoders
        load it) and raises `mieb.runner.ray.InfeasibleRequestError` (a UsageError), before writing
        anything, when no node of the cluster can hold an encoder or a job.

        Runs sharing `output_folder` compute each task once: a task is computed under a lease, and a
        run that finds one held does its other tasks first, then waits and reuses the result. Whether
        the Hugging Face Hub can be reached is found out once (HF_HUB_OFFLINE is honoured); without it,
        tasks whose model or dataset is not cached locally fail at once with the fix in the message.
        Raises `mieb.paths.UnsafeNameError` (a UsageError) before writing anything if a model name,
        revision or task name cannot name a file, and MiebError when the results' disk is full.
        See docs/guarantees.md.

        `progress`: None (default) shows a live view on a terminal and otherwise one line per task on
        stderr (status, main score, seconds, images/s, cache hits); True the live view, "lines" the
        lines only, False nothing (see `mieb.runner.progress`). The libraries' own progress bars and
        Pillow's large-image warning are kept out unless `verbose`.
        """
        if overwrite_strategy not in OVERWRITE_STRATEGIES:
            raise ValueError(f"overwrite_strategy must be one of {OVERWRITE_STRATEGIES}")
        from mieb.data.images import DECODE_MODES
        from mieb.runner.progress import resolve_mode

        if decode_mode not in DECODE_MODES:
            raise ValueError(f"decode_mode must be one of {DECODE_MODES}, not {decode_mode!r}")
        mode = resolve_mode(progress)
        kwargs = dict(encode_kwargs or {})
        batch_size = int(kwargs.pop("batch_size", 32))
        num_workers = kwargs.pop("num_workers", None)
        if kwargs:
            raise TypeError(f"unknown encode_kwargs: {sorted(kwargs)}")
        settings = RunSettings(overwrite_strategy, device, precision, trust_remote_code, batch_size, num_workers,
                               cache if isinstance(cache, bool) else os.fspath(cache), decode_mode, verbose)
        ray_executor, owned = _ray_executor(executor)
        try:
            with hub.run_scope():  # whether the Hub can be reached is found out at most once per run
                if isinstance(model, (list, tuple)):
                    return [self._run_model(m, settings, ray_executor, output_folder, raise_errors, mode, verbose)
                            for m in model]
                return self._run_model(model, settings, ray_executor, output_folder, raise_errors, mode, verbose)
        finally:
            if owned and ray_executor is not None:
                ray_executor.close()

    def _run_model(self, model: Encoder | ModelMeta | str, settings: RunSettings, ray_executor: RayExecutor | None,
                   output_folder: str | Path | None, raise_errors: bool, mode: str, verbose: bool) -> RunReport:
        from mieb.runner.progress import RunProgress

        with RunProgress(mode, self.tasks) as reporter:  # type: ignore[arg-type]
            return self._run_reported(model, settings, ray_executor, output_folder, raise_errors, reporter, verbose)

    def _run_reported(self, model: Encoder | ModelMeta | str, settings: RunSettings,
                      ray_executor: RayExecutor | None, output_folder: str | Path | None, raise_errors: bool,
                      reporter: RunProgress, verbose: bool) -> RunReport:
        from mieb.runner.plan import plan_model
        from mieb.runner.progress import quiet_libraries

        card: ModelMeta | None = None
        if isinstance(model, (str, os.PathLike, ModelMeta)):
            from mieb.models.registry import check_loadable, get_model_meta

            card = model if isinstance(model, ModelMeta) else get_model_meta(os.fspath(model))
            check_loadable(card, settings.trust_remote_code)
            meta = card
        else:
            from mieb.models.encoder import Encoder

            if not isinstance(model, Encoder):
                raise TypeError(f"model must be an Encoder, a model card, a model name or a checkpoint folder, "
                                f"not {type(model).__name__}")
            if ray_executor is not None:
                raise UsageError("the Ray executor loads the model on its encoders: give the model's name, card "
                                 "or checkpoint folder, not a loaded Encoder")
            meta = model.meta
        out_dir = _prepare_output(meta, self.tasks, output_folder)  # names checked before the model loads
        plan = plan_model(meta, self.tasks, out_dir, settings.strategy, order=ray_executor is not None,
                          decode_mode=settings.decode_mode, precision=settings.precision)
        sink = ResultSink(RunReport(), out_dir, meta, raise_errors, {t.name: i for i, t in enumerate(self.tasks)},
                          reporter, {t.name: t for t in self.tasks})
        for task in self.tasks:  # what is already on disk, reported first
            if task.name in plan.finished:
                sink.reused(plan.finished[task.name])
            elif task.name in plan.missing:
                sink.report.missing.append(task.name)
                reporter.task_finished(task, "missing")
        if plan.pending:
            # the model and data libraries load from here on: their own progress bars stay out unless verbose
            with quiet_libraries(not verbose):
                if ray_executor is not None:
                    if plan.jobs:
                        ray_executor.check_feasible()  # before anything is written
                    sink.write_model_meta()
                    _run_on_ray(plan, settings, ray_executor, sink)
                else:
                    encoder = model if card is None else sink.load(card, settings, plan)
                    if encoder is not None:
                        sink.write_model_meta()
                        _run_locally(plan, settings, encoder, sink)  # type: ignore[arg-type]
        sink.report.results.sort(key=lambda r: sink.order.get(r.task_name, len(sink.order)))
        return sink.report


def _ray_executor(executor: Literal["local", "ray"] | RayExecutor) -> tuple[RayExecutor | None, bool]:
    """(the Ray executor to use, or None for the local one; whether it was made here and must be closed)."""
    from mieb.runner.ray.executor import RayExecutor

    if isinstance(executor, RayExecutor):
        return executor, False
    if executor == "ray":
        return RayExecutor(), True
    if executor == "local":
        return None, False
    raise UsageError(f"executor must be 'local', 'ray' or a RayExecutor, not {executor!r}")


class TaskBusy(Exception):
    """Another run holds the task's lease (raised only while the runner is not waiting for leases)."""

    def __init__(self, task: str, holder: str):
        super().__init__(f"task {task} is held by {holder}")
        self.task, self.holder = task, holder


class ModelLoadError(MiebError):
    """A model could not be loaded; the message names it, its revision and, when offline, the fix."""


def _load_model(card: ModelMeta, device: str | None, precision: str | None, trust_remote_code: bool) -> Encoder:
    """`get_model`, with an unreachable Hub found out first (so loading fails at once, not after retries)
    and any failure turned into a `ModelLoadError` naming the model and its revision."""
    from mieb.models.registry import get_model

    repo = hub.model_repo(card)
    current = hub.status() if repo is not None else hub.HubStatus(True, "")
    online = current.reachable
    if repo is not None and not online and not hub.model_cached(repo, card.revision):  # fail before importing torch
        raise ModelLoadError(hub.model_unavailable(card.name, card.revision, f"no snapshot of {repo} at that "
                                                   "revision in the local cache", current))
    try:
        return get_model(card, device=device, precision=precision, trust_remote_code=trust_remote_code)
    except MiebError:
        raise
    except Exception as e:
        first_line = (str(e).strip().splitlines() or [""])[0]
        why = f"{type(e).__name__}: {first_line}"
        if not online:
            raise ModelLoadError(hub.model_unavailable(card.name, card.revision, why, current)) from e
        raise ModelLoadError(f"model {card.name} (revision {card.revision or 'default'}) could not be loaded: "
                             f"{why}") from e


def _prepare_output(meta: ModelMeta, tasks: list[Task], output_folder: str | Path | None) -> Path | None:
    """The model's revision folder (None without output): every name checked before anything is written
    (`UnsafeNameError`), and mieb's own stale temporaries from killed runs removed."""
    if output_folder is None:
        return None
    out_dir = model_dir(output_folder, meta.folder_name, meta.revision_folder)
    for task in tasks:
        result_file(out_dir, task.name)
    remove_stale_temporaries(out_dir)
    remove_stale_temporaries(out_dir / ERRORS_FOLDER)
    return out_dir


def _disk_full(error: OSError, where: Path | None, task: str | None = None) -> MiebError:
    what = f"the result of task {task}" if task else "results"
    return MiebError(f"no space left on the device while writing {what} under {where} ({error}): the results written "
                     "so far are intact; free some space and run the same command again to complete the rest")


@dataclass
class ResultSink:
    """Where finished and failed tasks go, whichever executor computed them: the report and, with an output
    folder, the results layout (`errors/<task>.json` for failures); and the task leases, so runs sharing
    an output folder compute each task once."""

    report: RunReport
    out_dir: Path | None
    meta: ModelMeta
    raise_errors: bool
    order: dict[str, int]  # the selection's tasks: only theirs are reported as results
    reporter: RunProgress
    tasks: dict[str, Task]  # the selection's tasks by name (their progress lines)
    computed: dict[str, TaskResult] = field(default_factory=dict)
    # failures of tasks outside the selection (an aggregate's subtasks): the aggregate fails naming them
    sub_failures: dict[str, str] = field(default_factory=dict)

    def path(self, task_name: str) -> Path | None:
        return result_file(self.out_dir, task_name) if self.out_dir is not None else None

    def write_model_meta(self) -> None:
        if self.out_dir is None:
            return
        try:
            write_json_atomic(self.out_dir / MODEL_META_FILE, self.meta.to_dict())
        except OSError as e:
            if e.errno != errno.ENOSPC:
                raise
            raise _disk_full(e, self.out_dir) from e

    def load(self, card: ModelMeta, settings: RunSettings, plan: ModelPlan) -> Encoder | None:
        """The model, or None when it cannot be loaded: then every task with work left fails at once with
        the same message (finished ones are reported), unless `raise_errors`."""
        try:
            return _load_model(card, settings.device, settings.precision, settings.trust_remote_code)
        except ModelLoadError as e:
            if self.raise_errors:
                raise
            self.load_failed(e, plan)
            return None

    def load_failed(self, error: MiebError, plan: ModelPlan) -> None:
        names = [*(j.name for j in plan.jobs), *(s.task.name for s in plan.steps)]
        logger.error("%d task(s) cannot run: %s", len(names), error)
        for name in names:
            self.failed(name, str(error), None, log=False)

    def done(self, result: TaskResult, write: bool, seconds: float | None = None) -> None:
        """A computed result (`write`: put it on disk here; the local executor writes each split as it goes),
        taking `seconds` of wall-clock time (its line says so)."""
        name = result.task_name
        self.computed[name] = result
        if self.out_dir is not None:
            if write:
                try:
                    result.to_disk(result_file(self.out_dir, name))
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    raise _disk_full(e, self.out_dir, name) from e
            error_file(self.out_dir, name).unlink(missing_ok=True)
        if name in self.order:
            self.report.results.append(result)
            counts = (result.mieb or {}).get("counts")
            self.reporter.task_finished(self.tasks[name], "done", result, seconds, counts)

    def reused(self, result: TaskResult) -> None:
        """A result another run finished while this one waited for it."""
        self.computed[result.task_name] = result
        if result.task_name in self.order:
            self.report.results.append(result)
            self.report.skipped.append(result.task_name)
            self.reporter.task_finished(self.tasks[result.task_name], "reused", result)

    def failed(self, task_name: str, message: str, trace: str | None, log: bool = True) -> None:
        """A task that failed: in the report, its progress line (else the log) and `errors/<task>.json`."""
        shown = task_name in self.tasks and self.reporter.mode != "off"
        if log and not shown:
            logger.error("task %s failed: %s", task_name, message)
        if task_name in self.tasks:
            self.report.failures[task_name] = message
            self.reporter.task_finished(self.tasks[task_name], "FAILED", error=message)
        else:  # not a task the user asked for: it fails the aggregate that needs it (`sub_results`)
            self.sub_failures[task_name] = message
        if self.out_dir is None:
            return
        path = error_file(self.out_dir, task_name)
        try:
            write_json_atomic(path, {"task_name": task_name, "model": self.meta.name, "revision": self.meta.revision,
                                     "error": message, "traceback": trace, "date": time.time()})
        except OSError as write_error:  # e.g. a full disk: the failure is still in the report and the log
            logger.error("could not record the failure of task %s in %s: %s", task_name, path, write_error)

    def attempt(self, task_name: str, compute: Callable[[], TaskResult], write: bool) -> None:
        """Run `compute` for a task, recording its result or, unless `raise_errors`, its failure."""
        t0 = time.perf_counter()
        try:
            result = compute()
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as e:  # noqa: BLE001 - a failing task must not end the run
            if self.raise_errors:
                raise
            if isinstance(e, OSError) and e.errno == errno.ENOSPC:  # every later write would fail the same way
                raise _disk_full(e, self.out_dir, task_name) from e
            self.failed(task_name, _message(e), traceback.format_exc())
            return
        self.done(result, write, time.perf_counter() - t0)

    def lease(self, task: Task, wait: bool) -> Lease | None:
        """The task's lease, taken (waiting for it if `wait`); None without an output folder. Raises
        TaskBusy if another run holds it and `wait` is off."""
        if self.out_dir is None:  # nothing is written, so nothing is shared
            return None
        lease = task_lease(self.out_dir, task.name)
        if not lease.try_acquire():
            if not wait:
                raise TaskBusy(task.name, lease.holder())
            logger.warning("waiting for task %s, which another run is computing (%s)", task.name, lease.holder())
            lease.acquire()
        return lease

    def still_pending(self, task: Task, settings: RunSettings) -> tuple[TaskResult | None, list[tuple[str, str]]]:
        """(result on disk, pairs left) now, under the task's lease: another run may have finished it. A
        result computed with other settings (`stale_reasons`) is not kept under "only-missing"."""
        existing = _read_existing(self.path(task.name))
        if settings.strategy == "only-missing" and stale_reasons(task, existing, settings.decode_mode,
                                                                 settings.precision):
            existing = None
        return existing, _pending(task, existing, settings.strategy)

    def sub_results(self, names: list[str], plan: ModelPlan) -> list[TaskResult | None]:
        """The results an aggregate step combines: computed in this run, or on disk. Raises MiebError naming
        a subtask that failed in this run, with its error."""
        out = []
        for name in names:
            error = self.report.failures.get(name) or self.sub_failures.get(name)
            if error is not None:
                raise MiebError(f"subtask {name} failed: {error}")
            result = self.computed.get(name) or plan.finished.get(name)
            if result is None and self.out_dir is not None:
                result = _read_existing(result_file(self.out_dir, name))
            out.append(result)
        return out


def _run_locally(plan: ModelPlan, settings: RunSettings, encoder: Encoder, sink: ResultSink) -> None:
    """The local executor: the plan's jobs one after another in this process, then its aggregate steps,
    each under its task's lease (a task another run holds is done last, once that run is finished)."""
    from mieb.runner.embedder import Embedder

    store = None
    if settings.cache is not False:
        from mieb.cache.keys import model_fingerprint
        from mieb.cache.store import EmbeddingCache

        root = None if settings.cache is True else settings.cache
        store = EmbeddingCache(root).store(model_fingerprint(encoder.meta, encoder.precision, encoder.device.type,
                                                             settings.decode_mode))
    sink.reporter.cache = store is not None
    embedder = Embedder(encoder, batch_size=settings.batch_size, num_workers=settings.num_workers, store=store,
                        progress=sink.reporter.encoding, decode_mode=settings.decode_mode)
    ctx = _RunContext(encoder, embedder, sink.out_dir, settings.strategy, settings.batch_size)
    busy = 0.0
    t_start = time.perf_counter()

    def run(task: Task, sub: list[str] | None, wait: bool) -> bool:
        """Compute `task` (an aggregate's from the results of `sub`); False if another run holds it."""
        nonlocal busy
        if task.name in sink.tasks:
            sink.reporter.task_started(task)
        try:
            check_modalities(task, encoder)
            lease = sink.lease(task, wait)
        except TaskBusy as e:
            logger.warning("task %s is being computed by another run (%s): doing the other tasks first, then "
                           "waiting for it", e.task, e.holder)
            return False
        except Exception as e:  # noqa: BLE001 - recorded like any failure of the task
            if sink.raise_errors:
                raise
            sink.failed(task.name, _message(e), traceback.format_exc())
            return True
        try:
            existing, todo = sink.still_pending(task, settings)
            if not todo and existing is not None:
                sink.reused(existing)
                return True
            t0 = time.perf_counter()
            sink.attempt(task.name, lambda: ctx._compute(task, todo, existing, sink.path(task.name),
                                                          sink.sub_results(sub, plan) if sub is not None else None),
                         False)
            busy += time.perf_counter() - t0
        finally:
            if lease is not None:
                lease.release()
        return True

    units: list[tuple[Task, list[str] | None]] = [*((j.task, None) for j in plan.jobs),
                                                   *((s.task, s.after) for s in plan.steps)]
    held = [(task, sub) for task, sub in units if not run(task, sub, wait=False)]
    for task, sub in held:  # done by now, or wait for it (its lease ends if its run is killed)
        run(task, sub, wait=True)
    sink.report.workers.append(WorkerUsage("local", "local", f"{platform.node()} {encoder.device}", busy,
                                           time.perf_counter() - t_start, len(units)))


def _message(e: BaseException) -> str:
    """A failure as the user reads it: mieb's own errors as they are, others with their type."""
    return str(e) if isinstance(e, MiebError) else f"{type(e).__name__}: {e}"


def _run_on_ray(plan: ModelPlan, settings: RunSettings, executor: RayExecutor, sink: ResultSink) -> None:
    """The Ray executor's jobs (results written here, on the driver, as they come back), then the aggregate
    steps, computed here from their subtasks' results."""
    from mieb.runner.embedder import Embedder
    from mieb.runner.ray.executor import Outcome
    from mieb.runner.ray.jobs import PoolEncoder

    for j in list(plan.jobs):  # refused before any data is loaded, as the local executor does
        try:
            check_modalities(j.task, j.model)
        except ModalityError as e:
            plan.jobs.remove(j)
            sink.failed(j.name, str(e), None)

    def record(outcome: Outcome) -> None:
        if outcome.reused is not None:
            sink.reused(outcome.reused)
        elif outcome.result is not None:
            sink.done(outcome.result, write=True, seconds=outcome.result.evaluation_time)
        else:
            sink.failed(outcome.job.name, outcome.error or "failed", outcome.traceback)

    try:
        info = executor.run(plan, settings, record, sink)
    except ModelLoadError as e:
        if sink.raise_errors:
            raise
        sink.load_failed(e, plan)
        return
    scoring = PoolEncoder(plan.model, info or {"precision": settings.precision or plan.model.precision,
                                               "precision_note": None, "maxsim_padding": "reference",
                                               "maxsim_block_bytes": None, "device": "cpu"})
    placement = {"name": "ray", "job_worker": {"host": platform.node(), "pid": os.getpid(), "role": "driver"},
                 "scoring_device": "cpu", "encoder_device": scoring.encode_device}
    ctx = _RunContext(scoring, Embedder(scoring, batch_size=settings.batch_size, num_workers=0,
                                        decode_mode=settings.decode_mode),
                      sink.out_dir, settings.strategy, settings.batch_size, executor=placement)
    for step in plan.steps:
        lease = sink.lease(step.task, wait=True)
        try:
            existing, todo = sink.still_pending(step.task, settings)
            if not todo and existing is not None:
                sink.reused(existing)
                continue

            def compute(step: Step = step, todo: list[tuple[str, str]] = todo,
                        existing: TaskResult | None = existing) -> TaskResult:
                subs = sink.sub_results(step.after, plan)
                return ctx._compute(step.task, todo, existing, sink.path(step.task.name), subs)

            sink.attempt(step.task.name, compute, write=False)
        finally:
            if lease is not None:
                lease.release()


@dataclass
class _RunContext:
    """What computing a task needs, whichever executor runs it (see `_compute`)."""

    encoder: Encoder
    embedder: Embedder
    out_dir: Path | None
    strategy: str
    batch_size: int
    executor: dict[str, Any] | None = None  # where the work ran, written into results (see `_run_info`)

    def run_one(self, task: Task) -> tuple[TaskResult | None, bool]:
        """(result, whether anything was computed) of one task in this process, under its lease (an
        aggregate's subtasks first); result None only for "only-cache" misses. For scripts that drive
        tasks one by one (benchmarks/speed.py); `MIEB.run` plans instead (`mieb.runner.plan`)."""
        path = result_file(self.out_dir, task.name) if self.out_dir else None
        existing = _read_existing(path)
        todo = _pending(task, existing, self.strategy)
        if not todo:
            return existing, False
        check_modalities(task, self.encoder)
        lease = task_lease(self.out_dir, task.name) if self.out_dir is not None else None
        if lease is not None:
            lease.acquire()
        try:
            if self.strategy != "always":  # another run may have finished it while we waited
                existing = _read_existing(path)
                todo = _pending(task, existing, self.strategy)
                if not todo:
                    return existing, False
            kind = task.kind
            subs = [self.run_one(t)[0] for t in kind.subtasks(task)] if isinstance(kind, AggregateKind) else None
            return self._compute(task, todo, existing, path, subs), True
        finally:
            if lease is not None:
                lease.release()

    def _compute(self, task: Task, todo: list[tuple[str, str]], existing: TaskResult | None, path: Path | None,
                 sub_results: list[TaskResult | None] | None) -> TaskResult:
        """`task`'s result over the (split, subset) pairs `todo`, merged into `existing`; written to `path`
        after each pair when given. Aggregates combine `sub_results`; other kinds load, embed and score."""
        md = task.metadata
        embedder = self.embedder
        embedder.start_task(md.name, md.type, md.category, md.prompt)
        redone = set(todo)
        if existing is not None and all((sp, e.get("hf_subset")) in redone for sp, entries in existing.scores.items()
                                        for e in entries):
            existing = None  # every entry is computed again ("always"): its seconds are not this file's any more
        timings = dict((existing.mieb or {}).get("timings", {})) if existing else {}
        timings = {k: float(timings.get(k, 0.0)) for k in ("load", "encode", "score", "total")}
        result = existing
        kind = task.kind
        for i, (split, subset) in enumerate(todo):
            t0 = time.perf_counter()
            enc0 = embedder.stats.seconds
            ctx = SplitContext(split, subset)
            if isinstance(kind, AggregateKind):
                finished = [r for r in sub_results or [] if r is not None]
                if sub_results is None or len(finished) != len(sub_results):
                    raise MiebError(f"task {md.name}: a subtask has no result (overwrite strategy only-cache?)")
                scores = kind.combine(task, split, finished)
                t1 = t2 = time.perf_counter()
            else:
                assert isinstance(kind, TaskKind)
                data = kind.load(task, ctx)
                t1 = time.perf_counter()
                scores = kind.evaluate(task, data, embedder.bind(ctx))
                t2 = time.perf_counter()
            enc = embedder.stats.seconds - enc0
            timings["load"] += t1 - t0
            timings["encode"] += enc
            timings["score"] += (t2 - t1) - enc
            timings["total"] += t2 - t0
            if md.main_score not in scores:
                raise KeyError(f"task {md.name}: protocol returned no {md.main_score!r} (main score)")
            entry = {**scores, "main_score": scores[md.main_score], "hf_subset": subset,
                     "languages": md.subset_languages(subset)}
            part = TaskResult(
                dataset_revision=md.dataset.revision,
                task_name=md.name,
                mieb_version=mieb_version(),
                scores={split: [entry]},
                evaluation_time=timings["total"],
                date=time.time(),
                mieb=_run_info(task, self.encoder, embedder, self.batch_size, timings,
                               complete=i == len(todo) - 1, executor=self.executor),
            )
            result = part if result is None else result.merge(part)
            if path is not None:
                result.to_disk(path)
        assert result is not None
        return result


def evaluate(model: Encoder | str, tasks: Iterable[Task | str], **kwargs: Any) -> RunReport:
    """Functional form of `MIEB(tasks).run(model, **kwargs)`."""
    return MIEB(tasks).run(model, **kwargs)


def check_modalities(task: Task, encoder: Encoder | ModelMeta) -> None:
    """Refuse, before any data is loaded, a task the model (a loaded one or its card) cannot encode, as the
    reference does."""
    have = set(encoder.modalities)
    md = task.metadata
    query_side, doc_side = task.kind.needed_modalities(task)
    if doc_side:
        for side, needed in (("query", query_side), ("document", doc_side)):
            if needed and not have & set(needed):
                raise ModalityError(
                    f"model {encoder.name} ({sorted(have)}) cannot encode the {side} side of task {md.name} "
                    f"({'+'.join(needed)})"
                )
            if set(needed) - have:
                logger.warning("model %s lacks %s for the %s side of task %s", encoder.name,
                               sorted(set(needed) - have), side, md.name)
    elif set(query_side) - have:
        raise ModalityError(
            f"model {encoder.name} has modalities {sorted(have)} but task {md.name} needs {sorted(query_side)}"
        )


def local_placement(encoder: Encoder) -> dict[str, Any]:
    """The `executor` block of work done in this process: host, pid and the model's device."""
    return {"name": "local", "job_worker": {"host": platform.node(), "pid": os.getpid()},
            "scoring_device": str(encoder.device), "encoder_device": str(encoder.device)}


def _read_existing(path: Path | None) -> TaskResult | None:
    if path is None or not path.exists():
        return None
    try:
        return TaskResult.from_disk(path)
    except FileNotFoundError:  # another run set it aside between the two calls
        return None
    except Exception as e:  # noqa: BLE001 - an unreadable file is set aside, never silently overwritten
        backup = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
        try:
            path.rename(backup)
        except FileNotFoundError:
            return None
        logger.warning("could not read %s (%s); moved it to %s and will recompute", path, e, backup)
        return None


def stale_reasons(task: Task, existing: TaskResult | None, decode_mode: str, precision: str | None) -> list[str]:
    """Why a result on disk cannot stand for what this run would compute (empty: it can): computed under
    another protocol version or dataset revision of the task, another image decoding version or decode
    mode, or another precision than the one this run asks for explicitly (`precision` None or "auto": the
    card's default, whatever it gave). A result without mieb's block (written by another tool) is kept.
    The reference reuses any result file (docs/deviations.md D25)."""
    from mieb.data.images import DECODE_VERSION

    info = existing.mieb if existing is not None else None
    if not info:
        return []
    md = task.metadata
    was_task, was_model, was_run = info.get("task", {}), info.get("model", {}), info.get("run", {})
    checks = [
        ("protocol version", was_task.get("protocol_version"), md.protocol_version),
        ("dataset revision", was_task.get("dataset_revision"), md.dataset.revision),
        ("image decoding version", was_model.get("image_decoding"), DECODE_VERSION),
        ("decode mode", was_run.get("decode_mode", "exact"), decode_mode),
    ]
    if precision not in (None, "auto"):
        checks.append(("precision", was_run.get("precision"), precision))
    return [f"{what} {was} (this run: {now})" for what, was, now in checks if was != now]


def _pending(task: Task, existing: TaskResult | None, strategy: str) -> list[tuple[str, str]]:
    wanted = [(sp, su) for sp in task.metadata.eval_splits for su in task.hf_subsets]
    if strategy == "only-cache":
        return []
    if existing is None or strategy == "always":
        return wanted
    if strategy == "never":
        return []
    return [(sp, su) for sp, su in wanted if not existing.has(sp, su)]


def _run_info(task: Task, encoder: Encoder, embedder: Embedder, batch_size: int, timings: dict[str, float],
              complete: bool, executor: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `mieb` block of a result. `executor` says where the work ran (default: this process)."""
    from mieb.data.images import DECODE_VERSION

    meta = encoder.meta
    executor = executor or local_placement(encoder)
    return {
        "complete": complete,
        "task": task.metadata.summary(),
        "model": {
            "name": meta.name,
            "revision": meta.revision,
            "family": meta.family,
            "similarity": meta.similarity,
            "fusion": meta.fusion,
            "image_preprocessing": meta.image.model_dump(mode="json") if meta.image else None,
            "image_decoding": DECODE_VERSION,
            "text_preprocessing": meta.text.model_dump(mode="json") if meta.text else None,
        },
        "run": {
            "precision": encoder.precision,
            "card_precision": meta.precision,
            **({"precision_note": encoder.precision_note} if encoder.precision_note else {}),
            "device": executor.get("encoder_device", str(encoder.device)),
            "batch_size": batch_size,
            # halvings after the device ran out of memory: {"inputs", "from", "to"} each, in order
            "batch_size_reductions": list(embedder.batch_size_reductions),
            "num_workers": embedder.num_workers,
            "decode_mode": embedder.decode_mode,
            "embedding_cache": embedder.store is not None and embedder.store.enabled,
            **({"maxsim": info} if (info := encoder.scoring_info()) is not None else {}),
        },
        "executor": copy.deepcopy(executor),  # a snapshot: a job's executor block grows while it runs
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "counts": embedder.stats.as_dict(),
        "versions": library_versions(),
    }
