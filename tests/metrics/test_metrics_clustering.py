"""Clustering metrics on hand-made assignments and the MiniBatchKMeans protocol."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import MiniBatchKMeans

from mieb.metrics import cluster_assignments, cluster_metrics, clustering_scores


def test_relabelled_perfect_clustering_scores_one():
    truth = [0, 0, 1, 1, 2, 2]
    got = cluster_metrics(truth, [5, 5, 3, 3, 9, 9])
    assert got == pytest.approx({"v_measure": 1.0, "nmi": 1.0, "ari": 1.0, "cluster_accuracy": 1.0})


def test_cluster_accuracy_uses_the_best_one_to_one_matching():
    truth = ["a", "a", "a", "b", "b", "c"]
    pred = [1, 1, 0, 0, 0, 0]
    # best matching: a->1 (2 right), b->0 (2 right), c unmatched: 4 of 6
    assert cluster_metrics(truth, pred)["cluster_accuracy"] == pytest.approx(4 / 6)
    # one cluster for everything: only the largest class can be matched
    assert cluster_metrics(truth, [7] * 6)["cluster_accuracy"] == pytest.approx(3 / 6)


def test_cluster_metrics_hand_computed_ari_and_nmi():
    truth, pred = [0, 0, 1, 1], [0, 1, 0, 1]  # independent partitions
    got = cluster_metrics(truth, pred)
    assert got["nmi"] == pytest.approx(0.0, abs=1e-12)
    assert got["v_measure"] == pytest.approx(0.0, abs=1e-12)
    # ARI: index 0, expected index 2 * 2 / 6 = 2/3, max index 2 -> (0 - 2/3) / (2 - 2/3)
    assert got["ari"] == pytest.approx(-0.5)
    assert got["cluster_accuracy"] == pytest.approx(0.5)


def test_clustering_scores_runs_the_reference_kmeans():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 8)) * 10
    labels = np.repeat(np.arange(4), 50)
    emb = (centres[labels] + rng.normal(size=(200, 8))).astype(np.float32)
    got = clustering_scores(emb, labels)
    assert got["cluster_accuracy"] == 1.0 and got["nmi"] == pytest.approx(1.0)
    ref = MiniBatchKMeans(n_clusters=4, batch_size=500, n_init="auto", random_state=42).fit(emb).labels_
    np.testing.assert_array_equal(cluster_assignments(emb, 4), ref)
