"""Linear-probe, multilabel and zero-shot classification scores, sampled and computed as mteb does.

Metric calls use scikit-learn with mteb's arguments (its defaults: macro/weighted averages,
zero_division="warn" which scores 0), so the numbers are the same floats.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    f1_score,
    precision_score,
    recall_score,
)

if TYPE_CHECKING:
    import torch


@contextlib.contextmanager
def quiet_sklearn() -> Iterator[None]:
    """Silence sklearn's convergence and ill-defined-metric warnings, which the reference's settings
    make routine (100 lbfgs iterations; classes a weak model never predicts); values are unchanged."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        yield


def classification_scores(
    y_true: Sequence[Any] | np.ndarray,
    y_pred: Sequence[Any] | np.ndarray,
    *,
    probs: np.ndarray | None = None,
) -> dict[str, float | None]:
    """accuracy, f1, f1_weighted, precision(_weighted), recall(_weighted), ap, ap_weighted.

    `ap`/`ap_weighted` are only computed when `y_true` has exactly two classes, else None.
    Like mteb, the linear probe scores them on the hard predictions (`probs=None`), while the
    zero-shot evaluator passes its (N, 2) probabilities and scores the second column.
    """
    scores: dict[str, float | None] = {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1": float(f1_score(y_true, y_pred, average="macro")),
        "f1_weighted": float(f1_score(y_true, y_pred, average="weighted")),
        "precision": float(precision_score(y_true, y_pred, average="macro")),
        "precision_weighted": float(precision_score(y_true, y_pred, average="weighted")),
        "recall": float(recall_score(y_true, y_pred, average="macro")),
        "recall_weighted": float(recall_score(y_true, y_pred, average="weighted")),
        "ap": None,
        "ap_weighted": None,
    }
    if len(np.unique(y_true)) == 2:
        ranking = y_pred if probs is None else np.asarray(probs)[:, 1]
        scores["ap"] = float(average_precision_score(y_true, ranking, average="macro"))
        scores["ap_weighted"] = float(average_precision_score(y_true, ranking, average="weighted"))
    return scores


def mean_over_experiments(experiments: Sequence[dict[str, float | None]]) -> dict[str, float]:
    """Per-metric mean over experiments; a metric that is None in every experiment becomes NaN."""
    means: dict[str, float] = {}
    for key in experiments[0]:
        values = [v for e in experiments if (v := e[key]) is not None]
        means[key] = float(np.mean(values)) if values else float("nan")
    return means


def undersample_indices(
    labels: Sequence[Any] | np.ndarray,
    samples_per_label: int,
    n_experiments: int,
    seed: int = 42,
) -> list[np.ndarray]:
    """Training rows of each linear-probe experiment, in mteb's order.

    mteb shuffles ONE index list in place with a fresh ``np.random.RandomState(seed)`` per
    experiment, so experiment e sees the seed's permutation applied e + 1 times, and keeps the
    first `samples_per_label` rows of every label in shuffled order (a label with fewer rows
    keeps them all).  The returned order is that shuffled order, which the classifier sees.
    """
    _, codes = np.unique(np.asarray(labels), return_inverse=True)
    codes = codes.ravel()
    n = len(codes)
    step = np.random.RandomState(seed).permutation(n)  # what one in-place shuffle does to a list
    order = np.arange(n)
    selections = []
    for _ in range(n_experiments):
        order = order[step]
        shuffled = codes[order]
        by_label = np.argsort(shuffled, kind="stable")
        first_of_label = np.searchsorted(shuffled[by_label], shuffled[by_label])
        seen_before = np.empty(n, dtype=np.int64)
        seen_before[by_label] = np.arange(n) - first_of_label
        selections.append(order[seen_before < samples_per_label])
    return selections


def multilabel_undersample_indices(
    label_lists: Sequence[Sequence[Any]],
    samples_per_label: int,
    n_experiments: int,
    rng: np.random.Generator | int = 42,
) -> list[np.ndarray]:
    """Training rows of each multilabel experiment, in mteb's order.

    Each experiment shuffles a fresh ``arange`` with the task's shared ``np.random.Generator``
    (``default_rng(42)`` in mteb, advanced by every experiment), then takes a row when any of
    its labels has fewer than `samples_per_label` rows so far, counting the row for all its labels.
    """
    generator = np.random.default_rng(rng) if isinstance(rng, int) else rng
    label_sets = [list(labels) for labels in label_lists]
    all_labels = {label for labels in label_sets for label in labels}
    selections = []
    for _ in range(n_experiments):
        order = generator.permutation(len(label_sets))
        counts = dict.fromkeys(all_labels, 0)
        unfilled = len(all_labels) if samples_per_label > 0 else 0
        chosen = []
        for i in order.tolist():
            if unfilled == 0:  # no row can be taken any more
                break
            labels = label_sets[i]
            if any(counts[label] < samples_per_label for label in labels):
                chosen.append(i)
                for label in labels:
                    counts[label] += 1
                    unfilled -= counts[label] == samples_per_label
        selections.append(np.array(chosen, dtype=np.int64))
    return selections


