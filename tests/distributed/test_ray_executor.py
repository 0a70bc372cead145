"""The Ray executor on a local Ray (2 CPUs, 2 logical GPUs): same scores as the local executor on
MIEB(offline), work split over both GPUs and never done twice, sharded encoding bit-identical to
unsharded, a shared cache that a later run reuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mieb.runner.run import MIEB, RunReport

BUNDLED = "mieb/tiny-clip-shapes"
BATCH = 32
ENCODE = {"batch_size": BATCH, "num_workers": 0}


def scores(report: RunReport) -> dict[str, str]:
    """Every metric of every task (not only main scores), as written (JSON, so NaN equals NaN)."""
    assert report.ok, report.failures
    return {r.task_name: json.dumps(r.to_json_dict()["scores"], sort_keys=True) for r in report.results}


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> RunReport:
    out = tmp_path_factory.mktemp("local")
    return MIEB(benchmark="MIEB(offline)").run(BUNDLED, output_folder=out, cache=False, progress=False,
                                                encode_kwargs=ENCODE)


@pytest.fixture(scope="module")
def ray_run(ray_cluster: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[RunReport, Path, Path]:
    """MIEB(offline) on Ray, every encode request cut into shards of one batch, over two encoders."""
    from mieb.runner.ray import RayExecutor

    out = tmp_path_factory.mktemp("ray")
    shared = tmp_path_factory.mktemp("shared-cache")
    executor = RayExecutor(shard_size=BATCH, shared_cache=shared.as_uri(), poll_s=0.5)
    report = MIEB(benchmark="MIEB(offline)").run(BUNDLED, output_folder=out, cache=False, progress=False,
                                                  encode_kwargs=ENCODE, executor=executor)
    return report, out, shared


def test_ray_and_local_executors_give_identical_scores(local_run: RunReport, ray_run: Any) -> None:
    report, _, _ = ray_run
    assert scores(report) == scores(local_run)
    assert all(r.mieb["executor"]["name"] == "ray" for r in report.results)


def test_work_is_split_over_both_gpus_and_nothing_is_encoded_twice(local_run: RunReport, ray_run: Any) -> None:
    report, _, _ = ray_run
    used: dict[str, set[str]] = {}
    encoded = 0
    for r in report.results:
        counts = r.mieb["counts"]
        local = next(x for x in local_run.results if x.task_name == r.task_name).mieb["counts"]
        # each input the local executor encoded, encoded once or found in the shared cache (another task's
        # job may have encoded the same text or image first), never both
        assert (counts["images_encoded"] + counts["images_cached"], counts["texts_encoded"] + counts["texts_cached"]
                ) == (local["images_encoded"], local["texts_encoded"]), r.task_name
        encoders = r.mieb["executor"].get("encoders", {})
        assert sum(e["inputs"] for e in encoders.values()) == counts["images_encoded"] + counts["texts_encoded"]
        encoded += counts["images_encoded"] + counts["texts_encoded"]
        for e in encoders.values():
            used.setdefault(e["name"], set()).add(e["cuda_visible_devices"])
    # each encoder held its own logical GPU (Ray's CUDA_VISIBLE_DEVICES), and both did work
    assert sorted(used) == ["encoder-0", "encoder-1"]
    assert used["encoder-0"] != used["encoder-1"] and all(len(v) == 1 for v in used.values())
    workers = {w.name: w for w in report.workers if w.role == "encoder"}
    assert {w.where.split("(GPU ")[1] for w in workers.values()} == {"0)", "1)"}
    assert all(w.busy > 0 and 0 < w.utilisation <= 1 for w in workers.values())
    # the subtask of the aggregate (RenderedShapesSTSDe) ran once, inside RenderedShapesSTSMultilingual's job
    jobs = [w for w in report.workers if w.role == "jobs"]
    assert sum(w.units for w in jobs) == len(report.results) - 1


def test_shards_in_the_shared_cache_serve_a_later_run(ray_run: Any, tmp_path: Path) -> None:
    from mieb.cache.keys import model_fingerprint
    from mieb.cache.shards import ShardStore
    from mieb.models.registry import get_model_meta
    from mieb.runner.ray import RayExecutor

    report, _, shared = ray_run
    meta = get_model_meta(BUNDLED)
    store = ShardStore(shared.as_uri(), model_fingerprint(meta, "fp32", "cpu"))
    assert len(store.shard_ids()) >= 2 * len(report.results)  # sharded: several shards per task
    tasks = ["ShapesZeroShot", "ShapesT2IRetrieval", "ShapesCompositionality"]
    again = MIEB(tasks).run(BUNDLED, output_folder=tmp_path, cache=False, progress=False, encode_kwargs=ENCODE,
                            executor=RayExecutor(shared_cache=shared.as_uri(), poll_s=0.5))
    assert scores(again) == {t: s for t, s in scores(report).items() if t in tasks}
    for r in again.results:
        c = r.mieb["counts"]
        assert c["images_encoded"] == c["texts_encoded"] == 0, r.task_name  # every input from the shards
        assert c["images_cached"] + c["texts_cached"] > 0


def test_sharded_encoding_equals_unsharded_embeddings(ray_cluster: Any) -> None:
    """Images, texts and image+text pairs through the pool in shards of one batch, and with no sharding,
    against the local Embedder: bit-identical."""
    import ray
    from helpers import solid_image

    from mieb.data.images import ImageColumn
    from mieb.models.registry import get_model, get_model_meta
    from mieb.runner.embedder import Embedder
    from mieb.runner.ray.jobs import EncoderSpec, PoolEncoder, PoolEncoding, actor_classes

    meta = get_model_meta(BUNDLED)
    rng = np.random.default_rng(0)
    images = ImageColumn([{"bytes": solid_image(tuple(int(c) for c in rng.integers(0, 255, 3)), noise=30, seed=i),
                           "path": None} for i in range(150)])
    words = ["red", "green", "blue", "square", "circle", "small", "large", "striped"]
    texts = [" ".join(rng.choice(words, size=int(rng.integers(1, 9)))) for _ in range(150)]

    local = Embedder(get_model(meta), batch_size=BATCH, num_workers=0)
    local.start_task("t")
    expected = (local.images(images), local.texts(texts), local.fused(images, texts))

    worker_cls, queue_cls = actor_classes()
    names = ["test-encoder-0", "test-encoder-1"]
    spec = EncoderSpec(meta, None, None, False, BATCH, 0, None)
    encoders = [worker_cls.options(name=n, num_gpus=1, num_cpus=0).remote(spec, n) for n in names]
    try:
        info = ray.get(encoders[0].describe.remote(), timeout=600)
        queue = queue_cls.options(num_cpus=0).remote(names, 600.0)
        for shard_size in (BATCH, 10_000):
            backend = PoolEncoding(queue, in_flight=3, shard_size=shard_size, poll_s=0.5)
            pooled = Embedder(PoolEncoder(meta, info), batch_size=BATCH, num_workers=0, backend=backend)
            pooled.start_task("t")
            got = (pooled.images(images), pooled.texts(texts), pooled.fused(images, texts))
            for want, have in zip(expected, got, strict=True):
                assert have.dtype == np.float32 and np.array_equal(want, have)
            shards = sum(e["shards"] for e in backend.by_encoder.values())
            assert shards == (2 * 5 if shard_size == BATCH else 2)  # images and texts; pairs reuse both
    finally:
        for actor in encoders:
            ray.kill(actor)


def test_an_encoders_out_of_memory_halvings_reach_the_job(ray_cluster: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """An encoder's Embedder halves a batch that runs out of GPU memory (down to what fits) and the reply
    carries the halvings to the job's result; the embeddings are those of a run that had the memory."""
    import torch

    from mieb.models.encoder import EncodeContext
    from mieb.models.registry import get_model_meta
    from mieb.runner.ray.jobs import EncodeRequest, EncoderSpec, EncoderWorker

    worker = EncoderWorker(EncoderSpec(get_model_meta(BUNDLED), None, None, False, BATCH, 0, None), "w")
    texts = [f"a {'large ' * (i % 5)}red square {i}" for i in range(40)]
    request = EncodeRequest("texts", [t.encode() for t in texts], EncodeContext("t"), texts=texts)
    want = worker.encode(request)
    assert want.reductions == []
    encode = worker.encoder.encode_texts

    def small_memory(batch: list[str], ctx: Any) -> Any:
        if len(batch) > 8:
            raise torch.OutOfMemoryError("CUDA out of memory (injected)")
        return encode(batch, ctx)

    monkeypatch.setattr(worker.encoder, "encode_texts", small_memory)
    got = worker.encode(request)
    assert [(r["from"], r["to"]) for r in got.reductions] == [(32, 16), (16, 8)]
    assert got.stats["oom_retries"] == 2
    np.testing.assert_allclose(got.embeddings, want.embeddings, rtol=1e-5, atol=1e-6)
