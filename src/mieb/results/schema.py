"""`TaskResult`: one task's scores for one model, in the reference's JSON format.

Top-level fields are the reference's (`dataset_revision`, `task_name`, `mteb_version`, `scores`,
`evaluation_time`, `kg_co2_emissions`, `date`), so its tools read our files; `mieb_version` and the
`mieb` block add what could change a score (revisions, precision, preprocessing, protocol version)
and where the time went.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from mieb.results.io import round_floats, write_json_atomic

ScoresDict = dict[str, Any]


class TaskResult(BaseModel):
    model_config = ConfigDict(extra="allow")

    dataset_revision: str | None = None
    task_name: str
    mteb_version: str | None = None
    mieb_version: str | None = None
    scores: dict[str, list[ScoresDict]]
    evaluation_time: float | None = None
    kg_co2_emissions: float | None = None
    date: float | None = None
    mieb: dict[str, Any] | None = None

    # -- access -----------------------------------------------------------------------------------
    def entry(self, split: str, subset: str) -> ScoresDict | None:
        for e in self.scores.get(split, []):
            if e.get("hf_subset") == subset:
                return e
        return None

    def has(self, split: str, subset: str) -> bool:
        return self.entry(split, subset) is not None

    def covers(self, splits: list[str], subsets: list[str]) -> bool:
        return all(self.has(sp, su) for sp in splits for su in subsets)

    @property
    def complete(self) -> bool:
        return bool(self.mieb.get("complete", True)) if self.mieb else True

    def get_score(self, splits: list[str] | None = None, subsets: list[str] | None = None) -> float:
        """Mean main_score over the chosen (default: all) splits and subsets, as the reference reads it."""
        vals = [
            float(e["main_score"])
            for sp, entries in self.scores.items()
            if splits is None or sp in splits
            for e in entries
            if subsets is None or e.get("hf_subset") in subsets
        ]
        return float(np.mean(vals)) if vals else math.nan

    def merge(self, other: TaskResult) -> TaskResult:
        """Entries of `other` added to (or replacing) ours, split by split and subset by subset."""
        scores = {sp: [dict(e) for e in entries] for sp, entries in self.scores.items()}
        for sp, entries in other.scores.items():
            mine = scores.setdefault(sp, [])
            for e in entries:
                mine[:] = [m for m in mine if m.get("hf_subset") != e.get("hf_subset")]
                mine.append(dict(e))
        return other.model_copy(update={"scores": scores})

    # -- disk -----------------------------------------------------------------------------------
    def to_json_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="python")
        data["scores"] = round_floats(data["scores"], 6)
        return data

    def to_disk(self, path: Path) -> None:
        write_json_atomic(path, self.to_json_dict())

    @classmethod
    def from_disk(cls, path: Path) -> TaskResult:
        with open(path, encoding="utf-8") as f:
            return cls.model_validate(json.load(f))
