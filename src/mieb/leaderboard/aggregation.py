"""Leaderboard aggregation, as the reference leaderboard computes it for MIEB (docs/protocol.md section f).

Pure functions on a long table of `ScoreRow`s (model, task, split, subset, main_score) and the
benchmark's task list; numpy only. The rules, in order:

1. Only (task, split, subset) triples the benchmark's tasks expect are kept (eval_splits x hf_subsets).
2. Task score = mean main_score over the kept rows of a (model, task). It is null when the model lacks
   a (subset, split) combination: a task needs |subsets seen for it| x |splits seen for it| rows, counted
   over all models' rows of that task.
3. A task that no model has a row for is not a column (it counts in no mean); a model whose every task
   score is null is not a row.
4. Per-type mean: mean of the task scores of each raw `TaskMetadata.type`, null if any is null.
5. Mean (TaskType): unweighted mean of the per-type means, null if any is null.
6. Rows are sorted by Mean (TaskType), descending, nulls last; `Rank` is the 1-based position.
   (The reference's sort leaves ties in no defined order; mieb breaks them by Borda rank, then name.)
7. Borda: per task, models with a score (the mean over whatever rows they have, before step 2's
   nulling, as the reference does) are ranked, average ties, best = 1; each earns `n_models - rank`
   points, where n_models is the number of rows of the table; a task without a score earns 0. Points
   are summed and ranked descending with ties sharing the lowest rank ("min").

Where mieb differs, on purpose: the reference merges revisions of one model (`join_revisions`) and
drops models missing from its own model registry; mieb keeps each (source, model, revision) as a row,
so a local run is listed next to the published scores of the same model. On the published scores (one
revision per model, every model in the reference's registry) the numbers are the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from mieb.leaderboard.scores import ScoreRow

# The 8 high-level categories of the MIEB paper (arXiv 2504.10471), keyed by raw task type. How the
# paper folds the 10 raw types was not checked against its tables (docs/protocol.md, section f); this
# mapping follows the category names: the two retrieval types (Any2Any, and the 3-task multilingual
# one) form "Retrieval", and the English and multilingual Visual STS form "Visual STS"; every other
# type is one category. A category's score is the mean over its tasks (so a folded type weighs by its
# number of tasks). It is a secondary view: the leaderboard's numbers are the per-raw-type ones.
CATEGORY_OF_TYPE: dict[str, str] = {
    "Any2AnyRetrieval": "Retrieval",
    "Any2AnyMultilingualRetrieval": "Retrieval",
    "DocumentUnderstanding": "Document Understanding",
    "VisualSTS(eng)": "Visual STS",
    "VisualSTS(multi)": "Visual STS",
    "ZeroShotClassification": "Zero-shot Classification",
    "ImageClassification": "Linear Probing",
    "ImageClustering": "Clustering",
    "Compositionality": "Compositionality",
    "VisionCentricQA": "Vision-centric QA",
}
CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(CATEGORY_OF_TYPE.values()))


@dataclass(frozen=True)
class TaskSpec:
    """What a benchmark expects of a task: its type and the (split, subset) pairs that count."""

    name: str
    type: str
    splits: tuple[str, ...]
    subsets: tuple[str, ...]

    @property
    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset((sp, su) for sp in self.splits for su in self.subsets)


def benchmark_tasks(benchmark: str) -> list[TaskSpec]:
    """The benchmark's tasks from mieb's registry, with the subsets its task instances select.

    An aggregate task (the VisualSTS ones) averages its subtask's subsets into a single "default" entry,
    so that is the only subset its results have, whatever languages its metadata lists.
    """
    from mieb.benchmarks import get_benchmark

    return [TaskSpec(t.name, t.metadata.type, tuple(t.metadata.eval_splits),
                     ("default",) if t.metadata.settings.kind == "aggregate" else tuple(t.hf_subsets))
            for t in get_benchmark(benchmark).tasks]


@dataclass
class Leaderboard:
    """One benchmark's table. Arrays are indexed [model, ...] in rank order; NaN is null."""

    benchmark: str
    models: list[str]  # model keys, in rank order
    tasks: list[TaskSpec]  # the task columns (tasks with at least one score)
    n_benchmark_tasks: int
    task_scores: np.ndarray  # [m, t], null when missing or incomplete
    type_names: list[str]
    type_means: np.ndarray  # [m, k]
    mean_task_type: np.ndarray  # [m]
    rank: np.ndarray  # [m], 1..m
    borda_points: np.ndarray  # [m]
    borda_rank: np.ndarray  # [m]
    category_names: list[str]
    category_means: np.ndarray  # [m, c]
    mean_category: np.ndarray  # [m]

    @property
    def task_types(self) -> list[str]:
        return [t.type for t in self.tasks]


def keep_benchmark_rows(rows: Iterable[ScoreRow], tasks: Sequence[TaskSpec]) -> list[ScoreRow]:
    """Rule 1: drop rows whose (task, split, subset) the benchmark does not expect."""
    pairs = {t.name: t.pairs for t in tasks}
    return [r for r in rows if (r.split, r.subset) in pairs.get(r.task, ())]


