"""Running tasks against a model: selection, skipping finished work, writing results, surviving failures."""

from __future__ import annotations

import copy
import logging
import os
import platform
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mieb.errors import MiebError, ModalityError, UsageError
from mieb.models.meta import ModelMeta
from mieb.results.io import (
    OVERWRITE_STRATEGIES,
    OverwriteStrategy,
    model_dir,
    write_json_atomic,
)
from mieb.results.schema import TaskResult
from mieb.tasks.task import Task

if TYPE_CHECKING:  # torch is imported only when something is computed: a finished re-run needs neither
    from mieb.models.encoder import Encoder
    from mieb.runner.embedder import Embedder
    from mieb.runner.plan import Job, ModelPlan, Step
    from mieb.runner.ray.executor import RayExecutor

logger = logging.getLogger("mieb")

_VERSIONED = ("mieb", "torch", "transformers", "datasets", "numpy", "scikit-learn", "scipy", "pillow")


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for dist in _VERSIONED:
        try:
            out[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            out[dist] = None
    return out


def mieb_version() -> str:
    try:
        return importlib_metadata.version("mieb")
    except importlib_metadata.PackageNotFoundError:
        return "0+unknown"


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
    workers: list[WorkerUsage] = field(default_factory=list)  # the Ray executor's encoders and job workers

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
        model: Encoder | ModelMeta | str | Sequence[ModelMeta | str],
        *,
        output_folder: str | Path | None = "results",
        overwrite_strategy: OverwriteStrategy = "only-missing",
        encode_kwargs: dict[str, Any] | None = None,
        device: str | None = None,
        precision: str | None = None,
        raise_errors: bool = False,
        progress: bool | None = None,
        cache: bool | str | Path = True,
        trust_remote_code: bool = False,
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
        `cache`: embeddings are stored per model and input content (default under $MIEB_CACHE) and
        reused by every later task and run; False disables it, a path relocates it.

        `executor`: "local" (default) computes the tasks one after another in this process; "ray", or a
        configured `mieb.runner.ray.RayExecutor`, spreads them over a Ray cluster or this machine's GPUs
        (docs/ray.md). Both run the same plan (`mieb.runner.plan`), loaders, Embedder and scorers, and
        write the same results. The Ray executor needs the model by name, card or folder (its encoders
        load it); it raises InfeasibleRequestError when no node can ever hold an encoder.
        """
        if overwrite_strategy not in OVERWRITE_STRATEGIES:
            raise ValueError(f"overwrite_strategy must be one of {OVERWRITE_STRATEGIES}")
        kwargs = dict(encode_kwargs or {})
        batch_size = int(kwargs.pop("batch_size", 32))
        num_workers = kwargs.pop("num_workers", None)
        if kwargs:
            raise TypeError(f"unknown encode_kwargs: {sorted(kwargs)}")
        settings = RunSettings(overwrite_strategy, device, precision, trust_remote_code, batch_size, num_workers,
                               cache if isinstance(cache, bool) else os.fspath(cache))
        ray_executor, owned = _ray_executor(executor)
        try:
            if isinstance(model, (list, tuple)):
                return [self._run_model(m, settings, ray_executor, output_folder, raise_errors, progress)
                        for m in model]
            return self._run_model(model, settings, ray_executor, output_folder, raise_errors, progress)
        finally:
            if owned and ray_executor is not None:
                ray_executor.close()

    def _run_model(self, model: Encoder | ModelMeta | str, settings: RunSettings, ray_executor: RayExecutor | None,
                   output_folder: str | Path | None, raise_errors: bool, progress: bool | None) -> RunReport:
        from mieb.runner.plan import plan_model

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
        out_dir = (model_dir(output_folder, meta.folder_name, meta.revision_folder) if output_folder is not None
                   else None)
        plan = plan_model(meta, self.tasks, out_dir, settings.strategy, order=ray_executor is not None)
        sink = _Sink(RunReport(), out_dir, meta, raise_errors, {t.name: i for i, t in enumerate(self.tasks)})
        for name, result in plan.finished.items():
            if name in sink.order:
                sink.report.results.append(result)
                sink.report.skipped.append(name)
        sink.report.missing.extend(plan.missing)
        if plan.pending:
            if ray_executor is not None and plan.jobs:
                ray_executor.check_feasible()  # before anything is written
            if out_dir is not None:
                write_json_atomic(out_dir / "model_meta.json", meta.to_dict())
            if ray_executor is not None:
                _run_on_ray(plan, settings, ray_executor, sink)
            else:
                encoder = model if card is None else _load(card, settings)
                _run_locally(plan, settings, encoder, sink, progress)  # type: ignore[arg-type]
        sink.report.results.sort(key=lambda r: sink.order.get(r.task_name, len(sink.order)))
        return sink.report


def _ray_executor(executor: Literal["local", "ray"] | RayExecutor) -> tuple[RayExecutor | None, bool]:
    """(the Ray executor to use or None for the local one, whether it was made here and must be closed)."""
    from mieb.runner.ray.executor import RayExecutor

    if isinstance(executor, RayExecutor):
        return executor, False
    if executor == "ray":
        return RayExecutor(), True
    if executor == "local":
        return None, False
    raise UsageError(f"executor must be 'local', 'ray' or a RayExecutor, not {executor!r}")


def _load(card: ModelMeta, settings: RunSettings) -> Encoder:
    from mieb.models.registry import get_model

    return get_model(card, device=settings.device, precision=settings.precision,
                     trust_remote_code=settings.trust_remote_code)


@dataclass
class _Sink:
    """Where finished and failed tasks go: the report and, with an output folder, the results layout."""

    report: RunReport
    out_dir: Path | None
    meta: ModelMeta
    raise_errors: bool
    order: dict[str, int]  # the selection's tasks: only theirs are reported as results
    computed: dict[str, TaskResult] = field(default_factory=dict)

    def path(self, task_name: str) -> Path | None:
        return self.out_dir / f"{task_name}.json" if self.out_dir is not None else None

    def done(self, result: TaskResult, write: bool) -> None:
        """A computed result (`write`: put it on disk here; the local executor writes each split as it goes)."""
        name = result.task_name
        self.computed[name] = result
        if self.out_dir is not None:
            if write:
                result.to_disk(self.out_dir / f"{name}.json")
            (self.out_dir / "errors" / f"{name}.json").unlink(missing_ok=True)
        if name in self.order:
            self.report.results.append(result)

    def failed(self, task_name: str, message: str, trace: str | None) -> None:
        logger.error("task %s failed: %s", task_name, message)
        self.report.failures[task_name] = message
        if self.out_dir is not None:
            write_json_atomic(self.out_dir / "errors" / f"{task_name}.json", {
                "task_name": task_name, "model": self.meta.name, "revision": self.meta.revision,
                "error": message, "traceback": trace, "date": time.time(),
            })

    def attempt(self, task_name: str, compute: Callable[[], TaskResult], write: bool) -> None:
        """Run `compute` for a task, recording its result or, unless `raise_errors`, its failure."""
        try:
            result = compute()
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as e:  # noqa: BLE001 - a failing task must not end the run
            if self.raise_errors:
                raise
            self.failed(task_name, str(e) if isinstance(e, MiebError) else f"{type(e).__name__}: {e}",
                        traceback.format_exc())
            return
        self.done(result, write)

    def sub_results(self, names: list[str], plan: ModelPlan) -> list[TaskResult | None]:
        """The results an aggregate step combines: computed in this run, or on disk before it."""
        out = []
        for name in names:
            result = self.computed.get(name) or plan.finished.get(name)
            if result is None and self.out_dir is not None:
                result = _read_existing(self.out_dir / f"{name}.json")
            out.append(result)
        return out


def _run_locally(plan: ModelPlan, settings: RunSettings, encoder: Encoder, sink: _Sink, progress: bool | None) -> None:
    """The local executor: the plan's jobs one after another in this process, then its aggregate steps."""
    from mieb.runner.embedder import Embedder
    from mieb.runner.progress import progress_factory

    store = None
    if settings.cache is not False:
        from mieb.cache.keys import model_fingerprint
        from mieb.cache.store import EmbeddingCache

        root = None if settings.cache is True else settings.cache
        store = EmbeddingCache(root).store(model_fingerprint(encoder.meta, encoder.precision, encoder.device.type))
    embedder = Embedder(encoder, batch_size=settings.batch_size, num_workers=settings.num_workers, store=store,
                        progress=progress_factory(progress))
    ctx = _RunContext(encoder, embedder, sink.out_dir, settings.strategy, settings.batch_size)

    busy = 0.0

    def job(j: Job) -> Callable[[], TaskResult]:
        def compute() -> TaskResult:
            nonlocal busy
            check_modalities(j.task, encoder)
            t0 = time.perf_counter()
            try:
                return ctx._compute(j.task, j.todo, j.existing, sink.path(j.name), None)
            finally:
                busy += time.perf_counter() - t0
        return compute

    t0 = time.perf_counter()
    for j in plan.jobs:
        sink.attempt(j.name, job(j), write=False)
    _run_steps(plan, ctx, sink)
    sink.report.workers.append(WorkerUsage("local", "local", f"{platform.node()} {encoder.device}", busy,
                                           time.perf_counter() - t0, len(plan.jobs)))


def _run_steps(plan: ModelPlan, ctx: _RunContext, sink: _Sink) -> None:
    """Aggregate steps, from the results of their subtasks (computed in this run or on disk)."""
    for step in plan.steps:
        def compute(step: Step = step) -> TaskResult:
            check_modalities(step.task, ctx.encoder)
            return ctx._compute(step.task, step.todo, step.existing, sink.path(step.task.name),
                                sink.sub_results(step.after, plan))
        sink.attempt(step.task.name, compute, write=False)


def _run_on_ray(plan: ModelPlan, settings: RunSettings, executor: RayExecutor, sink: _Sink) -> None:
    """The Ray executor's jobs (results written here, on the driver, as they come back), then the steps."""
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
        if outcome.result is not None:
            sink.done(outcome.result, write=True)
        else:
            sink.failed(outcome.job.name, outcome.error or "failed", outcome.traceback)

    info = executor.run(plan, settings, record, sink.report.workers)
    scoring = PoolEncoder(plan.model, info or {"precision": settings.precision or plan.model.precision,
                                               "precision_note": None, "maxsim_padding": "reference",
                                               "maxsim_block_bytes": None, "device": "cpu"})
    placement = {"name": "ray", "job_worker": {"host": platform.node(), "pid": os.getpid(), "role": "driver"},
                 "scoring_device": "cpu", "encoder_device": scoring.encode_device}
    ctx = _RunContext(scoring, Embedder(scoring, batch_size=settings.batch_size, num_workers=0), sink.out_dir,
                      settings.strategy, settings.batch_size, executor=placement)
    _run_steps(plan, ctx, sink)


@dataclass
class _RunContext:
    """What computing a task needs, whichever executor runs it (see `_compute`)."""

    encoder: Encoder
    embedder: Embedder
    out_dir: Path | None
    strategy: str
    batch_size: int
    executor: dict[str, Any] | None = None  # where the work ran, written into results (see `_run_info`)

    def _compute(self, task: Task, todo: list[tuple[str, str]], existing: TaskResult | None, path: Path | None,
                 sub_results: list[TaskResult | None] | None) -> TaskResult:
        """`task`'s result over the (split, subset) pairs `todo`, merged into `existing`; written to `path`
        after each pair when given. Aggregates combine `sub_results`; other kinds load, embed and score."""
        md = task.metadata
        embedder = self.embedder
        embedder.start_task(md.name, md.type, md.category, md.prompt)
        timings = dict((existing.mieb or {}).get("timings", {})) if existing else {}
        timings = {k: float(timings.get(k, 0.0)) for k in ("load", "encode", "score", "total")}
        result = existing
        for i, (split, subset) in enumerate(todo):
            t0 = time.perf_counter()
            enc0 = embedder.stats.seconds
            embedder.split = split
            if sub_results is not None:
                if any(r is None for r in sub_results):
                    raise MiebError(f"task {md.name}: a subtask has no result (overwrite strategy only-cache?)")
                scores = task.kind.combine(task, split, sub_results)  # type: ignore[attr-defined]
                t1 = t2 = time.perf_counter()
            else:
                data = task.kind.load(task, split, subset)
                t1 = time.perf_counter()
                scores = task.kind.evaluate(task, data, embedder)
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
    except Exception as e:  # noqa: BLE001 - an unreadable file is set aside, never silently overwritten
        backup = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
        path.rename(backup)
        logger.warning("could not read %s (%s); moved it to %s and will recompute", path, e, backup)
        return None


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
            "text_preprocessing": meta.text.model_dump(mode="json") if meta.text else None,
        },
        "run": {
            "precision": encoder.precision,
            "card_precision": meta.precision,
            **({"precision_note": encoder.precision_note} if encoder.precision_note else {}),
            "device": executor.get("encoder_device", str(encoder.device)),
            "batch_size": batch_size,
            "num_workers": embedder.num_workers,
            "embedding_cache": embedder.store is not None,
            **({"maxsim": info} if (info := encoder.scoring_info()) is not None else {}),
        },
        "executor": copy.deepcopy(executor),  # a snapshot: a job's executor block grows while it runs
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "counts": embedder.stats.as_dict(),
        "versions": library_versions(),
    }
