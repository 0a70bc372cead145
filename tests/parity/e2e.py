"""End-to-end parity harness: the same local dataset folder and the same model folder, run through the
reference (mteb 2.26.24 driven as its users drive it: its transformers CLIP wrapper, which returns torch
tensors, and its own task classes, `mteb.evaluate`) and through mieb's public API (a `TaskMetadata` on the
folder, `get_model(folder)`, `MIEB([task]).run(...)`), with every metric of every split and subset compared.

The reference's task is its real class for the catalog task of the same name, with only the dataset
location replaced, so the task definitions (columns, sampling, loaders, candidate lists) are compared too.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mteb
import numpy as np
import torch
from mteb.models.abs_encoder import AbsEncoder
from mteb.models.model_implementations.clip_models import CLIPModel
from PIL import Image

import mieb
from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing
from mieb.tasks.metadata import DatasetRef, TaskMetadata
from mieb.tasks.task import Task

TOLERANCE = 1e-6
REF_ENCODE = {"batch_size": 32, "show_progress_bar": False}
# Bookkeeping fields of a result entry, not metrics.
NOT_METRICS = {"hf_subset", "languages", "mteb_version", "main_score"}
Scores = dict[tuple[str, str], dict[str, Any]]  # (split, subset) -> metrics


def reference_model(model_dir: Path) -> CLIPModel:
    """The reference's transformers CLIP wrapper on `model_dir`, with the model card a user gets from
    `mteb.get_model` for a CLIP checkpoint (cosine similarity), renamed for the local folder."""
    model = CLIPModel(str(model_dir), revision=None, device="cpu")
    model.mteb_model_meta = _reference_meta("local/tiny-clip")
    return model


def _reference_meta(name: str) -> Any:
    return mteb.get_model_meta("openai/clip-vit-base-patch32").model_copy(update={"name": name, "revision": "local"})


# -- a model with chosen embeddings ------------------------------------------------------------------------
def key_image(key: int, size: int = 8) -> dict[str, Any]:
    """A solid PNG whose colour spells `key` (0 <= key < 2**24): how a `Table` model finds an image's row."""
    rgb = ((key >> 16) & 255, (key >> 8) & 255, key & 255)
    buf = io.BytesIO()
    Image.new("RGB", (size, size), rgb).save(buf, format="PNG")
    return {"bytes": buf.getvalue(), "path": None}


def image_key(image: Image.Image) -> int:
    r, g, b = image.convert("RGB").getpixel((0, 0))
    return (r << 16) | (g << 8) | b


@dataclass
class Table:
    """Embeddings chosen by a test: images by the key their colour spells (`key_image`), texts by value.

    Wrapped for mieb as a user's own `Encoder` and for the reference as an mteb `AbsEncoder` that returns
    torch tensors, like its CLIP wrapper; both see the same decoded images, so both get the same vectors
    and any difference in scores comes from the protocols. Image+text inputs are the sum of both, as the
    reference's CLIP wrapper fuses them."""

    images: dict[int, Sequence[float]]
    texts: dict[str, Sequence[float]]

    def image_vectors(self, images: Sequence[Image.Image]) -> torch.Tensor:
        return torch.tensor(np.array([self.images[image_key(im)] for im in images], dtype=np.float32))

    def text_vectors(self, texts: Sequence[str]) -> torch.Tensor:
        return torch.tensor(np.array([self.texts[t] for t in texts], dtype=np.float32))


class TableEncoder(Encoder):
    """mieb side of a `Table` (decoded RGB PIL images in, float32 vectors out; cosine similarity)."""

    def __init__(self, table: Table):
        meta = ModelMeta(name="test/table", revision="1", loader="e2e:TableEncoder", family="test",
                         modalities=["image", "text"], image=ImagePreprocessing(input="pil"), text=TextPreprocessing())
        super().__init__(meta, device="cpu", precision="fp32")
        self.table = table

    def encode_images(self, images: Sequence[Image.Image], ctx: EncodeContext) -> torch.Tensor:
        return self.table.image_vectors(images)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self.table.text_vectors(texts)


class ReferenceTableEncoder(AbsEncoder):
    """Reference side of a `Table`: an mteb encoder returning torch tensors, fusing by sum like its CLIP."""

    def __init__(self, table: Table):
        self.table = table
        self.mteb_model_meta = _reference_meta("test/table")

    def encode(self, inputs: Any, *, task_metadata: Any, hf_split: str, hf_subset: str, prompt_type: Any = None,
               **kwargs: Any) -> torch.Tensor:
        features = inputs.dataset.features
        texts = [t for batch in inputs for t in batch["text"]] if "text" in features else None
        images = [im for batch in inputs for im in batch["image"]] if "image" in features else None
        if texts is not None and images is not None:
            return self.table.text_vectors(texts) + self.table.image_vectors(images)
        return self.table.text_vectors(texts) if texts is not None else self.table.image_vectors(images)


def reference_task(name: str, folder: Path, **attributes: Any) -> Any:
    """The reference's own task class for `name`, reading `folder` (an aggregate's subtasks too)."""
    task = mteb.get_task(name)
    for t in [task, *getattr(task.metadata, "tasks", [])]:
        if not hasattr(t.metadata, "tasks"):
            t.metadata = t.metadata.model_copy(update={"dataset": {"path": str(folder), "revision": "local"}})
        for key, value in attributes.items():
            setattr(t, key, value)
    return task


