"""A run against the published scores of the same model, task by task.

Each task is compared on the (split, subset) pairs the reference scored, restricted to those the task
expects (eval_splits x hf_subsets, or the single "default" entry of an aggregate): the local score is
the mean over the same pairs, so a run that did more subsets is not penalised and a run that did
fewer is compared on what both have (and marked partial). A task whose gap exceeds the tolerance is
flagged: a preprocessing or protocol mismatch, a different dataset revision, or a different model
revision usually explains it, which is why the dataset revisions are shown side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mieb.leaderboard import DEFAULT_TOLERANCE
from mieb.leaderboard.aggregation import TaskSpec
from mieb.leaderboard.scores import ScoreSet

__all__ = ["DEFAULT_TOLERANCE", "TaskComparison", "compare", "task_spec"]

# Status of one task, in the order a report lists them.
BEYOND, OK, MISSING_HERE, NOT_PUBLISHED, NO_SHARED = "beyond", "ok", "missing here", "not published", "no shared subsets"
_ORDER = {BEYOND: 0, OK: 1, NO_SHARED: 2, MISSING_HERE: 3, NOT_PUBLISHED: 4}


@dataclass(frozen=True)
class TaskComparison:
    task: str
    type: str | None
    local: float | None  # fractions, as stored; x100 for display
    reference: float | None
    status: str
    pairs_compared: int = 0
    pairs_reference: int = 0
    local_dataset_revision: str | None = None
    reference_dataset_revision: str | None = None

    @property
    def diff(self) -> float | None:
        return None if self.local is None or self.reference is None else self.local - self.reference

    @property
    def partial(self) -> bool:
        return 0 < self.pairs_compared < self.pairs_reference

    @property
    def revision_differs(self) -> bool:
        a, b = self.local_dataset_revision, self.reference_dataset_revision
        return bool(a and b and a != b)


def task_spec(name: str) -> TaskSpec | None:
    """What mieb's registry says a task expects; None for a task mieb does not know."""
    from mieb.errors import UnknownNameError
    from mieb.tasks.registry import get_task

    try:
        task = get_task(name)
    except UnknownNameError:
        return None
    subsets = ("default",) if task.metadata.settings.kind == "aggregate" else tuple(task.hf_subsets)
    return TaskSpec(name, task.metadata.type, tuple(task.metadata.eval_splits), subsets)


def _pairs(scores: ScoreSet, key: str) -> dict[str, dict[tuple[str, str], float]]:
    out: dict[str, dict[tuple[str, str], float]] = {}
    for r in scores.rows:
        if r.model == key:
            out.setdefault(r.task, {})[(r.split, r.subset)] = r.score
    return out


def compare(local: ScoreSet, local_key: str, reference: ScoreSet, reference_key: str,
            tasks: Sequence[TaskSpec] | None = None, tolerance: float = DEFAULT_TOLERANCE) -> list[TaskComparison]:
    """Per-task comparison, flagged beyond `tolerance` points (x100); `tasks` limits it to a benchmark."""
    mine, theirs = _pairs(local, local_key), _pairs(reference, reference_key)
    mine_files, their_files = local.model(local_key).files, reference.model(reference_key).files
    specs = {t.name: t for t in tasks} if tasks is not None else None
    names = list(specs) if specs is not None else sorted(set(mine) | set(theirs))
    out = []
    for name in names:
        spec = specs[name] if specs is not None else task_spec(name)
        expected = spec.pairs if spec is not None else None
        ref = {p: v for p, v in theirs.get(name, {}).items() if expected is None or p in expected}
        own = {p: v for p, v in mine.get(name, {}).items() if expected is None or p in expected}
        if not own and not ref:
            continue
        shared = [p for p in ref if p in own]
        local_score = float(np.mean([own[p] for p in shared])) if shared else (
            float(np.mean(list(own.values()))) if own else None)
        if not own:
            status = MISSING_HERE
        elif not ref:
            status = NOT_PUBLISHED
        elif not shared:
            status = NO_SHARED
        else:
            assert local_score is not None  # own is not empty here
            gap = abs(local_score - float(np.mean([ref[p] for p in shared])))
            status = BEYOND if 100 * gap > tolerance + 1e-9 else OK
        out.append(TaskComparison(
            task=name, type=spec.type if spec else None, local=local_score,
            reference=float(np.mean([ref[p] for p in shared])) if shared else (
                float(np.mean(list(ref.values()))) if ref else None),
            status=status, pairs_compared=len(shared), pairs_reference=len(ref),
            local_dataset_revision=mine_files[name].dataset_revision if name in mine_files else None,
            reference_dataset_revision=their_files[name].dataset_revision if name in their_files else None,
        ))
    out.sort(key=lambda c: (_ORDER[c.status], -abs(c.diff) if c.diff is not None else 0.0, c.task))
    return out
