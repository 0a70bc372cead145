"""The planner every executor runs: finished work skipped, aggregates after one job of their subtask,
largest jobs first, and shards cut on batch boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

import mieb
from mieb.runner.plan import (
    Job,
    ShardQueue,
    estimate,
    estimated_inputs,
    order_jobs,
    plan_model,
    predicted_shards,
    published_times,
    shard_size_for,
    shard_spans,
    shards_in_flight,
)
from mieb.tasks.task import Task

CLIP = "openai/clip-vit-base-patch32"


def test_shards_are_whole_batches_and_cover_every_input() -> None:
    assert shard_size_for(32, 100) == 128 and shard_size_for(32, 32) == 32 and shard_size_for(64, 1) == 64
    spans = shard_spans(1000, batch_size=32, shard_size=100)
    assert spans[0] == (0, 128) and spans[-1] == (896, 1000)
    assert all(b - a == 128 for a, b in spans[:-1]) and all(a % 32 == 0 for a, _ in spans)
    assert [i for a, b in spans for i in range(a, b)] == list(range(1000))
    assert shard_spans(10, 32) == [(0, 10)] and shard_spans(0, 32) == [(0, 0)]
    assert predicted_shards(None, 32) == 1 and predicted_shards(5000, 32, 2048) == 3
    with pytest.raises(ValueError):
        shard_size_for(0, 10)


def test_costs_come_from_published_times_else_from_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    from mieb.runner import plan

    times = published_times()
    task = mieb.get_task("UCF101")
    seconds, inputs = estimate(CLIP, task)
    assert seconds == times[CLIP]["UCF101"] and inputs == estimated_inputs(task) > 700_000
    unknown, _ = estimate("someone/unpublished-model", task)
    assert unknown == seconds  # the reference model's time orders an unpublished model's tasks
    monkeypatch.setattr(plan, "published_times", dict)
    assert estimate(CLIP, task)[0] == pytest.approx(inputs * plan.SECONDS_PER_INPUT)
    assert estimate(CLIP, mieb.get_task("ShapesZeroShot")) == (0.0, None)  # no statistics: no estimate


def test_jobs_are_ordered_largest_first() -> None:
    tasks = [mieb.get_task(n) for n in ("CIFAR10ZeroShot", "UCF101", "Birdsnap", "EDIST2ITRetrieval")]
    meta = mieb.get_model_meta(CLIP)
    plan = plan_model(meta, tasks, None, "only-missing")
    costs = [j.cost for j in plan.jobs]
    assert costs == sorted(costs, reverse=True) and plan.jobs[0].name == "UCF101"
    kept = plan_model(meta, tasks, None, "only-missing", order=False)
    assert [j.name for j in kept.jobs] == [t.name for t in tasks]
    a, b = Job(meta, tasks[0], [], cost=1.0), Job(meta, tasks[1], [], cost=1.0)
    assert order_jobs([a, b]) == [a, b]  # ties keep their order


def test_finished_work_is_skipped_and_aggregates_share_one_subtask_job(tmp_path: Path) -> None:
    from mieb.results.schema import TaskResult

    meta = mieb.get_model_meta("mieb/tiny-clip-shapes")
    multi, aggregate = mieb.get_task("RenderedShapesSTSMultilingual"), mieb.get_task("RenderedShapesSTSDe")
    zeroshot = mieb.get_task("ShapesZeroShot")
    TaskResult(task_name="ShapesZeroShot", scores={"test": [{"main_score": 1.0, "hf_subset": "default"}]}
               ).to_disk(tmp_path / "ShapesZeroShot.json")
    plan = plan_model(meta, [aggregate, zeroshot, multi], tmp_path, "only-missing")
    assert list(plan.finished) == ["ShapesZeroShot"]
    assert [j.name for j in plan.jobs] == ["RenderedShapesSTSMultilingual"]  # one job for both needs
    (job,) = plan.jobs
    assert job.task.hf_subsets == multi.hf_subsets and len(job.todo) == len(multi.hf_subsets)
    assert [(s.task.name, s.after) for s in plan.steps] == [("RenderedShapesSTSDe", [multi.name])]
    alone = plan_model(meta, [aggregate], tmp_path, "only-missing")
    assert alone.jobs[0].task.hf_subsets == ["de"]  # only what the aggregate reads
    assert plan_model(meta, [zeroshot], tmp_path, "always").jobs[0].existing is not None
    cached = plan_model(meta, [zeroshot, multi], tmp_path, "only-cache")
    assert not cached.pending and cached.missing == [multi.name]


def test_an_unknown_statistic_gives_unknown_inputs() -> None:
    md = mieb.get_task("ShapesZeroShot").metadata
    assert estimated_inputs(Task(md.model_copy(update={"stats": None}))) is None


def test_a_free_encoder_takes_the_earliest_planned_jobs_shard() -> None:
    """Two encoders; job 0 (planned first) submits after job 1 has shards waiting: job 0's go first, and
    the shards of one job go in the order submitted."""
    q: ShardQueue[str] = ShardQueue(2)
    assert q.submit(1, "b1") == [(0, "b1")] and q.submit(1, "b2") == [(1, "b2")]
    assert q.submit(1, "b3") == [] and q.submit(0, "a1") == [] and q.submit(0, "a2") == [] and len(q) == 3
    assert q.release(1) == [(1, "a1")]
    assert q.release(0) == [(0, "a2")]
    assert q.release(1) == [(1, "b3")] and len(q) == 0
    assert q.release(0) == [] and q.submit(5, "c") == [(0, "c")]
    with pytest.raises(ValueError, match="at least one encoder"):
        ShardQueue(0)
    assert shards_in_flight(4) == 5  # one job alone keeps every encoder busy, one shard ready


def test_run_one_computes_a_task_and_its_aggregates_subtask_then_reuses_them(tmp_path: Path) -> None:
    """`_RunContext.run_one` (scripts such as benchmarks/speed.py drive tasks one by one with it): the
    aggregate's subtask is computed first and written, and a second call computes nothing."""
    from mieb.models.registry import get_model
    from mieb.runner.embedder import Embedder
    from mieb.runner.run import _RunContext

    encoder = get_model("mieb/tiny-clip-shapes", device="cpu")
    ctx = _RunContext(encoder, Embedder(encoder, batch_size=32, num_workers=0), tmp_path, "only-missing", 32)
    task = mieb.get_task("RenderedShapesSTSDe")
    result, computed = ctx.run_one(task)
    assert computed and result is not None and (tmp_path / "RenderedShapesSTSMultilingual.json").exists()
    again, computed = ctx.run_one(task)
    assert not computed and again is not None and again.get_score() == round(result.get_score(), 6)  # as written
