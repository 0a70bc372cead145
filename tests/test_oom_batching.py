"""Batches that shrink when the device runs out of memory: halve and retry, same embeddings, recorded.

No GPU is needed: a wrapper around a real (tiny CLIP) encoder raises `torch.OutOfMemoryError`, the error
CUDA's allocator raises, whenever it is handed more items than its "memory" holds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from datasets import Dataset, Features, Image
from fake_models import ColourOracle
from helpers import solid_image
from local_tasks import colour_t2i

from mieb.data.images import ImageColumn
from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.registry import get_model
from mieb.runner.embedder import Embedder
from mieb.runner.run import MIEB


class LimitedMemory(Encoder):
    """`inner` with room for `capacity` items per call; more raise CUDA's out-of-memory error. Calls are
    logged (kind, items), so the test sees what the model was actually given."""

    def __init__(self, inner: Encoder, capacity: int, fusion: str | None = None):
        meta = inner.meta if fusion is None else inner.meta.model_copy(update={"fusion": fusion})
        super().__init__(meta, device="cpu", precision="fp32")
        self.inner, self.capacity = inner, capacity
        self.calls: list[tuple[str, int]] = []

    def _room(self, kind: str, n: int) -> None:
        self.calls.append((kind, n))
        if n > self.capacity:
            raise torch.OutOfMemoryError(f"CUDA out of memory. Tried to allocate {n} items")

    def encode_images(self, images: Any, ctx: EncodeContext) -> Any:
        self._room("images", len(images))
        return self.inner.encode_images(images, ctx)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> Any:
        self._room("texts", len(texts))
        return self.inner.encode_texts(texts, ctx)

    def encode_fused(self, images: Any, texts: Sequence[str], ctx: EncodeContext) -> Any:
        self._room("fused", len(images))
        return self.inner.encode_images(images, ctx) + self.inner.encode_texts(texts, ctx)


@pytest.fixture(scope="module")
def images() -> ImageColumn:
    raws = [{"bytes": solid_image((i * 20 % 255, 100, 200 - i * 10), size=(30 + i, 50 - i), noise=30, seed=i),
             "path": None} for i in range(11)]
    return ImageColumn(Dataset.from_dict({"image": raws}, features=Features({"image": Image()})), "image")


TEXTS = [f"caption number {i} " + "word " * (i % 5) for i in range(11)]


def test_halves_until_it_fits_and_embeddings_are_those_of_the_smaller_batch(
    tiny_clip_dir: Path, images: ImageColumn
) -> None:
    clip = get_model(str(tiny_clip_dir), device="cpu")
    model = LimitedMemory(clip, capacity=3, fusion="joint")
    emb = Embedder(model, batch_size=8, num_workers=0)
    emb.start_task("SomeTask")
    out = {"images": emb.images(images), "texts": emb.texts(TEXTS), "fused": emb.fused(images, TEXTS)}

    # 8 -> 4 -> 2 on the first batch; the rest of each call then goes 2 at a time, never failing again
    assert emb.batch_size_reductions == [
        {"inputs": kind, "from": frm, "to": to} for kind in ("images", "texts", "fused") for frm, to in ((8, 4), (4, 2))
    ]
    assert emb.stats.oom_retries == 6
    for kind in ("images", "texts", "fused"):
        sizes = [n for k, n in model.calls if k == kind]
        assert sizes[:2] == [8, 4] and set(sizes[2:]) <= {1, 2} and sum(sizes[2:]) == 11, (kind, sizes)

    # Identical to a run that started at the size the halving settled on (same inputs per model call) ...
    plain = Embedder(LimitedMemory(clip, capacity=99, fusion="joint"), batch_size=2, num_workers=0)
    plain.start_task("SomeTask")
    expected = {"images": plain.images(images), "texts": plain.texts(TEXTS), "fused": plain.fused(images, TEXTS)}
    assert plain.batch_size_reductions == [] and plain.stats.oom_retries == 0
    for kind in out:
        np.testing.assert_array_equal(out[kind], expected[kind], err_msg=kind)
    # ... and to the full-size run, up to float rounding
    full = Embedder(LimitedMemory(clip, capacity=99, fusion="joint"), batch_size=8, num_workers=0)
    np.testing.assert_allclose(full.images(images), out["images"], atol=1e-5)
    np.testing.assert_allclose(full.texts(TEXTS), out["texts"], atol=1e-5)

    emb.start_task("NextTask")  # the record is per task, and each task starts at the requested size
    assert emb.batch_size_reductions == [] and emb.stats.oom_retries == 0
    emb.texts(TEXTS[:5])
    assert emb.batch_size_reductions[0] == {"inputs": "texts", "from": 5, "to": 2}


def test_with_decode_workers(tiny_clip_dir: Path, images: ImageColumn) -> None:
    """Batches prepared in worker processes (a reused device buffer) are split the same way."""
    clip = get_model(str(tiny_clip_dir), device="cpu")
    emb = Embedder(LimitedMemory(clip, capacity=2), batch_size=4, num_workers=2)
    out = emb.images(images)
    assert [r["to"] for r in emb.batch_size_reductions] == [2]
    np.testing.assert_array_equal(out, Embedder(clip, batch_size=2, num_workers=2).images(images))


def test_one_item_that_does_not_fit_is_an_error(tiny_clip_dir: Path) -> None:
    model = LimitedMemory(get_model(str(tiny_clip_dir), device="cpu"), capacity=0)
    emb = Embedder(model, batch_size=4, num_workers=0)
    with pytest.raises(torch.OutOfMemoryError):
        emb.texts(TEXTS[:4])
    assert [n for _, n in model.calls] == [4, 2, 1]
    assert [r["to"] for r in emb.batch_size_reductions] == [2, 1]


class SmallOracle(ColourOracle):
    """The colour oracle with room for two images per call."""

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        if len(images) > 2:
            raise torch.OutOfMemoryError("CUDA out of memory")
        return super().encode_images(images, ctx)


def test_recorded_in_the_result_and_scores_unchanged(tmp_path: Path) -> None:
    task = colour_t2i(tmp_path)
    run = dict(encode_kwargs={"batch_size": 8, "num_workers": 0}, progress=False, cache=False)
    small = MIEB([task]).run(SmallOracle(), output_folder=tmp_path / "small", **run)
    roomy = MIEB([task]).run(ColourOracle(), output_folder=tmp_path / "roomy", **run)
    assert small.ok
    assert json.dumps(small.results[0].scores) == json.dumps(roomy.results[0].scores)  # NaN-safe equality
    info = json.loads((tmp_path / "small/test__colour-oracle/1/ColourT2IRetrieval.json").read_text())["mieb"]
    assert info["run"]["batch_size"] == 8
    # four corpus images: one batch of 4, retried as two of 2
    assert info["run"]["batch_size_reductions"] == [{"inputs": "images", "from": 4, "to": 2}]
    assert info["counts"]["oom_retries"] == 1
    other = json.loads((tmp_path / "roomy/test__colour-oracle/1/ColourT2IRetrieval.json").read_text())["mieb"]
    assert other["run"]["batch_size_reductions"] == [] and other["counts"]["oom_retries"] == 0
