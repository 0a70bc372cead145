"""Compositionality: image-text pair classification (PROTOCOL.md section 7; ARO, SugarCrepe, Winoground, ImageCoDe).

Each row has I image columns and T text columns; per row the I x T cosine matrix decides
text_correct (every image picks its own text) and image_correct (every text picks its own image);
`accuracy` is both (Winoground's group score).

Reference behaviour reproduced on purpose (quirk 9): with one image (ARO, SugarCrepe) image_acc is 0
by construction and with one text (ImageCoDe) text_acc is 0, so each task's main score is the other.
The reference embeds these images one at a time (batch size 1); results record our batch size, and
the embeddings do not depend on it for the wrappers mieb ships (tested).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mieb.tasks.kinds.base import TaskKind, single_vectors
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import Embedder
    from mieb.tasks.task import Task


class CompositionalitySettings(KindSettings):
    kind: Literal["compositionality"] = "compositionality"
    images_columns: list[str]
    texts_columns: list[str]
    loader: str | None = None


@dataclass
class PairData:
    images: ImageColumn  # row-major over images_columns
    texts: list[str]  # row-major over texts_columns
    n_rows: int


class Compositionality(TaskKind):
    name = "compositionality"
    settings_cls = CompositionalitySettings

    def load(self, task: Task, split: str, subset: str) -> PairData:
        import importlib

        from mieb.data.images import ImageColumn
        from mieb.data.loading import load_split, read_column, require_columns, require_text

        s: CompositionalitySettings = task.metadata.settings  # type: ignore[assignment]
        if s.loader:  # a custom loader returns a dataset of rows, or the pairs themselves (ImageCoDe)
            ds = getattr(importlib.import_module("mieb.data.custom_loaders"), s.loader)(task, split, subset)
            if isinstance(ds, PairData):
                return ds
        else:
            ds = load_split(task.metadata, split, None if subset == "default" else subset)
        require_columns(task.metadata, ds, [*s.images_columns, *s.texts_columns], split)
        columns = [read_column(ds, c) for c in s.texts_columns]
        for name, values in zip(s.texts_columns, columns, strict=True):  # the reference fails on a None caption too
            require_text(task.metadata, values, split, name)
        texts = [col[r] for r in range(len(ds)) for col in columns]
        return PairData(ImageColumn(ds, s.images_columns), texts, len(ds))

    def evaluate(self, task: Task, data: PairData, embedder: Embedder) -> dict[str, Any]:
        from mieb.metrics.compositionality import pair_classification_scores

        s: CompositionalitySettings = task.metadata.settings  # type: ignore[assignment]
        text_emb = single_vectors(embedder.texts(data.texts), task, embedder)
        image_emb = single_vectors(embedder.images(data.images), task, embedder)
        n_i, n_t = len(s.images_columns), len(s.texts_columns)
        return pair_classification_scores(image_emb.reshape(data.n_rows, n_i, -1),
                                          text_emb.reshape(data.n_rows, n_t, -1))


KIND = Compositionality()
