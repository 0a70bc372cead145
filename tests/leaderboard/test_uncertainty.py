"""Bootstrap intervals and pairwise tests on synthetic scores with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from mieb.leaderboard.uncertainty import bootstrap, holm, pairwise

TYPES = ["A"] * 6 + ["B"] * 4 + ["C"] * 5


def _scores(rng: np.random.Generator, n_models: int) -> np.ndarray:
    return rng.uniform(0.2, 0.8, size=(n_models, len(TYPES)))


def _mean_task_type(scores: np.ndarray) -> np.ndarray:
    return np.mean([scores[:, [j for j, t in enumerate(TYPES) if t == k]].mean(1) for k in "ABC"], axis=0)


def test_interval_contains_the_estimate_and_is_reproducible():
    scores = _scores(np.random.default_rng(0), 4)
    b1, b2 = bootstrap(scores, TYPES, n_boot=500), bootstrap(scores, TYPES, n_boot=500)
    assert np.array_equal(b1.ci(), b2.ci())  # fixed seed
    ci, observed = b1.ci(), _mean_task_type(scores)
    assert np.all(ci[:, 0] <= observed) and np.all(observed <= ci[:, 1])
    assert np.all(ci[:, 1] - ci[:, 0] > 0.01)
    assert b1.type_ci().shape == (4, 3, 2)


def test_stratified_replicates_keep_every_type():
    """A type whose tasks all score the same has no spread, whatever is resampled."""
    scores = np.tile(np.array([0.5] * 6 + [0.9] * 4 + [0.1] * 5), (1, 1))
    boot = bootstrap(scores, TYPES, n_boot=200)
    assert np.allclose(boot.mean_reps, 0.5)


def test_null_mean_has_no_interval():
    scores = _scores(np.random.default_rng(1), 2)
    scores[1, 3] = np.nan
    ci = bootstrap(scores, TYPES, n_boot=200).ci()
    assert not np.isnan(ci[0]).any() and np.isnan(ci[1]).all()


def test_identical_models_are_not_significantly_different():
    row = _scores(np.random.default_rng(2), 1)
    scores = np.vstack([row, row, row + 0.2])
    observed = _mean_task_type(scores)
    pairs = {(p.a, p.b): p for p in pairwise(observed, bootstrap(scores, TYPES, n_boot=500))}
    same = pairs[(0, 1)]
    assert same.diff == 0 and same.p == 1 and not same.significant()
    assert pairs[(0, 2)].significant() and pairs[(0, 2)].diff == pytest.approx(-0.2)


def test_better_on_every_task_is_significant_and_noise_is_not():
    rng = np.random.default_rng(3)
    base = _scores(rng, 1)[0]
    better = base + rng.uniform(0.01, 0.05, size=base.shape)  # better on every task, by varying amounts
    noisy = base + rng.normal(0, 0.05, size=base.shape)  # same on average
    noisy += base.mean() - noisy.mean()
    scores = np.vstack([base, better, noisy])
    observed = _mean_task_type(scores)
    pairs = {(p.a, p.b): p for p in pairwise(observed, bootstrap(scores, TYPES))}
    assert pairs[(0, 1)].significant() and pairs[(0, 1)].ci_high < 0
    assert not pairs[(0, 2)].significant() and pairs[(0, 2)].ci_low < 0 < pairs[(0, 2)].ci_high


def test_models_with_null_mean_are_left_out_of_pairs():
    scores = _scores(np.random.default_rng(4), 3)
    scores[2, 0] = np.nan
    pairs = pairwise(_mean_task_type(scores), bootstrap(scores, TYPES, n_boot=200))
    assert [(p.a, p.b) for p in pairs] == [(0, 1)]


def test_holm():
    assert holm([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.09, 0.09, 0.5])
    assert holm([0.6, 0.6]) == [1.0, 1.0]


def test_published_intervals(lite):
    """On real data every complete model has an interval around its Mean (TaskType)."""
    lb = lite.lb
    complete = ~np.isnan(lb.mean_task_type)
    assert np.all(lite.ci[complete, 0] <= lb.mean_task_type[complete])
    assert np.all(lb.mean_task_type[complete] <= lite.ci[complete, 1])
    n = int(complete.sum())
    assert len(lite.pairs) == n * (n - 1) // 2
