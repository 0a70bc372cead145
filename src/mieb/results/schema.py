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
        """Read mieb's files and the reference's: 1.11+ and 2.x as they are, older 1.x converted."""
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if "task_name" not in data and "mteb_dataset_name" in data:
            data = _from_before_v1_11(data)
        return cls.model_validate(data)


# Pre-1.11 files nest similarity metrics ({"cos_sim": {"spearman": ...}}); 1.11+ flattens them under
# these prefixes ("cosine_spearman"), which is what main_score names refer to.
_HISTORIC_PREFIXES = {"cos_sim": "cosine", "manhattan": "manhattan", "euclidean": "euclidean", "dot": "dot",
                      "max": "max", "similarity": "similarity"}


def _from_before_v1_11(data: dict[str, Any]) -> dict[str, Any]:
    """The reference's format before mteb 1.11: `{mteb_dataset_name, <split>: {metrics | <subset>: metrics}}`.

    Becomes `{task_name, scores: {split: [{..., hf_subset, main_score}]}}`. `main_score` is taken from
    the task's main-score metric when mieb knows the task; otherwise the entry has none and readers
    skip it (the reference does the same, with a warning).
    """
    rest = dict(data)
    task_name = rest.pop("mteb_dataset_name")
    out: dict[str, Any] = {
        "task_name": task_name,
        "dataset_revision": rest.pop("dataset_revision", None),
        "mteb_version": rest.pop("mteb_version", None),
    }
    main_metric = _main_score_name(task_name)
    evaluation_time = 0.0
    scores: dict[str, list[ScoresDict]] = {}
    for split, block in rest.items():
        if not isinstance(block, dict):
            continue
        block = dict(block)
        evaluation_time += float(block.pop("evaluation_time", 0.0) or 0.0)
        nested = {k: v for k, v in block.items() if isinstance(v, dict) and k not in _HISTORIC_PREFIXES}
        per_subset = nested if nested else {"default": block}
        entries = []
        for subset, metrics in per_subset.items():
            flat: ScoresDict = {}
            for k, v in metrics.items():
                if isinstance(v, dict) and k in _HISTORIC_PREFIXES:
                    flat.update({f"{_HISTORIC_PREFIXES[k]}_{kk}": vv for kk, vv in v.items()})
                else:
                    flat[k] = v
            if "main_score" not in flat and main_metric in flat:
                flat["main_score"] = flat[main_metric]
            entries.append({**flat, "hf_subset": subset})
        scores[split] = entries
    out["scores"] = scores
    out["evaluation_time"] = evaluation_time or None
    return out


def _main_score_name(task_name: str) -> str | None:
    from mieb.errors import UnknownNameError
    from mieb.tasks.registry import get_task_metadata

    try:
        return get_task_metadata(task_name).main_score
    except UnknownNameError:
        return None
