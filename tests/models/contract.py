"""What every model family must satisfy, checked through the framework's real Embedder."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from mieb.data.images import ImageColumn
from mieb.errors import ModalityError, ModelOutputError
from mieb.models.encoder import Encoder, MultiVector
from mieb.runner.embedder import Embedder


def _dense(x: np.ndarray | MultiVector) -> np.ndarray:
    if isinstance(x, MultiVector):
        return x.values
    return x


def check_contract(encoder: Encoder, images: ImageColumn | None, texts: Sequence[str] | None, *,
                   dim: int, normalised: bool | None, fused: bool = False, atol: float = 1e-5,
                   batch_sizes: tuple[int, ...] = (1, 3, 32)) -> dict[str, np.ndarray | MultiVector]:
    """Shape, dtype, normalisation, and agreement to `atol` whatever the batch size (and with decode workers).

    `normalised`: True if the model's outputs must have unit norm, False if they must not all have it
    (the reference keeps them raw: e.g. CLIP-style sum fusion adds unnormalised vectors), None to skip.
    Returns the batch-size-1 outputs by modality.
    """
    runs: list[dict[str, np.ndarray | MultiVector]] = []
    for bs in batch_sizes:
        emb = Embedder(encoder, batch_size=bs, num_workers=2 if bs == 3 else 0)
        out: dict[str, np.ndarray | MultiVector] = {}
        if images is not None:
            out["image"] = emb.images(images)
        if texts is not None:
            out["text"] = emb.texts(texts)
        if fused and images is not None and texts is not None:
            out["fused"] = emb.fused(images, list(texts)[: len(images)])
        runs.append(out)
    first = runs[0]
    for other in runs[1:]:
        for key, value in first.items():
            np.testing.assert_allclose(_dense(other[key]), _dense(value), atol=atol, err_msg=key)
    for key, value in first.items():
        arr = _dense(value)
        assert arr.dtype == np.float32, key
        assert arr.shape[0] == (len(images) if key != "text" else len(texts)), key  # type: ignore[arg-type]
        assert arr.shape[-1] == dim, (key, arr.shape)
        assert np.isfinite(arr).all(), key
        if normalised is not None and not isinstance(value, MultiVector) and key != "fused":
            norms = np.linalg.norm(arr, axis=1)
            if normalised:
                np.testing.assert_allclose(norms, 1.0, atol=1e-4, err_msg=key)
            else:
                assert not np.allclose(norms, 1.0, atol=1e-3), f"{key} embeddings unexpectedly unit-norm"
    return first


def check_missing_modality(encoder: Encoder, missing: str, images: ImageColumn, texts: Sequence[str]) -> None:
    """A modality the model lacks fails in the task gate before any data is read, and in the Embedder."""
    from mieb.runner.run import check_modalities

    assert missing not in encoder.modalities
    task = _task_needing(missing)
    with pytest.raises(ModalityError):
        check_modalities(task, encoder)
    emb = Embedder(encoder, batch_size=4, num_workers=0)
    with pytest.raises((ModalityError, ModelOutputError)):
        if missing == "text":
            emb.texts(list(texts))
        else:
            emb.images(images)


def _task_needing(modality: str):  # noqa: ANN202 - a Task whose dataset path does not exist (never read)
    from mieb.tasks.kinds.retrieval import RetrievalSettings
    from mieb.tasks.kinds.zeroshot import ZeroShotSettings
    from mieb.tasks.metadata import DatasetRef, TaskMetadata
    from mieb.tasks.task import Task

    if modality == "text":
        md = TaskMetadata(name="NeedsText", description="d", type="ZeroShotClassification", category="i2t",
                          modalities=["image", "text"], dataset=DatasetRef(path="/nonexistent", revision="x"),
                          eval_splits=["test"], eval_langs=["eng-Latn"], main_score="accuracy",
                          settings=ZeroShotSettings(template="{name}"))
    else:
        md = TaskMetadata(name="NeedsImages", description="d", type="Any2AnyRetrieval", category="t2i",
                          modalities=["text", "image"], dataset=DatasetRef(path="/nonexistent", revision="x"),
                          eval_splits=["test"], eval_langs=["eng-Latn"], main_score="ndcg_at_10",
                          settings=RetrievalSettings())
    return Task(md)


def run_cli_offline(model: str, tmp_path, tasks: Sequence[str] = ("ShapesZeroShot", "ShapesT2IRetrieval"),
                    extra: Sequence[str] = ()) -> None:
    """`mieb run -t <offline tasks> -m <model>` in process; every task must finish."""
    import json

    from mieb.cli import main

    out = tmp_path / "results"
    rc = main(["run", "-t", *tasks, "-m", model, "--output-folder", str(out), "--no-progress", "--device", "cpu",
               "--batch-size", "8", "--num-workers", "0", *extra])
    errors = list(out.rglob("errors/*.json"))
    assert rc == 0, [json.loads(e.read_text())["error"] for e in errors]
    for t in tasks:
        found = list(out.rglob(f"{t}.json"))
        assert found, t
        assert json.loads(found[0].read_text())["scores"]["test"][0]["main_score"] >= 0.0
