"""Classification scores, mteb's sampling procedures (checked against literal step-by-step
re-implementations) and the linear-probe / kNN experiments."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from mieb.metrics import (
    classification_scores,
    linear_probe_experiment,
    mean_over_experiments,
    multilabel_knn_experiment,
    multilabel_scores,
    multilabel_undersample_indices,
    undersample_indices,
)


def test_classification_scores_hand_computed_multiclass():
    y_true = [0, 0, 1, 1, 2, 2]
    y_pred = [0, 1, 1, 1, 2, 0]
    got = classification_scores(y_true, y_pred)
    assert got["accuracy"] == pytest.approx(4 / 6)
    # per class precision 1/2, 2/3, 1; recall 1/2, 1, 1/2
    assert got["precision"] == pytest.approx((1 / 2 + 2 / 3 + 1) / 3)
    assert got["recall"] == pytest.approx((1 / 2 + 1 + 1 / 2) / 3)
    f1 = [1 / 2, 0.8, 2 / 3]
    assert got["f1"] == pytest.approx(sum(f1) / 3)
    assert got["f1_weighted"] == pytest.approx(sum(f1) / 3)  # balanced support
    assert got["ap"] is None and got["ap_weighted"] is None


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_classification_scores_zero_division_counts_as_zero():
    got = classification_scores([0, 1, 2], [0, 0, 0])  # classes 1 and 2 never predicted
    assert got["precision"] == pytest.approx((1 / 3) / 3)


def test_binary_ap_on_hard_predictions_versus_probabilities():
    y_true = np.array([0, 1, 1, 0, 1])
    y_pred = np.array([0, 1, 0, 0, 1])
    hard = classification_scores(y_true, y_pred)
    # ranking by hard labels: two positives tied at the top with no negative -> precision 1 at recall 2/3
    assert hard["ap"] == pytest.approx(2 / 3 * 1 + 1 / 3 * 3 / 5)
    assert hard["ap_weighted"] == hard["ap"]
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.7, 0.3], [0.1, 0.9]])
    soft = classification_scores(y_true, y_pred, probs=probs)
    assert soft["ap"] == pytest.approx(1.0)  # positives ranked 0.9, 0.8, 0.6 above negatives
    assert soft["accuracy"] == hard["accuracy"]


def test_mean_over_experiments_turns_all_none_into_nan():
    means = mean_over_experiments([{"accuracy": 0.5, "ap": None}, {"accuracy": 1.0, "ap": None}])
    assert means["accuracy"] == 0.75 and math.isnan(means["ap"])


def _literal_undersample(labels, samples_per_label, n_experiments, seed=42):
    """mteb's procedure step by step: ONE list, shuffled in place by a fresh RandomState(seed)
    per experiment, first samples_per_label rows per label in shuffled order."""
    idxs = list(range(len(labels)))
    out = []
    for _ in range(n_experiments):
        np.random.RandomState(seed).shuffle(idxs)
        counter = defaultdict(int)
        chosen = []
        for i in idxs:
            if counter[labels[i]] < samples_per_label:
                chosen.append(i)
                counter[labels[i]] += 1
        out.append(chosen)
    return out


@pytest.mark.parametrize("seed", range(8))
def test_undersample_indices_matches_literal_procedure(seed):
    rng = np.random.default_rng(seed)
    n_labels = int(rng.integers(1, 15))
    labels = rng.integers(0, n_labels, int(rng.integers(1, 500))).tolist()
    spl, n_exp = int(rng.integers(1, 20)), int(rng.integers(1, 11))
    got = undersample_indices(labels, spl, n_exp)
    assert [g.tolist() for g in got] == _literal_undersample(labels, spl, n_exp)


def test_undersample_keeps_all_rows_of_a_small_class_and_differs_between_experiments():
    labels = ["cat"] * 30 + ["dog"] * 3 + ["eel"] * 20
    got = undersample_indices(labels, 8, 3, seed=7)
    for sel in got:
        picked = [labels[i] for i in sel]
        assert picked.count("cat") == 8 and picked.count("eel") == 8
        assert sorted(i for i in sel if labels[i] == "dog") == [30, 31, 32]
    assert got[0].tolist() != got[1].tolist()
    assert [g.tolist() for g in got] == _literal_undersample(labels, 8, 3, seed=7)


def _literal_multilabel(label_lists, samples_per_label, n_experiments, rng):
    out = []
    for _ in range(n_experiments):
        idxs = list(np.arange(len(label_lists)))
        rng.shuffle(idxs)
        counter = defaultdict(int)
        chosen = []
        for i in idxs:
            if any(counter[lab] < samples_per_label for lab in label_lists[i]):
                chosen.append(int(i))
                for lab in label_lists[i]:
                    counter[lab] += 1
        out.append(chosen)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_multilabel_undersample_matches_literal_procedure(seed):
    rng = np.random.default_rng(seed)
    label_lists = [rng.choice(8, int(rng.integers(0, 4)), replace=False).tolist() for _ in range(200)]
    spl, n_exp = int(rng.integers(1, 12)), 5
    got = multilabel_undersample_indices(label_lists, spl, n_exp, np.random.default_rng(42))
    literal = _literal_multilabel(label_lists, spl, n_exp, np.random.default_rng(42))
    assert [g.tolist() for g in got] == literal
    assert [g.tolist() for g in multilabel_undersample_indices(label_lists, spl, n_exp, 42)] == [
        g.tolist() for g in got]


def test_multilabel_scores_hand_computed():
    y_true = np.array([[1, 0, 1], [0, 0, 0], [1, 1, 0], [0, 1, 0]])
    y_pred = np.array([[1, 0, 0], [0, 0, 0], [1, 1, 0], [1, 0, 0]])
    got = multilabel_scores(y_true, y_pred, y_pred)
    assert got["accuracy"] == pytest.approx(2 / 4)  # exact-match rows 1 and 2
    assert got["hamming"] == pytest.approx((1 / 2 + 1.0 + 1.0 + 0.0) / 4)  # both-empty row counts 1
    # per-label F1: label0 p=2/3 r=1 -> 0.8; label1 p=1 r=1/2 -> 2/3; label2 p=0 r=0 -> 0
    assert got["f1"] == pytest.approx((0.8 + 2 / 3 + 0) / 3)
    with pytest.raises(ValueError):
        multilabel_scores(y_true, y_pred[:2], y_pred)


def test_linear_probe_experiment_matches_direct_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 12)).astype(np.float32)
    y = (x[:, 0] + 0.3 * rng.normal(size=200) > 0).astype(int)
    (train,) = undersample_indices(y, 16, 1)
    test = np.setdiff1d(np.arange(200), train)
    got = linear_probe_experiment(x[train], y[train], x[test], y[test])
    pred = LogisticRegression(max_iter=100, random_state=42).fit(x[train], y[train]).predict(x[test])
    assert got == classification_scores(y[test], pred)
    assert got["accuracy"] > 0.7 and got["ap"] is not None


def test_multilabel_knn_experiment_uses_binary_predictions_for_lrap():
    rng = np.random.default_rng(1)
    x_train, x_test = rng.normal(size=(40, 6)), rng.normal(size=(30, 6))
    y_train = (x_train[:, :3] > 0).astype(int)
    y_test = (x_test[:, :3] > 0).astype(int)
    got = multilabel_knn_experiment(x_train, y_train, x_test, y_test)
    from sklearn.neighbors import KNeighborsClassifier

    pred = KNeighborsClassifier(n_neighbors=5).fit(x_train, y_train).predict(x_test)
    assert got == multilabel_scores(y_test, pred, pred)


@pytest.mark.parametrize("seed", range(6))
def test_lrap_equals_sklearn_bit_for_bit(seed: int) -> None:
    """Ties (hard 0/1 predictions, as VOC2007 feeds it), rows with no or all labels, row blocks."""
    from sklearn.metrics import label_ranking_average_precision_score

    from mieb.metrics.classification import label_ranking_average_precision

    rng = np.random.default_rng(seed)
    n, m = 300, [2, 5, 20, 3, 11, 7][seed]
    truth = (rng.random((n, m)) < 0.3).astype(int)
    truth[0], truth[1] = 0, 1  # no relevant label; every label relevant
    for score in (rng.integers(0, 2, (n, m)), rng.integers(0, 4, (n, m)).astype(float), rng.normal(size=(n, m))):
        expected = label_ranking_average_precision_score(truth, score)
        assert label_ranking_average_precision(truth, score) == expected
        assert label_ranking_average_precision(truth, score, block_elements=m * m * 7) == expected


def test_lrap_by_hand() -> None:
    from mieb.metrics.classification import label_ranking_average_precision

    # sample 0: relevant {0, 2}, scores 0.9 > 0.5 > 0.2 -> (1/1 + 2/3) / 2; sample 1: tie of a relevant
    # and an irrelevant label at the top -> 1/2
    truth = np.array([[1, 0, 1], [1, 0, 0]])
    score = np.array([[0.9, 0.5, 0.2], [0.7, 0.7, 0.1]])
    assert label_ranking_average_precision(truth, score) == pytest.approx(((1 + 2 / 3) / 2 + 1 / 2) / 2)
