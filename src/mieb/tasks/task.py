"""A task instance: metadata plus the subset selection a run uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from mieb.tasks.metadata import TaskMetadata

if TYPE_CHECKING:
    from mieb.data.hub_cache import DataNeed
    from mieb.tasks.kinds.base import Kind

CacheStatus = Literal["yes", "no", "partial", "local"]


class Task:
    """What the runner evaluates. Cheap to create; holds no data."""

    def __init__(self, metadata: TaskMetadata, hf_subsets: list[str] | None = None):
        self.metadata = metadata
        all_subsets = metadata.hf_subsets
        if hf_subsets is None:
            hf_subsets = all_subsets
        unknown = [s for s in hf_subsets if s not in all_subsets]
        if unknown:
            raise ValueError(f"task {metadata.name} has no subsets {unknown}; it has {all_subsets}")
        self.hf_subsets = list(hf_subsets)

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def kind(self) -> Kind[Any]:
        """The evaluation protocol (`TaskKind`, or `AggregateKind` for aggregates) named by the settings."""
        from mieb.tasks.kinds import get_kind

        return get_kind(self.metadata.settings.kind)

    def data_needs(self) -> list[DataNeed]:
        """Every dataset (config, split) this task reads for its selected subsets and eval splits, as its
        protocol states them (an aggregate's are its subtasks'). Nothing is loaded."""
        return self.kind.task_needs(self)

    def cache_status(self) -> CacheStatus:
        """Whether the local Hugging Face cache holds this task's data at its pinned revision (checked on
        disk only): "yes", "no" or "partial"; "local" for a dataset mieb generates. An aggregate answers
        for its subtask."""
        from mieb.data.hub_cache import missing_needs
        from mieb.tasks.kinds.base import AggregateKind

        kind = self.kind
        if isinstance(kind, AggregateKind):
            return kind.subtasks(self)[0].cache_status()
        ref = self.metadata.dataset
        if ref.generator is not None:
            return "local"
        needs = self.data_needs()
        missing = missing_needs(ref.path, ref.revision, needs)
        if not missing:
            return "yes"
        return "no" if len(missing) == len(needs) else "partial"

    def filter_languages(self, languages: list[str]) -> Task | None:
        """Keep the subsets with any of `languages` ('eng' or 'eng-Latn'); None if none is left."""
        wanted = {lang.lower() for lang in languages}

        def hit(code: str) -> bool:
            return code.lower() in wanted or code.split("-")[0].lower() in wanted

        keep = [s for s in self.hf_subsets if any(hit(c) for c in self.metadata.subset_languages(s))]
        return Task(self.metadata, keep) if keep else None

    def __repr__(self) -> str:
        subsets = "" if self.hf_subsets == self.metadata.hf_subsets else f", subsets={self.hf_subsets}"
        return f"Task({self.name!r}, type={self.metadata.type!r}{subsets})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Task) and (self.metadata, self.hf_subsets) == (other.metadata, other.hf_subsets)

    def __hash__(self) -> int:
        return hash((self.name, tuple(self.hf_subsets)))