def label_ranking_average_precision(y_true: np.ndarray, y_score: np.ndarray, block_elements: int = 1 << 24) -> float:
    """sklearn's `label_ranking_average_precision_score` (no sample weights), vectorised.

    sklearn ranks each sample's scores with a per-row `rankdata` call, which dominated the VOC2007 task
    (11 s of 14 on 10k samples). Same definition: for each relevant label j of sample i,
    |{relevant k: s_ik >= s_ij}| / |{k: s_ik >= s_ij}|, averaged over j, then over samples; a sample
    with no relevant label or with all labels relevant scores 1. Ties count as in sklearn ("max" rank).
    """
    truth = np.asarray(y_true) != 0
    score = np.asarray(y_score, dtype=np.float64)
    if truth.shape != score.shape or truth.ndim != 2:
        raise ValueError(f"y_true and y_score must be 2-D arrays of one shape, got {truth.shape} and {score.shape}")
    n, m = truth.shape
    if n == 0:
        raise ValueError("no samples")
    total = 0.0
    rows = max(1, block_elements // max(1, m * m))
    for start in range(0, n, rows):
        t, s = truth[start : start + rows], score[start : start + rows]
        at_least = s[:, None, :] >= s[:, :, None]  # [i, j, k]: s_ik >= s_ij
        ratio = (at_least & t[:, None, :]).sum(axis=2) / at_least.sum(axis=2)
        # The reductions follow sklearn's order (a mean per sample, then a running sum) so that the
        # result is bit-identical, not just close.
        for i in range(len(t)):
            relevant = t[i]
            n_rel = int(relevant.sum())
            total += 1.0 if n_rel in (0, m) else float(ratio[i, relevant].mean())
    return total / n


def multilabel_scores(
    y_true_bin: np.ndarray,
    y_pred_bin: np.ndarray,
    scores_for_lrap: np.ndarray,
) -> dict[str, float]:
    """accuracy (exact match), lrap, f1 (macro over labels), hamming (mteb's definition).

    mteb's "hamming" is the mean per-sample |true AND predicted| / |true OR predicted|, 1.0 for a
    sample where both are empty.  Pass the hard predictions as `scores_for_lrap` to reproduce
    VOC2007 in mteb v2, whose kNN classifier makes LRAP rank binary predictions.
    """
    y_true = np.asarray(y_true_bin)
    y_pred = np.asarray(y_pred_bin)
    if y_true.shape != y_pred.shape or y_true.ndim != 2 or y_true.size == 0:
        raise ValueError("y_true_bin and y_pred_bin must be non-empty 2-D arrays of one shape")
    truth, pred = y_true.astype(bool), y_pred.astype(bool)
    union = (truth | pred).sum(axis=1)
    overlap = (truth & pred).sum(axis=1)
    per_sample = np.where(union == 0, 1.0, overlap / np.maximum(union, 1))
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "lrap": label_ranking_average_precision(y_true, scores_for_lrap),
        "f1": float(f1_score(y_true, y_pred, average="macro")),
        "hamming": float(per_sample.mean()),
    }


def linear_probe_experiment(
    train_emb: np.ndarray | torch.Tensor,
    train_y: Sequence[Any] | np.ndarray,
    test_emb: np.ndarray | torch.Tensor,
    test_y: Sequence[Any] | np.ndarray,
    seed: int = 42,
) -> dict[str, float | None]:
    """One linear-probe experiment: mteb's LogisticRegression(max_iter=100, random_state=seed).

    Pass embeddings as the reference's classifier receives them, its wrappers' torch tensors (the fit
    then runs in float64; see `mieb.tasks.kinds.base.as_wrapper_output`), and training rows in
    `undersample_indices` order: lbfgs is sensitive to both in the last digits.
    """
    from sklearn.linear_model import LogisticRegression  # here: zero-shot scoring does not pay its import

    model = LogisticRegression(max_iter=100, random_state=seed)
    model.fit(train_emb, train_y)
    return classification_scores(test_y, model.predict(test_emb))


def multilabel_knn_experiment(
    train_emb: np.ndarray | torch.Tensor,
    train_y_bin: np.ndarray,
    test_emb: np.ndarray | torch.Tensor,
    test_y_bin: np.ndarray,
) -> dict[str, float]:
    """One VOC2007 experiment as mteb v2 runs it: KNeighborsClassifier(n_neighbors=5), LRAP on
    the binary predictions (the task's MultiOutput logistic regression is never used).

    Pass what the reference passes (see the multilabel kind): the neighbours depend on the dtypes."""
    from sklearn.neighbors import KNeighborsClassifier  # here: only the multi-label protocol pays its import

    model = KNeighborsClassifier(n_neighbors=5)
    model.fit(train_emb, train_y_bin)
    predicted = model.predict(test_emb)
    return multilabel_scores(test_y_bin, predicted, predicted)
