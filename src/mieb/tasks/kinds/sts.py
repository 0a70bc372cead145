"""VisualSTS(eng) and VisualSTS(multi) (PROTOCOL.md section 8): sentences rendered as images.

Both images of a pair are embedded; cosine, manhattan and euclidean similarities and the model's own
pairwise similarity are correlated (Pearson, Spearman) with the gold score normalised to [0, 1].
Main score: cosine_spearman.
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


class STSSettings(KindSettings):
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


class VisualSTS(TaskKind):
    name = "sts"
    settings_cls = STSSettings

    def load(self, task: Task, split: str, subset: str) -> STSData:
        from mieb.data.images import ImageColumn
        from mieb.data.loading import load_split, read_column, require_columns

        s: STSSettings = task.metadata.settings  # type: ignore[assignment]
        ds = load_split(task.metadata, split, None if subset == "default" else subset)
        require_columns(task.metadata, ds, [s.sentence1_column, s.sentence2_column, s.score_column], split)
        return STSData(ImageColumn(ds, s.sentence1_column), ImageColumn(ds, s.sentence2_column),
                       [float(x) for x in read_column(ds, s.score_column)])

    def evaluate(self, task: Task, data: STSData, embedder: Embedder) -> dict[str, Any]:
        import numpy as np
        import torch

        from mieb.metrics.sts import sts_scores

        s: STSSettings = task.metadata.settings  # type: ignore[assignment]
        e1 = single_vectors(embedder.images(data.images1), task, embedder)
        e2 = single_vectors(embedder.images(data.images2), task, embedder)

        def pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return embedder.encoder.similarity_pairwise(torch.from_numpy(a), torch.from_numpy(b)).cpu().numpy()

        return sts_scores(e1, e2, np.asarray(data.gold), model_similarity_pairwise=pairwise,
                          min_score=s.min_score, max_score=s.max_score)


KIND = VisualSTS()
