"""STS correlations against direct numpy/scipy computations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import pearsonr, spearmanr

from mieb.metrics import sts_scores


def _direct(e1, e2, gold):
    e1, e2 = e1.astype(np.float64), e2.astype(np.float64)
    cos = (e1 * e2).sum(1) / np.linalg.norm(e1, axis=1) / np.linalg.norm(e2, axis=1)
    man = -np.abs(e1 - e2).sum(1)
    euc = -np.sqrt(((e1 - e2) ** 2).sum(1))
    g = np.asarray(gold) / 5
    out = {}
    for name, sim in (("cosine", cos), ("manhattan", man), ("euclidean", euc)):
        out[f"{name}_pearson"] = pearsonr(g, sim)[0]
        out[f"{name}_spearman"] = spearmanr(g, sim)[0]
    out["pearson"], out["spearman"] = out["cosine_pearson"], out["cosine_spearman"]
    return out


def test_sts_scores_match_direct_correlations():
    rng = np.random.default_rng(0)
    e1 = rng.normal(size=(80, 10)).astype(np.float32)
    e2 = (e1 + rng.normal(size=(80, 10))).astype(np.float32)
    gold = rng.integers(0, 26, 80) / 5
    got = sts_scores(e1, e2, gold)
    want = _direct(e1, e2, gold)
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-5), key


def test_gold_normalisation_and_custom_model_similarity():
    e1 = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    e2 = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    # min/max normalisation is affine, so correlations do not change with it
    a = sts_scores(e1, e2, [5, 2.5, 0])
    b = sts_scores(e1, e2, [10, 5, 0], min_score=0, max_score=10)
    assert a == pytest.approx(b)
    assert a["cosine_spearman"] == pytest.approx(1.0)
    def negated_cosine(x, y):
        return -(x * y).sum(1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)

    flipped = sts_scores(e1, e2, [5, 2.5, 0], model_similarity_pairwise=negated_cosine)
    assert flipped["spearman"] == pytest.approx(-1.0) and flipped["cosine_spearman"] == pytest.approx(1.0)