def task_score_matrices(rows: Sequence[ScoreRow], models: Sequence[str], tasks: Sequence[str]
                        ) -> tuple[np.ndarray, np.ndarray]:
    """(scores, raw), both [model, task]: rule 2's task scores, and the plain means Borda uses."""
    m_idx = {m: i for i, m in enumerate(models)}
    t_idx = {t: j for j, t in enumerate(tasks)}
    cells: dict[tuple[int, int], dict[tuple[str, str], float]] = {}
    seen_subsets: dict[int, set[str]] = {}
    seen_splits: dict[int, set[str]] = {}
    for r in rows:
        i, j = m_idx.get(r.model), t_idx.get(r.task)
        if i is None or j is None:
            continue
        cells.setdefault((i, j), {})[(r.split, r.subset)] = r.score
        seen_subsets.setdefault(j, set()).add(r.subset)
        seen_splits.setdefault(j, set()).add(r.split)
    raw = np.full((len(models), len(tasks)), np.nan)
    scores = raw.copy()
    for (i, j), vals in cells.items():
        raw[i, j] = np.mean(list(vals.values()))
        if len(vals) >= len(seen_subsets[j]) * len(seen_splits[j]):
            scores[i, j] = raw[i, j]
    return scores, raw


def mean_skipna_false(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Mean that is null (NaN) when any input is; the mean of nothing is null too."""
    if x.shape[axis] == 0:
        return np.full(np.delete(x.shape, axis), np.nan)
    return x.mean(axis=axis)


def group_means(scores: np.ndarray, groups: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Per-group means of task columns (rule 4), groups in order of first appearance."""
    names = list(dict.fromkeys(groups))
    cols = [mean_skipna_false(scores[:, [j for j, g in enumerate(groups) if g == name]]) for name in names]
    return names, np.stack(cols, axis=1) if cols else np.empty((scores.shape[0], 0))


def average_rank_desc(values: np.ndarray) -> np.ndarray:
    """1 = highest; tied values share the mean of their positions (pandas/polars method="average")."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values))
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def min_rank_desc(values: np.ndarray) -> np.ndarray:
    """1 = highest; tied values share the best position (method="min")."""
    return np.array([1 + int(np.sum(values > v)) for v in values], dtype=int)


def borda_points(raw: np.ndarray, n_models: int) -> np.ndarray:
    """Rule 7's points: per task, `n_models - average rank` for each model with a score, else 0."""
    points = np.zeros(raw.shape[0])
    for j in range(raw.shape[1]):
        have = ~np.isnan(raw[:, j])
        points[have] += n_models - average_rank_desc(raw[have, j])
    return points


def compute_leaderboard(rows: Iterable[ScoreRow], tasks: Sequence[TaskSpec], benchmark: str = "",
                        labels: dict[str, str] | None = None) -> Leaderboard:
    """The benchmark's leaderboard from a long table of scores (rules 1-7 above)."""
    kept = keep_benchmark_rows(rows, tasks)
    present = {r.task for r in kept}
    columns = [t for t in tasks if t.name in present]
    all_models = list(dict.fromkeys(r.model for r in kept))
    scores, raw = task_score_matrices(kept, all_models, [t.name for t in columns])
    in_table = ~np.all(np.isnan(scores), axis=1) if columns else np.zeros(len(all_models), dtype=bool)

    points = borda_points(raw, int(in_table.sum()))
    borda = min_rank_desc(points)

    scores, points, borda = scores[in_table], points[in_table], borda[in_table]
    models = [m for m, keep in zip(all_models, in_table, strict=True) if keep]
    types = [t.type for t in columns]
    type_names, type_means = group_means(scores, types)
    mean_tt = mean_skipna_false(type_means, axis=1)
    cat_names, cat_means = group_means(scores, [CATEGORY_OF_TYPE.get(t, t) for t in types])
    cat_order = sorted(range(len(cat_names)), key=lambda c: CATEGORIES.index(cat_names[c])
                       if cat_names[c] in CATEGORIES else len(CATEGORIES))
    cat_names, cat_means = [cat_names[c] for c in cat_order], cat_means[:, cat_order]

    names = labels or {}
    order = sorted(range(len(models)), key=lambda i: (np.isnan(mean_tt[i]), -np.nan_to_num(mean_tt[i]),
                                                      borda[i], names.get(models[i], models[i])))
    return Leaderboard(
        benchmark=benchmark,
        models=[models[i] for i in order],
        tasks=columns,
        n_benchmark_tasks=len(tasks),
        task_scores=scores[order],
        type_names=type_names,
        type_means=type_means[order],
        mean_task_type=mean_tt[order],
        rank=np.arange(1, len(models) + 1),
        borda_points=points[order],
        borda_rank=borda[order],
        category_names=cat_names,
        category_means=cat_means[order],
        mean_category=mean_skipna_false(cat_means[order], axis=1),
    )
