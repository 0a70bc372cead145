"""ImageClustering (docs/protocol.md section 3): MiniBatchKMeans on all embeddings of the split.

k = number of distinct labels, batch_size=500, n_init="auto", random_state=42 (v2; v1 had no
random_state, quirk 13). Metrics: nmi (main), v_measure, ari, cluster_accuracy (Hungarian matching).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mieb.data.hub_cache import DataNeed
from mieb.tasks.kinds.base import SplitContext, TaskKind, as_wrapper_output, split_need
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    import numpy as np

    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import EmbedderView
    from mieb.tasks.task import Task


class ClusteringSettings(KindSettings):
    """Images in `input_column`, the gold cluster labels in `label_column`."""

    kind: Literal["clustering"] = "clustering"
    input_column: str = "image"
    label_column: str = "label"


@dataclass
class ClusteringData:
    images: ImageColumn
    labels: np.ndarray


class Clustering(TaskKind[ClusteringSettings, ClusteringData]):
    name = "clustering"
    settings_cls = ClusteringSettings

    def data_needs(self, task: Task, ctx: SplitContext) -> list[DataNeed]:
        return [split_need(ctx)]

    def load(self, task: Task, ctx: SplitContext) -> ClusteringData:
        from mieb.tasks.kinds.linear_probe import load_labelled_images

        s = self.settings(task)
        return ClusteringData(*load_labelled_images(task, ctx, s.input_column, s.label_column))

    def evaluate(self, task: Task, data: ClusteringData, embedder: EmbedderView) -> dict[str, Any]:
        from mieb.metrics.clustering import clustering_scores

        # A tensor, as the reference's wrappers return: scikit-learn then fits k-means in float64 as there.
        return clustering_scores(as_wrapper_output(embedder.image_vectors(data.images)), data.labels, seed=42)


KIND = Clustering()
