"""Visual STS scores: correlations of pair similarities with normalised gold scores, as mteb."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics.pairwise import (
    paired_cosine_distances,
    paired_euclidean_distances,
    paired_manhattan_distances,
)

PairwiseSimilarity = Callable[[np.ndarray, np.ndarray], np.ndarray | torch.Tensor]


def pairwise_cosine(emb1: np.ndarray, emb2: np.ndarray) -> np.ndarray:
    """mteb's default model similarity: torch float32 ``F.normalize`` then row-wise dot product."""
    a = F.normalize(torch.as_tensor(emb1).to(torch.float32), p=2, dim=1)
    b = F.normalize(torch.as_tensor(emb2).to(torch.float32), p=2, dim=1)
    return (a * b).sum(dim=-1).numpy()


def _correlations(gold: np.ndarray, similarity: np.ndarray | torch.Tensor) -> tuple[float, float]:
    # mteb hands scipy Python floats (.tolist()), i.e. float64 copies of the similarities.
    values = np.asarray(torch.as_tensor(similarity).cpu().numpy(), dtype=np.float64)
    return float(pearsonr(gold, values)[0]), float(spearmanr(gold, values)[0])


def sts_scores(
    emb1: np.ndarray,
    emb2: np.ndarray,
    gold: Sequence[float] | np.ndarray,
    *,
    model_similarity_pairwise: PairwiseSimilarity | None = None,
    min_score: float = 0,
    max_score: float = 5,
) -> dict[str, float]:
    """pearson/spearman (model similarity, cosine by default) and cosine_*, manhattan_*,
    euclidean_* correlations with the gold scores normalised to (x - min) / (max - min).

    Distances enter negated and are computed by scikit-learn in the embeddings' dtype, as in mteb.
    """
    emb1, emb2 = np.asarray(emb1), np.asarray(emb2)
    normalised = np.array([(x - min_score) / (max_score - min_score) for x in gold], dtype=np.float64)
    similarity = (model_similarity_pairwise or pairwise_cosine)(emb1, emb2)
    pearson, spearman = _correlations(normalised, similarity)
    cosine = _correlations(normalised, 1 - paired_cosine_distances(emb1, emb2))
    manhattan = _correlations(normalised, -paired_manhattan_distances(emb1, emb2))
    euclidean = _correlations(normalised, -paired_euclidean_distances(emb1, emb2))
    return {
        "pearson": pearson,
        "spearman": spearman,
        "cosine_pearson": cosine[0],
        "cosine_spearman": cosine[1],
        "manhattan_pearson": manhattan[0],
        "manhattan_spearman": manhattan[1],
        "euclidean_pearson": euclidean[0],
        "euclidean_spearman": euclidean[1],
    }
