"""Image clustering scores: mteb's legacy MiniBatchKMeans protocol and its four metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import MiniBatchKMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, v_measure_score
from sklearn.metrics.cluster import contingency_matrix

if TYPE_CHECKING:
    import torch


def cluster_metrics(labels_true: Sequence[Any] | np.ndarray,
                    labels_pred: Sequence[Any] | np.ndarray) -> dict[str, float]:
    """v_measure, nmi (arithmetic normalisation), ari and cluster_accuracy.

    cluster_accuracy is the share of samples on the best one-to-one match of clusters to
    classes (Hungarian algorithm).  mteb matches on a confusion matrix over the union of class
    and cluster ids; the extra all-zero rows and columns cannot change the optimum, so the
    class x cluster contingency table gives the same count.
    """
    table = contingency_matrix(labels_true, labels_pred)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return {
        "v_measure": float(v_measure_score(labels_true, labels_pred)),
        "nmi": float(normalized_mutual_info_score(labels_true, labels_pred)),
        "ari": float(adjusted_rand_score(labels_true, labels_pred)),
        "cluster_accuracy": float(table[rows, cols].sum() / len(labels_true)),
    }


def cluster_assignments(embeddings: np.ndarray | torch.Tensor, n_clusters: int, *, seed: int = 42) -> np.ndarray:
    """mteb's MiniBatchKMeans(batch_size=500, n_init="auto", random_state=seed) labels.

    Pass the embeddings as the reference's k-means receives them, its wrappers' torch tensors (the fit
    then runs in float64; see `mieb.tasks.kinds.base.as_wrapper_output`): k-means is not dtype-invariant.
    """
    model = MiniBatchKMeans(n_clusters=n_clusters, batch_size=500, n_init="auto",
                            compute_labels=True, random_state=seed)
    model.fit(embeddings)
    return model.labels_


def clustering_scores(embeddings: np.ndarray | torch.Tensor, labels: Sequence[Any] | np.ndarray, *,
                      seed: int = 42) -> dict[str, float]:
    """Cluster the whole split into as many clusters as it has labels, then score the clusters."""
    n_clusters = len(np.unique(np.asarray(labels)))
    return cluster_metrics(labels, cluster_assignments(embeddings, n_clusters, seed=seed))