def run_reference(model: Any, task: Any) -> Scores:
    result = mteb.evaluate(model, task, cache=None, co2_tracker=False, encode_kwargs=dict(REF_ENCODE),
                           show_progress_bar=False, overwrite_strategy="always")
    (task_result,) = result.task_results
    return {(split, e["hf_subset"]): e for split, entries in task_result.scores.items() for e in entries}


def local_task(meta: TaskMetadata, folder: Path) -> Task:
    """The catalog task `meta` with its dataset replaced by `folder`: same settings, loader and code."""
    return Task(meta.model_copy(update={"dataset": DatasetRef(path=str(folder), revision="local")}))


def run_mieb(model: Path | Encoder, task: Task) -> Scores:
    """`model`: a checkpoint folder (loaded with `mieb.get_model`) or an `Encoder`."""
    encoder = model if isinstance(model, Encoder) else mieb.get_model(str(model))
    report = mieb.MIEB([task]).run(encoder, output_folder=None, cache=False, progress=False, raise_errors=True)
    (result,) = report.results
    return {(split, e["hf_subset"]): e for split, entries in result.scores.items() for e in entries}


def _differences(ref: Any, mine: Any, where: str, out: list[str]) -> None:
    if isinstance(ref, dict):
        if not isinstance(mine, dict):
            out.append(f"{where}: reference {ref!r}, mieb {mine!r}")
            return
        for key in ref:
            if key not in mine:
                out.append(f"{where}.{key}: missing in mieb")
            else:
                _differences(ref[key], mine[key], f"{where}.{key}", out)
    elif isinstance(ref, list | tuple):
        if not isinstance(mine, list | tuple) or len(ref) != len(mine):
            out.append(f"{where}: reference {ref!r}, mieb {mine!r}")
            return
        for i, (a, b) in enumerate(zip(ref, mine, strict=True)):
            _differences(a, b, f"{where}[{i}]", out)
    elif ref is None or mine is None:
        if ref is not mine:
            out.append(f"{where}: reference {ref!r}, mieb {mine!r}")
    elif isinstance(ref, int | float):
        a, b = float(ref), float(mine)
        if not ((math.isnan(a) and math.isnan(b)) or abs(a - b) <= TOLERANCE):
            out.append(f"{where}: reference {a!r}, mieb {b!r} (diff {abs(a - b):.3g})")
    elif ref != mine:
        out.append(f"{where}: reference {ref!r}, mieb {mine!r}")


def differences(ref: Scores, mine: Scores) -> list[str]:
    """Every metric on which mieb and the reference disagree beyond 1e-6 (NaN equals NaN), and every
    metric, split or subset one of them lacks."""
    out: list[str] = []
    if set(ref) != set(mine):
        out.append(f"splits/subsets: reference {sorted(ref)}, mieb {sorted(mine)}")
    for key in sorted(set(ref) & set(mine)):
        r = {k: v for k, v in ref[key].items() if k not in NOT_METRICS}
        m = {k: v for k, v in mine[key].items() if k not in NOT_METRICS}
        _differences(r, m, "/".join(key), out)
        out += [f"{'/'.join(key)}.{k}: only in mieb" for k in m.keys() - r.keys()]
        if ref[key]["main_score"] != mine[key]["main_score"]:
            _differences(ref[key]["main_score"], mine[key]["main_score"], f"{'/'.join(key)}.main_score", out)
    return out


@dataclass
class Harness:
    """One model folder, both implementations."""

    model_dir: Path
    reference: CLIPModel

    def compare(self, meta: TaskMetadata, folder: Path, **reference_attributes: Any) -> tuple[Scores, Scores]:
        """Run the catalog task `meta` and the reference's task of the same name on `folder`; return
        (reference scores, mieb scores) after asserting they agree."""
        return compare(self.reference, self.model_dir, meta, folder, **reference_attributes)


def compare(reference: Any, model: Path | Encoder, meta: TaskMetadata, folder: Path, *,
            subsets: list[str] | None = None, **reference_attributes: Any) -> tuple[Scores, Scores]:
    """Run the catalog task `meta` (restricted to `subsets`) on `folder` with mieb and the reference's task
    of the same name; assert that every metric agrees and return (reference scores, mieb scores)."""
    if subsets is not None:
        reference_attributes["hf_subsets"] = subsets
    ref = run_reference(reference, reference_task(meta.name, folder, **reference_attributes))
    task = local_task(meta, folder)
    mine = run_mieb(model, Task(task.metadata, subsets) if subsets else task)
    diff = differences(ref, mine)
    assert not diff, f"{meta.name}: mieb differs from the reference:\n" + "\n".join(diff[:40])
    return ref, mine


def check_table(table: Table, meta: TaskMetadata, folder: Path, **reference_attributes: Any) -> tuple[Scores, Scores]:
    """`compare` with the embeddings of `table` on both sides."""
    return compare(ReferenceTableEncoder(table), TableEncoder(table), meta, folder, **reference_attributes)
