"""Metric functions that reproduce mteb's MIEB numbers from embeddings, scores or predictions.

Each submodule covers one evaluator family; everything here is pure (no model, no data loading)
and vectorised, so the runner can call it on arrays it already holds.
"""

from .classification import (
    classification_scores,
    linear_probe_experiment,
    mean_over_experiments,
    multilabel_knn_experiment,
    multilabel_scores,
    multilabel_undersample_indices,
    undersample_indices,
)
from .clustering import cluster_assignments, cluster_metrics, clustering_scores
from .compositionality import pair_classification_scores
from .retrieval import K_VALUES, doc_id_ranks, nauc, rerank_candidates, retrieval_scores, search_top_k
from .sts import pairwise_cosine, sts_scores
from .zeroshot import zeroshot_probs, zeroshot_scores

__all__ = [
    "K_VALUES",
    "classification_scores",
    "cluster_assignments",
    "cluster_metrics",
    "clustering_scores",
    "doc_id_ranks",
    "linear_probe_experiment",
    "mean_over_experiments",
    "multilabel_knn_experiment",
    "multilabel_scores",
    "multilabel_undersample_indices",
    "nauc",
    "pair_classification_scores",
    "pairwise_cosine",
    "rerank_candidates",
    "retrieval_scores",
    "search_top_k",
    "sts_scores",
    "undersample_indices",
    "zeroshot_probs",
    "zeroshot_scores",
]
