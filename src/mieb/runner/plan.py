"""Planning a run: the (model, task) jobs left to compute, their order, and how large ones are sharded.

Every executor runs what this module decides (the local executor one job after another in-process,
the Ray executor spread over a cluster), and `benchmarks/simulate_scale.py` replays the same policy
with the reference's published task times:

- a **job** is one task with something left to compute for one model: (split, subset) pairs whose
  results are already on disk are skipped, a task with none left is not a job;
- an **aggregate** (a VisualSTS family task scored from another task's subsets) is a step after the
  job of its subtask; several aggregates of one subtask share one job over the union of their subsets,
  so one task's result file has one writer;
- jobs are submitted **largest first** (longest processing time first; Graham 1969, "Bounds on
  multiprocessing timing anomalies"): by the reference's published evaluation time for that model and
  task when mieb ships one, else for the same task with a reference model, else by the number of inputs
  the task embeds (from its metadata statistics);
- an encode request with more than `shard_size` inputs left to encode is cut into **shards** of
  `shard_size` inputs, rounded up to a multiple of the batch size so every batch is the batch an
  unsharded run encodes (identical embeddings), and the shards are spread over the encoders;
- a job keeps at most `shards_in_flight(encoders)` of its shards waiting or encoding, and a free encoder
  takes the waiting shard of the **earliest-planned job** (`ShardQueue`): the largest job gets every
  encoder it can use, and the others fill the gaps (a first-come-first-served queue would instead share
  the encoders round-robin among all jobs in flight and finish the largest one last);
- at most `JOBS_PER_ENCODER` jobs per encoder are in flight, so datasets are not all loaded at once.

Nothing here imports torch or Ray.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from mieb.tasks.task import Task

if TYPE_CHECKING:
    from mieb.models.meta import ModelMeta
    from mieb.results.schema import TaskResult

logger = logging.getLogger("mieb")

SHARD_SIZE = 2048  # inputs per encode shard (before rounding up to a multiple of the batch size)
JOBS_PER_ENCODER = 2  # jobs in flight per encoder: one encoding while another loads or scores
# The model whose published times order the tasks of a model that has none (a CLIP ViT-B/32 runs every task).
COST_REFERENCE_MODEL = "openai/clip-vit-base-patch32"
SECONDS_PER_INPUT = 0.005  # ordering only, for tasks without a published time: about a B/32 on one GPU


@dataclass
class Job:
    """One task to compute for one model: `todo` (split, subset) pairs, merged into `existing` if any.

    `cost` (seconds, an estimate used for ordering) and `inputs` (images + texts to embed, None when the
    metadata does not say) come from `estimate`.
    """

    model: ModelMeta
    task: Task
    todo: list[tuple[str, str]]
    existing: TaskResult | None = None
    cost: float = 0.0
    inputs: int | None = None

    @property
    def name(self) -> str:
        return self.task.name

    @property
    def key(self) -> str:
        """Unique within a run: model, revision and task."""
        return f"{self.model.name}@{self.model.revision_folder}::{self.task.name}"


@dataclass
class Step:
    """An aggregate: scored on the driver from the results of `after` (task names) once they are done."""

    model: ModelMeta
    task: Task
    todo: list[tuple[str, str]]
    existing: TaskResult | None
    after: list[str]


@dataclass
class ModelPlan:
    """What is left for one model: jobs in submission order, aggregate steps, and what is already done."""

    model: ModelMeta
    jobs: list[Job] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    finished: dict[str, TaskResult] = field(default_factory=dict)  # task name -> result on disk
    missing: list[str] = field(default_factory=list)  # "only-cache": no result on disk

    @property
    def pending(self) -> bool:
        return bool(self.jobs or self.steps)


def plan_model(model: ModelMeta, tasks: Sequence[Task], out_dir: Path | None, strategy: str, *,
               order: bool = True, decode_mode: str = "exact", precision: str | None = None) -> ModelPlan:
    """The jobs and steps left for `model` over `tasks`, reading results under `out_dir` (the model's
    revision folder; None: nothing is on disk). `order=False` keeps the selection's order (the local
    executor: one job at a time, so the order changes nothing but what the user watches).

    Under "only-missing", a result on disk computed with other settings than this run's (`decode_mode`,
    an explicit `precision`, or another protocol version, dataset revision or image decoding:
    `mieb.runner.run.stale_reasons`) is computed again, with a warning naming what differs."""
    from mieb.results.io import result_file
    from mieb.runner.run import _pending, _read_existing, stale_reasons
    from mieb.tasks.kinds.base import AggregateKind

    plan = ModelPlan(model)
    jobs: dict[str, Job] = {}

    def existing_of(task: Task) -> TaskResult | None:
        if out_dir is None:
            return None
        path = result_file(out_dir, task.name)
        existing = _read_existing(path)
        if strategy == "only-missing" and (why := stale_reasons(task, existing, decode_mode, precision)):
            logger.warning("task %s: the result in %s was computed with %s: computing it again "
                           "(--overwrite-strategy never keeps it)", task.name, path, "; ".join(why))
            return None
        return existing

    def add_job(task: Task, existing: TaskResult | None, todo: list[tuple[str, str]]) -> None:
        if task.name in jobs:  # one job per result file: the union of the subsets asked for, in the task's order
            job = jobs[task.name]
            subsets = {*job.task.hf_subsets, *task.hf_subsets}
            job.task = Task(task.metadata, [s for s in task.metadata.hf_subsets if s in subsets])
            pairs = {*job.todo, *todo}
            job.todo = [(sp, su) for sp in task.metadata.eval_splits for su in job.task.hf_subsets if (sp, su) in pairs]
            return
        jobs[task.name] = Job(model, task, todo, existing)

    for task in tasks:
        existing = existing_of(task)
        todo = _pending(task, existing, strategy)
        if not todo:
            if existing is not None:
                plan.finished[task.name] = existing
            elif strategy == "only-cache":
                plan.missing.append(task.name)
            continue
        kind = task.kind
        if isinstance(kind, AggregateKind):
            after = []
            for sub in kind.subtasks(task):
                sub_existing = existing_of(sub)
                sub_todo = _pending(sub, sub_existing, strategy)
                if sub_todo:
                    add_job(sub, sub_existing, sub_todo)
                after.append(sub.name)
            plan.steps.append(Step(model, task, todo, existing, after))
        else:
            add_job(task, existing, todo)
    plan.jobs = list(jobs.values())
    for job in plan.jobs:
        job.cost, job.inputs = estimate(model.name, job.task)
    if order:
        plan.jobs = order_jobs(plan.jobs)
    return plan


def order_jobs(jobs: Iterable[Job]) -> list[Job]:
    """Largest estimated cost first; ties keep their order (a stable sort)."""
    return sorted(jobs, key=lambda j: -j.cost)


def estimate(model_name: str, task: Task) -> tuple[float, int | None]:
    """(estimated seconds, inputs to embed) of computing `task` for `model_name`: the reference's
    published evaluation time for the model and task if mieb ships one, else the cost reference model's,
    else `SECONDS_PER_INPUT` per input. Only the order of jobs depends on it."""
    inputs = estimated_inputs(task)
    times = published_times()
    for name in (model_name, COST_REFERENCE_MODEL):
        seconds = times.get(name, {}).get(task.name)
        if seconds:
            share = len(task.hf_subsets) / max(1, len(task.metadata.hf_subsets))
            return seconds * share, inputs
    return (inputs or 0) * SECONDS_PER_INPUT, inputs


def estimated_inputs(task: Task) -> int | None:
    """Images plus texts a run of `task` embeds on its eval splits (plus a linear probe's sampled training
    images), from the metadata's statistics; None where they do not say. For a selection of subsets
    of a multilingual task, the share of its subsets."""
    meta = task.metadata
    stats = meta.stats or {}
    total = 0
    for split in meta.eval_splits:
        s = stats.get(split)
        if s is None or s.n_images is None or s.n_texts is None:
            return None
        total += s.n_images + s.n_texts
    train = stats.get(getattr(meta.settings, "train_split", ""))
    test = stats.get(meta.eval_splits[0])
    if train is not None and test is not None and test.n_labels:  # a linear probe's sampled training images
        s_: Any = meta.settings
        total += min(train.n_samples, test.n_labels * s_.samples_per_label * s_.n_experiments)
    if task.hf_subsets != meta.hf_subsets:
        total = math.ceil(total * len(task.hf_subsets) / max(1, len(meta.hf_subsets)))
    return total


@cache
def published_times() -> dict[str, dict[str, float]]:
    """{model name: {task name: seconds}}: the reference's published evaluation times (summed over a
    task's splits and subsets), from the published scores mieb ships."""
    from mieb.leaderboard.scores import ScoreSet

    out: dict[str, dict[str, float]] = {}
    for m in ScoreSet.published().models:
        times = {task: f.evaluation_time for task, f in m.files.items() if f.evaluation_time}
        if times:
            out.setdefault(m.name, times)
    return out


