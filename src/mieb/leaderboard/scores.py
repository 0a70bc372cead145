"""The leaderboard's input: a long table of main scores plus what is known about each model entry.

A `ScoreSet` is built from results folders (`from_results`) or from the published scores that ship
with mieb (`published`). Each model entry is one (source, model, revision): a local run of a model
and its published scores stay separate rows, so a user sees them side by side.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from mieb.results.load import ModelResults, load_results

PUBLISHED = "published"
_PUBLISHED_FILE = "published_scores.json.gz"


class ScoreRow(NamedTuple):
    """One main score: a (split, subset) of a task, for one model entry (its `key`)."""

    model: str
    task: str
    split: str
    subset: str
    score: float


@dataclass(frozen=True)
class ResultFile:
    """Where a task's score came from, and the facts that explain a difference between two runs."""

    location: str  # a local path, or a URL for published scores
    dataset_revision: str | None = None
    version: str | None = None  # of the mteb or mieb that wrote it
    evaluation_time: float | None = None


@dataclass(frozen=True)
class ModelEntry:
    name: str
    revision: str
    source: str  # PUBLISHED, or the results folder it was read from
    n_parameters: int | None = None
    modalities: tuple[str, ...] = ()
    release_date: str | None = None
    reference: str | None = None
    embed_dim: int | None = None
    files: dict[str, ResultFile] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        return f"{self.source}::{self.name}@{self.revision}"


@dataclass
class ScoreSet:
    models: list[ModelEntry]
    rows: list[ScoreRow]
    provenance: list[dict[str, Any]] = field(default_factory=list)

    def model(self, key: str) -> ModelEntry:
        return self._by_key[key]

    @cached_property
    def _by_key(self) -> dict[str, ModelEntry]:
        return {m.key: m for m in self.models}

    def labels(self) -> dict[str, str]:
        """Display name per model key: the model name, with its source added where names collide."""
        counts: dict[str, int] = {}
        for m in self.models:
            counts[m.name] = counts.get(m.name, 0) + 1
        out = {}
        for m in self.models:
            label = m.name
            if counts[m.name] > 1:
                where = m.source if m.source == PUBLISHED else f"{Path(m.source).name or m.source} @{m.revision[:8]}"
                label = f"{m.name} [{where}]"
            out[m.key] = label
        return out

    @staticmethod
    def combine(sets: Sequence[ScoreSet]) -> ScoreSet:
        """Concatenate; an entry present twice (same source, name, revision) keeps its first copy."""
        models: dict[str, ModelEntry] = {}
        rows: list[ScoreRow] = []
        provenance: list[dict[str, Any]] = []
        for s in sets:
            new = {m.key for m in s.models if m.key not in models}
            models.update({m.key: m for m in s.models if m.key in new})
            rows.extend(r for r in s.rows if r.model in new)
            provenance.extend(p for p in s.provenance if p not in provenance)
        return ScoreSet(list(models.values()), rows, provenance)

    @classmethod
    def from_results(cls, results: Sequence[ModelResults], source: str) -> ScoreSet:
        """Rows from loaded result files; entries without a finite main_score are left out."""
        facts = _published_facts()
        models, rows = [], []
        for mr in results:
            meta = mr.meta or {}
            known = facts.get(mr.model_name, {})
            files: dict[str, Any] = {}
            entry = ModelEntry(
                name=mr.model_name,
                revision=mr.revision,
                source=source,
                n_parameters=meta.get("n_parameters") or known.get("n_parameters"),
                modalities=tuple(meta.get("modalities") or known.get("modalities") or ()),
                release_date=meta.get("release_date") or known.get("release_date"),
                reference=meta.get("reference") or known.get("reference"),
                embed_dim=meta.get("embed_dim") or known.get("embed_dim"),
                files=files,
            )
            for task_name, tr in mr.tasks.items():
                files[task_name] = ResultFile(str((mr.path / f"{task_name}.json").resolve()), tr.dataset_revision,
                                              tr.mteb_version or tr.mieb_version, tr.evaluation_time)
                for split, entries in tr.scores.items():
                    for e in entries:
                        score = _finite(e.get("main_score"))
                        if score is not None:
                            rows.append(ScoreRow(entry.key, task_name, split, str(e.get("hf_subset", "default")),
                                                 score))
            models.append(entry)
        return cls(models, rows, [{"source": source, "kind": "results folder"}])

    @classmethod
    def from_folder(cls, path: str | Path, tasks: Iterable[str] | None = None) -> ScoreSet:
        return cls.from_results(load_results(path, tasks=tasks), source=str(path))

    @classmethod
    def published(cls) -> ScoreSet:
        """The reference's published MIEB scores (CC0), shipped with mieb; see data/README.md."""
        data = _published_data()
        src = data["source"]
        base = f"{src['repository']}/blob/{src['commit']}/results"
        models, dirs = [], []
        for m in data["models"]:
            folder = m["name"].replace("/", "__").replace(" ", "_")
            dirs.append(f"{base}/{folder}/{m['revision']}")
            models.append(ModelEntry(
                name=m["name"], revision=m["revision"], source=PUBLISHED, n_parameters=m.get("n_parameters"),
                modalities=tuple(m.get("modalities") or ()), release_date=m.get("release_date"),
                reference=m.get("reference"), embed_dim=m.get("embed_dim"),
            ))
        rows = []
        for idx, task, split, subset, score, eval_time, mteb_version, dataset_revision in data["rows"]:
            entry = models[idx]
            if task not in entry.files:
                entry.files[task] = ResultFile(f"{dirs[idx]}/{task}.json", dataset_revision, mteb_version, eval_time)
            score = _finite(score)
            if score is not None:
                rows.append(ScoreRow(entry.key, task, split, subset, score))
        return cls(models, rows, [{"kind": "published scores", **src}])


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


@cache
def _published_data() -> dict[str, Any]:
    raw = resources.files("mieb.leaderboard").joinpath("data").joinpath(_PUBLISHED_FILE).read_bytes()
    return json.loads(gzip.decompress(raw))


@cache
def _published_facts() -> dict[str, dict[str, Any]]:
    """Model facts of the published set by name: labels for a local run of a published model."""
    return {m["name"]: m for m in _published_data()["models"]}
