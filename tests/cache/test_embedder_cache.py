"""The embedding cache and content de-duplication as the runner uses them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from datasets import Dataset, Features, Image
from fake_models import ColourOracle
from helpers import solid_image

from mieb.cache.keys import model_fingerprint
from mieb.cache.store import EmbeddingCache
from mieb.data.images import ImageColumn
from mieb.runner.embedder import Embedder


def _column(n_distinct: int, repeats: int) -> ImageColumn:
    raws = [{"bytes": solid_image((10 * i, 200 - 5 * i, 90), noise=20, seed=i), "path": None}
            for i in range(n_distinct)] * repeats
    return ImageColumn(Dataset.from_dict({"image": raws}, features=Features({"image": Image()})), "image")


def _embedder(tmp_path: Path, **kw) -> Embedder:
    model = ColourOracle()
    store = EmbeddingCache(tmp_path).store(model_fingerprint(model.meta, model.precision, model.device.type))
    emb = Embedder(model, batch_size=4, num_workers=0, store=store, **kw)
    emb.start_task("T")
    return emb


def test_duplicates_inside_a_task_are_encoded_once(tmp_path: Path) -> None:
    emb = _embedder(tmp_path)
    out = emb.images(_column(5, 3))
    assert out.shape == (15, 3)
    assert emb.stats.images_requested == 15 and emb.stats.images_unique == 5 and emb.stats.images_encoded == 5
    np.testing.assert_array_equal(out[:5], out[5:10])


def test_another_task_reuses_stored_embeddings_exactly(tmp_path: Path) -> None:
    first = _embedder(tmp_path)
    a = first.images(_column(7, 1))
    t = first.texts(["red", "blue"])
    second = _embedder(tmp_path)  # a new process would open the same store
    second.start_task("OtherTask")
    b = second.images(_column(7, 1))
    u = second.texts(["blue", "red", "green"])
    assert second.stats.images_encoded == 0 and second.stats.images_cached == 7
    assert second.stats.texts_encoded == 1 and second.stats.texts_cached == 2
    assert a.tobytes() == b.tobytes()  # bit-identical
    assert u[0].tobytes() == t[1].tobytes()


def test_cache_survives_a_killed_run(tiny_clip_dir: Path, tmp_path: Path) -> None:
    """Kill `mieb run` after its first task: re-running that task from scratch encodes nothing."""
    out, cache = tmp_path / "results", tmp_path / "cache"
    def cmd(*tasks: str) -> list[str]:
        return [sys.executable, "-m", "mieb", "run", "-t", *tasks, "-m", str(tiny_clip_dir), "--output-folder",
                str(out), "--cache-dir", str(cache), "--batch-size", "16", "--num-workers", "0", "--no-progress"]

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(cmd("ShapesZeroShot", "ShapesClustering", "RenderedShapesSTS"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None and not list(out.glob("*/*/ShapesZeroShot.json")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    (first,) = list(out.glob("*/*/ShapesZeroShot.json"))
    before = json.loads(first.read_text())
    again = subprocess.run(cmd("ShapesZeroShot") + ["--overwrite-strategy", "always"], env=env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    after = json.loads(first.read_text())
    counts = after["mieb"]["counts"]
    assert counts["images_encoded"] == 0 and counts["texts_encoded"] == 0
    assert counts["images_cached"] == counts["images_unique"] > 0
    assert after["scores"] == before["scores"]


def test_an_output_that_views_the_reused_input_buffer_is_copied() -> None:
    """Batches are normalised into one reused buffer; an encoder returning a view of its input must
    not see its earlier embeddings overwritten by the next batch."""

    class ViewOracle(ColourOracle):
        def encode_images(self, images, ctx):
            return images[:, :, 0, 0]  # a view into the pixel buffer

    column = _column(7, 1)
    out = Embedder(ViewOracle(), batch_size=3, num_workers=0).images(column)
    one_by_one = np.stack([Embedder(ViewOracle(), batch_size=1, num_workers=0).images(column.subset([i]))[0]
                           for i in range(len(column))])
    assert np.array_equal(out, one_by_one)
    assert len({tuple(r) for r in out}) == 7