def shard_size_for(batch_size: int, shard_size: int = SHARD_SIZE) -> int:
    """Inputs per shard: `shard_size` rounded up to a multiple of `batch_size` (at least one batch)."""
    if batch_size < 1 or shard_size < 1:
        raise ValueError("batch_size and shard_size must be positive")
    return max(1, math.ceil(shard_size / batch_size)) * batch_size


def shard_spans(n: int, batch_size: int, shard_size: int = SHARD_SIZE) -> list[tuple[int, int]]:
    """[start, stop) positions of the shards of `n` inputs to encode: one span when `n` fits in one shard."""
    size = shard_size_for(batch_size, shard_size)
    return [(start, min(start + size, n)) for start in range(0, n, size)] or [(0, 0)]


def predicted_shards(inputs: int | None, batch_size: int, shard_size: int = SHARD_SIZE) -> int:
    """How many shards a job of `inputs` inputs (all still to encode) is cut into (1 when unknown)."""
    if not inputs:
        return 1
    return len(shard_spans(inputs, batch_size, shard_size))


def max_jobs_in_flight(n_encoders: int) -> int:
    """Jobs submitted at a time: `JOBS_PER_ENCODER` per encoder."""
    return max(1, JOBS_PER_ENCODER * n_encoders)


def shards_in_flight(n_encoders: int) -> int:
    """Shards one job keeps waiting or encoding at a time: one per encoder, plus one ready for the first
    encoder to come free (so the job alone can keep every encoder busy)."""
    return n_encoders + 1


