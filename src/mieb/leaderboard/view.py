"""One benchmark's leaderboard with everything the views show: table, intervals and pairwise tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mieb.leaderboard.aggregation import Leaderboard, TaskSpec, benchmark_tasks, compute_leaderboard
from mieb.leaderboard.scores import ScoreSet
from mieb.leaderboard.uncertainty import Bootstrap, PairTest, bootstrap, pairwise

TasksOf = Callable[[str], list[TaskSpec]]


@dataclass
class BenchmarkView:
    lb: Leaderboard
    boot: Bootstrap
    ci: np.ndarray  # [m, 2]
    type_ci: np.ndarray  # [m, k, 2]
    pairs: list[PairTest]
    scores: ScoreSet
    labels: dict[str, str]

    @property
    def name(self) -> str:
        return self.lb.benchmark


def load_scores(results: Sequence[str | Path] = (), published: bool = True,
                tasks: Sequence[str] | None = None) -> ScoreSet:
    """The published scores (unless `published=False`) plus every results folder given."""
    sets = [ScoreSet.published()] if published else []
    sets.extend(ScoreSet.from_folder(p, tasks=tasks) for p in results)
    return ScoreSet.combine(sets)


def build_view(scores: ScoreSet, benchmark: str, tasks_of: TasksOf = benchmark_tasks) -> BenchmarkView:
    labels = scores.labels()
    lb = compute_leaderboard(scores.rows, tasks_of(benchmark), benchmark, labels)
    boot = bootstrap(lb.task_scores, lb.task_types)
    return BenchmarkView(lb, boot, boot.ci(), boot.type_ci(), pairwise(lb.mean_task_type, boot), scores, labels)
