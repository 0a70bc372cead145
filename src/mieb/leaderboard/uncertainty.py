"""How sure is a Mean (TaskType), and which gaps between models are real.

Method: a stratified bootstrap over tasks. Mean (TaskType) is a mean over a fixed set of task types,
each summarised by the tasks a benchmark happened to pick; the question a reader asks is "would the
ranking hold with other tasks of the same kinds?". So each replicate redraws, within every type, as
many tasks as the type has (with replacement), recomputes the type means and their mean. Resampling
across all tasks instead would let a replicate drop a whole type, changing what is measured. One
fixed set of replicates (fixed seed) is shared by every model, which makes the comparisons paired:
the difference between two models is bootstrapped task by task, so tasks that are hard for everyone
cancel out. A type with a single task contributes no spread (its task cannot be resampled away), so
intervals are, if anything, narrow for benchmarks with such types; MIEB's have at least two per type.

Reported: 95% percentile intervals of Mean (TaskType) and of each type mean; for every pair of
models with a complete Mean (TaskType), the difference, its 95% interval, a two-sided p-value from
the bootstrap standard error (normal approximation, which gives p-values finer than 1/n_boot), and
whether it stays significant after Holm's correction over all pairs compared (many pairs are tested
at once, so uncorrected 5% tests would flag some gaps by chance).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mieb.leaderboard.aggregation import group_means

N_BOOT = 2000
SEED = 20250414  # fixed: the same scores always give the same intervals
ALPHA = 0.05


@dataclass
class Bootstrap:
    """Replicates of the type means [model, type, replicate] and of their mean [model, replicate]."""

    type_names: list[str]
    type_reps: np.ndarray
    mean_reps: np.ndarray

    def ci(self, level: float = 0.95) -> np.ndarray:
        """[model, 2] percentile interval of Mean (TaskType); NaN where the mean is null."""
        return _percentiles(self.mean_reps, level)

    def type_ci(self, level: float = 0.95) -> np.ndarray:
        """[model, type, 2] percentile intervals of the per-type means."""
        return _percentiles(self.type_reps, level)


def _percentiles(reps: np.ndarray, level: float) -> np.ndarray:
    tail = (1 - level) / 2 * 100
    out = np.full((*reps.shape[:-1], 2), np.nan)
    ok = ~np.isnan(reps).any(axis=-1)
    if ok.any():
        out[ok] = np.percentile(reps[ok], [tail, 100 - tail], axis=-1).T
    return out


def bootstrap(task_scores: np.ndarray, task_types: Sequence[str], n_boot: int = N_BOOT,
              seed: int = SEED) -> Bootstrap:
    """Stratified bootstrap of Mean (TaskType) over tasks; `task_scores` is [model, task], NaN = null."""
    rng = np.random.default_rng(seed)
    type_names, _ = group_means(task_scores, task_types)
    n_models = task_scores.shape[0]
    type_reps = np.empty((n_models, len(type_names), n_boot))
    for k, name in enumerate(type_names):
        cols = [j for j, t in enumerate(task_types) if t == name]
        # How often each task is drawn in each replicate: a [replicate, task] count matrix, so a type
        # mean replicate is one matrix product (NaN scores stay NaN, as a null type mean should).
        counts = rng.multinomial(len(cols), np.full(len(cols), 1 / len(cols)), size=n_boot)
        type_reps[:, k, :] = task_scores[:, cols] @ counts.T / len(cols)
    mean_reps = type_reps.mean(axis=1) if type_names else np.full((n_models, n_boot), np.nan)
    return Bootstrap(type_names, type_reps, mean_reps)


@dataclass(frozen=True)
class PairTest:
    a: int  # model indices into the leaderboard's rows
    b: int
    diff: float  # Mean (TaskType) of a minus b
    ci_low: float
    ci_high: float
    p: float
    p_holm: float

    def significant(self, alpha: float = ALPHA) -> bool:
        return self.p_holm < alpha


def pairwise(observed: np.ndarray, boot: Bootstrap, level: float = 0.95) -> list[PairTest]:
    """Paired tests of the Mean (TaskType) gap for every pair of models whose mean is not null."""
    idx = [i for i in range(len(observed)) if not np.isnan(observed[i])]
    tail = (1 - level) / 2 * 100
    raw = []
    for x, i in enumerate(idx):
        for j in idx[x + 1:]:
            d = float(observed[i] - observed[j])
            reps = boot.mean_reps[i] - boot.mean_reps[j]
            low, high = np.percentile(reps, [tail, 100 - tail])
            raw.append((i, j, d, float(low), float(high), _p_value(d, float(reps.std(ddof=1)))))
    adjusted = holm([r[5] for r in raw])
    return [PairTest(i, j, d, lo, hi, p, pa) for (i, j, d, lo, hi, p), pa in zip(raw, adjusted, strict=True)]


def _p_value(diff: float, se: float) -> float:
    """Two-sided p of a zero gap, from the bootstrap standard error (normal approximation).

    A constant gap over every task has no spread: it is certain (p = 0) unless it is zero (p = 1).
    """
    if se <= 1e-15:
        return 1.0 if abs(diff) <= 1e-15 else 0.0
    return math.erfc(abs(diff) / se / math.sqrt(2))


def holm(p: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (monotone, capped at 1), in the input's order."""
    m = len(p)
    order = sorted(range(m), key=lambda k: p[k])
    out = [0.0] * m
    running = 0.0
    for rank, k in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[k]))
        out[k] = running
    return out
