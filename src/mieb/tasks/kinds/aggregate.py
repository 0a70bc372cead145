"""Aggregate tasks (the VisualSTS17Eng / -b-Eng / -Multilingual family; docs/protocol.md section a).

An aggregate runs another task (its `subtask`) on chosen subsets, saves that result under the
subtask's own name, and reports, per split, the plain mean of the subtask's main score over exactly
those subsets, as a single "default" subset. This matches the published scores. (The reference can
also average extra subsets that a cached subtask result happens to hold; that depends on run order
and is not reproduced.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from mieb.tasks.kinds.base import AggregateKind
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    from mieb.results.schema import TaskResult
    from mieb.tasks.task import Task


class AggregateSettings(KindSettings):
    """`subtask`: the task whose results are averaged; `hf_subsets`: which of its subsets."""

    kind: Literal["aggregate"] = "aggregate"
    subtask: str
    hf_subsets: list[str]


class Aggregate(AggregateKind[AggregateSettings]):
    name = "aggregate"
    settings_cls = AggregateSettings

    def subtasks(self, task: Task) -> list[Task]:
        """What must run first: the subtask restricted to the aggregated subsets (its own splits)."""
        from mieb.tasks.registry import get_task

        s = self.settings(task)
        return [get_task(s.subtask, hf_subsets=s.hf_subsets)]

    def needed_modalities(self, task: Task) -> tuple[list[str], list[str]]:
        (sub,) = self.subtasks(task)
        return sub.kind.needed_modalities(sub)

    def combine(self, task: Task, split: str, sub_results: list[TaskResult]) -> dict[str, Any]:
        """The aggregate's scores for one split from the subtask result."""
        import numpy as np

        from mieb.errors import TaskDataError

        s = self.settings(task)
        (result,) = sub_results
        values = []
        for subset in s.hf_subsets:
            entry = result.entry(split, subset)
            if entry is None:
                raise TaskDataError(task.name, f"subtask {s.subtask} has no result for subset {subset!r}",
                                    split=split)
            values.append(float(entry["main_score"]))
        return {task.metadata.main_score: float(np.mean(values))}


KIND = Aggregate()