T = TypeVar("T")


class ShardQueue(Generic[T]):
    """Which waiting shard a free encoder takes next (the policy of the module docstring): the shard of
    the job with the lowest `rank` (its position in the plan: largest first), ties in the order they
    were submitted. The Ray executor's queue actor and `benchmarks/simulate_scale.py` both run this.

    `submit(rank, item)` and `release(encoder)` return the (encoder index, item) pairs that can start now.
    """

    def __init__(self, n_encoders: int):
        if n_encoders < 1:
            raise ValueError("a ShardQueue needs at least one encoder")
        self.free: list[int] = list(range(n_encoders))  # a heap: the lowest-numbered free encoder first
        self.waiting: list[tuple[int, int, T]] = []  # a heap of (rank, submission number, item)
        self._seq = itertools.count()

    def submit(self, rank: int, item: T) -> list[tuple[int, T]]:
        heapq.heappush(self.waiting, (rank, next(self._seq), item))
        return self._dispatch()

    def release(self, encoder: int) -> list[tuple[int, T]]:
        heapq.heappush(self.free, encoder)
        return self._dispatch()

    def _dispatch(self) -> list[tuple[int, T]]:
        out = []
        while self.free and self.waiting:
            out.append((heapq.heappop(self.free), heapq.heappop(self.waiting)[2]))
        return out

    def __len__(self) -> int:
        """Shards waiting for an encoder."""
        return len(self.waiting)
