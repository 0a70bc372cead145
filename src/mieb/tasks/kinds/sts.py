"""VisualSTS(eng) and VisualSTS(multi) (docs/protocol.md section 8): sentences rendered as images.

Both images of a pair are embedded; cosine, manhattan and euclidean similarities and the model's own
pairwise similarity are correlated (Pearson, Spearman) with the gold score normalised to [0, 1].
Main score: cosine_spearman.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mieb.data.hub_cache import DataNeed
from mieb.tasks.kinds.base import SplitContext, TaskKind, split_need
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import EmbedderView
    from mieb.tasks.task import Task


class STSSettings(KindSettings):
    """The two rendered-sentence image columns and the gold score column; gold scores are normalised
    from [`min_score`, `max_score`] to [0, 1]."""

    kind: Literal["sts"] = "sts"
    sentence1_column: str = "sentence1"
    sentence2_column: str = "sentence2"
    score_column: str = "score"
    min_score: float = 0.0
    max_score: float = 5.0


@dataclass
class STSData:
    images1: ImageColumn
    images2: ImageColumn
    gold: list[float]


class VisualSTS(TaskKind[STSSettings, STSData]):
    name = "sts"
    settings_cls = STSSettings

    def data_needs(self, task: Task, ctx: SplitContext) -> list[DataNeed]:
        return [split_need(ctx)]

    def load(self, task: Task, ctx: SplitContext) -> STSData:
        from mieb.data.images import ImageColumn
        from mieb.data.loading import load_split, read_column, require_columns

        s = self.settings(task)
        split = ctx.split
        ds = load_split(task.metadata, split, ctx.config)
        require_columns(task.metadata, ds, [s.sentence1_column, s.sentence2_column, s.score_column], split)
        return STSData(ImageColumn(ds, s.sentence1_column), ImageColumn(ds, s.sentence2_column),
                       [float(x) for x in read_column(ds, s.score_column)])

    def evaluate(self, task: Task, data: STSData, embedder: EmbedderView) -> dict[str, Any]:
        import numpy as np

        from mieb.metrics.sts import sts_scores

        s = self.settings(task)
        e1 = embedder.image_vectors(data.images1)
        e2 = embedder.image_vectors(data.images2)
        return sts_scores(e1, e2, np.asarray(data.gold), model_similarity_pairwise=embedder.similarity_pairwise,
                          min_score=s.min_score, max_score=s.max_score)


KIND = VisualSTS()
