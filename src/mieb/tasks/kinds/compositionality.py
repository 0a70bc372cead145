"""Compositionality: image-text pair classification (docs/protocol.md section 7; ARO, SugarCrepe, Winoground, ImageCoDe).

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

from mieb.data.hub_cache import DataNeed
from mieb.tasks.kinds.base import CustomLoaders, SplitContext, TaskKind, split_need
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    from datasets import Dataset

    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import EmbedderView
    from mieb.tasks.metadata import TaskMetadata
    from mieb.tasks.task import Task


class CompositionalitySettings(KindSettings):
    """`images_columns` / `texts_columns`: the I image and T text columns of each row (I x T pairs per
    row); `loader` names a custom construction registered in `LOADERS` (see `compositionality_loaders`)."""

    kind: Literal["compositionality"] = "compositionality"
    images_columns: list[str]
    texts_columns: list[str]
    loader: str | None = None


@dataclass
class PairData:
    images: ImageColumn  # row-major over images_columns
    texts: list[str]  # row-major over texts_columns
    n_rows: int


# Custom loaders: each returns a dataset of rows, or the pairs themselves (ImageCoDe).
LOADERS: CustomLoaders[Dataset | PairData] = CustomLoaders("compositionality",
                                                           ["mieb.tasks.kinds.compositionality_loaders"])


class Compositionality(TaskKind[CompositionalitySettings, PairData]):
    name = "compositionality"
    settings_cls = CompositionalitySettings

    def check(self, meta: TaskMetadata) -> None:
        if isinstance(meta.settings, CompositionalitySettings):
            LOADERS.check(meta, meta.settings.loader)

    def data_needs(self, task: Task, ctx: SplitContext) -> list[DataNeed]:
        s = self.settings(task)
        return LOADERS.get(s.loader).needs(task.metadata, ctx) if s.loader else [split_need(ctx)]

    def load(self, task: Task, ctx: SplitContext) -> PairData:
        from mieb.data.images import ImageColumn
        from mieb.data.loading import load_split, read_column, require_columns, require_text

        s = self.settings(task)
        split = ctx.split
        if s.loader:
            ds = LOADERS.get(s.loader).load(task, ctx)
            if isinstance(ds, PairData):
                return ds
        else:
            ds = load_split(task.metadata, split, ctx.config)
        require_columns(task.metadata, ds, [*s.images_columns, *s.texts_columns], split)
        columns = [read_column(ds, c) for c in s.texts_columns]
        for name, values in zip(s.texts_columns, columns, strict=True):  # the reference fails on a None caption too
            require_text(task.metadata, values, split, name)
        texts = [col[r] for r in range(len(ds)) for col in columns]
        return PairData(ImageColumn(ds, s.images_columns), texts, len(ds))

    def evaluate(self, task: Task, data: PairData, embedder: EmbedderView) -> dict[str, Any]:
        from mieb.metrics.compositionality import pair_classification_scores

        s = self.settings(task)
        text_emb = embedder.text_vectors(data.texts)
        image_emb = embedder.image_vectors(data.images)
        n_i, n_t = len(s.images_columns), len(s.texts_columns)
        return pair_classification_scores(image_emb.reshape(data.n_rows, n_i, -1),
                                          text_emb.reshape(data.n_rows, n_t, -1))


KIND = Compositionality()
