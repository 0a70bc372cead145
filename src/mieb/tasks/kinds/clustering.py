"""ImageClustering (PROTOCOL.md section 3): MiniBatchKMeans on all embeddings of the split.

k = number of distinct labels, batch_size=500, n_init="auto", random_state=42 (v2; v1 had no
random_state, quirk 13). Metrics: nmi (main), v_measure, ari, cluster_accuracy (Hungarian matching).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mieb.tasks.kinds.base import TaskKind, as_wrapper_output, single_vectors
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    import numpy as np

    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import Embedder
    from mieb.tasks.task import Task


class ClusteringSettings(KindSettings):
    kind: Literal["clustering"] = "clustering"
    input_column: str = "image"
    label_column: str = "label"


@dataclass
class ClusteringData:
    images: ImageColumn
    labels: np.ndarray


class Clustering(TaskKind):
    name = "clustering"
    settings_cls = ClusteringSettings

    def load(self, task: Task, split: str, subset: str) -> ClusteringData:
        from mieb.tasks.kinds.linear_probe import load_labelled_images

        s: ClusteringSettings = task.metadata.settings  # type: ignore[assignment]
        return ClusteringData(*load_labelled_images(task, split, subset, s.input_column, s.label_column))

    def evaluate(self, task: Task, data: ClusteringData, embedder: Embedder) -> dict[str, Any]:
        from mieb.metrics.clustering import clustering_scores

        embeddings = as_wrapper_output(single_vectors(embedder.images(data.images), task, embedder))
        return clustering_scores(embeddings, data.labels, seed=42)


KIND = Clustering()
