"""Metric functions that reproduce mteb's MIEB numbers from embeddings, scores or predictions.

Each submodule covers one evaluator family; everything here is pure (no model, no data loading)
and vectorised, so the runner can call it on arrays it already holds. Names are imported from their
submodule on first use, so importing `mieb.metrics` (for `K_VALUES`, say) imports neither torch nor
scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The retrieval cut-offs the reference reports (mteb's retrieval evaluator, k = 1 ... 1000): the one
# definition, used by the retrieval metrics and by the retrieval and multiple-choice task settings.
K_VALUES: tuple[int, ...] = (1, 3, 5, 10, 20, 100, 1000)

_EXPORTS: dict[str, str] = {
    **dict.fromkeys(("classification_scores", "linear_probe_experiment", "mean_over_experiments",
                     "multilabel_knn_experiment", "multilabel_scores", "multilabel_undersample_indices",
                     "undersample_indices"), "classification"),
    **dict.fromkeys(("cluster_assignments", "cluster_metrics", "clustering_scores"), "clustering"),
    "pair_classification_scores": "compositionality",
    **dict.fromkeys(("doc_id_ranks", "nauc", "rerank_candidates", "retrieval_scores", "search_top_k"), "retrieval"),
    **dict.fromkeys(("pairwise_cosine", "sts_scores"), "sts"),
    **dict.fromkeys(("zeroshot_probs", "zeroshot_scores"), "zeroshot"),
}

__all__ = ["K_VALUES", *sorted(_EXPORTS)]

if TYPE_CHECKING:
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
    from .retrieval import doc_id_ranks, nauc, rerank_candidates, retrieval_scores, search_top_k
    from .sts import pairwise_cosine, sts_scores
    from .zeroshot import zeroshot_probs, zeroshot_scores


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
