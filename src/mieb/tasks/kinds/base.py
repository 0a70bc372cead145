"""The seam every evaluation protocol ("kind") implements, and what flows across it.

A kind is typed by its settings block (`SettingsT`, a `KindSettings` subclass that tasks carry in
`TaskMetadata.settings`) and, for kinds that embed, by the data its loader returns (`DataT`):

- `TaskKind.load(task, ctx)` reads one split and subset (`SplitContext`), without encoding;
- `TaskKind.evaluate(task, data, embedder)` embeds through an `EmbedderView` (the runner's Embedder
  bound to the same context: batching, decoding, precision, caching and the model's similarity live
  there) and returns the protocol's score dict for that split and subset;
- `TaskKind.data_needs(task, ctx)` states which dataset configs and splits `load` reads, so that
  `mieb download` and the cache check of `mieb list tasks` know them without loading anything.

`AggregateKind` is the other base: a task scored from other tasks' results (the VisualSTS aggregates).
Datasets outside a protocol's standard layout are built by named loaders registered in a
`CustomLoaders` registry that lives next to the protocol they feed; tasks name them in their settings
and the names are checked when the catalog is validated.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from mieb.data.hub_cache import DataNeed
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    import numpy as np
    import torch

    from mieb.results.schema import TaskResult
    from mieb.runner.embedder import EmbedderView
    from mieb.tasks.metadata import TaskMetadata
    from mieb.tasks.task import Task

SettingsT = TypeVar("SettingsT", bound=KindSettings)
DataT = TypeVar("DataT")


@dataclass(frozen=True)
class SplitContext:
    """Which part of a task one `load` / `evaluate` call is about: an eval split and an hf_subset."""

    split: str
    subset: str

    @property
    def config(self) -> str | None:
        """The Hugging Face config holding the subset: None (the dataset's default) for "default"."""
        return None if self.subset == "default" else self.subset


class Kind(ABC, Generic[SettingsT]):
    """What every kind states: its name (the `kind` string of its settings) and settings type."""

    name: ClassVar[str]
    settings_cls: type[SettingsT]

    def settings(self, task: Task) -> SettingsT:
        """The task's settings block, as this kind's settings type (TypeError if the task is not of it)."""
        s = task.metadata.settings
        if not isinstance(s, self.settings_cls):
            raise TypeError(f"task {task.name}: settings of kind {s.kind!r} given to the {self.name!r} protocol")
        return s

    def needed_modalities(self, task: Task) -> tuple[list[str], list[str]]:
        """(query side, document side) modalities. Non-retrieval protocols use the task's modalities
        on one side, so a model must have all of them."""
        return list(task.metadata.modalities), []

    def check(self, meta: TaskMetadata) -> None:  # noqa: B027 - optional hook, most kinds need none
        """Validate, when the catalog loads, what the settings type alone cannot (e.g. loader names)."""

    @abstractmethod
    def task_needs(self, task: Task) -> list[DataNeed]:
        """Every (config, split) the task reads, over its selected subsets and eval splits, in order."""


class TaskKind(Kind[SettingsT], Generic[SettingsT, DataT]):
    """A protocol that loads a split, embeds it and scores it (all kinds but aggregates)."""

    @abstractmethod
    def load(self, task: Task, ctx: SplitContext) -> DataT: ...

    @abstractmethod
    def evaluate(self, task: Task, data: DataT, embedder: EmbedderView) -> dict[str, Any]: ...

    @abstractmethod
    def data_needs(self, task: Task, ctx: SplitContext) -> list[DataNeed]:
        """The (config, split) pairs `load(task, ctx)` reads."""

    def task_needs(self, task: Task) -> list[DataNeed]:
        needs = [need for split in task.metadata.eval_splits for subset in task.hf_subsets
                 for need in self.data_needs(task, SplitContext(split, subset))]
        return list(dict.fromkeys(needs))


class AggregateKind(Kind[SettingsT]):
    """A task scored from the results of other tasks (its subtasks), which the runner computes first."""

    @abstractmethod
    def subtasks(self, task: Task) -> list[Task]:
        """What must run first, restricted to the subsets the aggregate reads."""

    @abstractmethod
    def combine(self, task: Task, split: str, sub_results: list[TaskResult]) -> dict[str, Any]:
        """The aggregate's scores for one split, from the subtask results (in `subtasks` order)."""

    def task_needs(self, task: Task) -> list[DataNeed]:
        return list(dict.fromkeys(need for sub in self.subtasks(task) for need in sub.kind.task_needs(sub)))


def split_need(ctx: SplitContext, split: str | None = None) -> DataNeed:
    """The one need of a loader reading `split` (default: the eval split) of the subset's config."""
    return DataNeed(ctx.config, ctx.split if split is None else split)


LoaderFn = Callable[["Task", SplitContext], DataT]
NeedsFn = Callable[["TaskMetadata", SplitContext], list[DataNeed]]


@dataclass(frozen=True)
class CustomLoader(Generic[DataT]):
    """A dataset construction outside a protocol's standard layout, and what it reads."""

    name: str
    load: Callable[[Task, SplitContext], DataT]
    needs: NeedsFn


class CustomLoaders(Generic[DataT]):
    """The named custom loaders of one protocol family. Tasks name one in `settings.loader`.

    `modules` are imported on first lookup (they register their loaders with `@registry.register(...)`),
    so the registry is complete whenever a name is checked; an unknown name raises ValueError naming the
    known ones, and registering a name twice raises too.
    """

    def __init__(self, what: str, modules: Iterable[str]):
        self.what = what
        self._modules = tuple(modules)
        self._loaders: dict[str, CustomLoader[DataT]] = {}
        self._imported = False

    def register(self, needs: NeedsFn) -> Callable[[LoaderFn[DataT]], LoaderFn[DataT]]:
        """Decorator: register a loader under its function name, with the function listing its needs."""

        def add(fn: LoaderFn[DataT]) -> LoaderFn[DataT]:
            name = fn.__name__
            if name in self._loaders:
                raise ValueError(f"{self.what} loader {name!r} is registered twice")
            self._loaders[name] = CustomLoader(name, fn, needs)
            return fn

        return add

    def names(self) -> list[str]:
        self._import()
        return sorted(self._loaders)

    def get(self, name: str) -> CustomLoader[DataT]:
        self._import()
        try:
            return self._loaders[name]
        except KeyError:
            raise ValueError(f"no {self.what} loader named {name!r}; known: {sorted(self._loaders)}") from None

    def check(self, meta: TaskMetadata, name: str | None) -> None:
        """ValueError naming the task if `name` (a task's `settings.loader`) is set but not registered."""
        if name is not None:
            try:
                self.get(name)
            except ValueError as e:
                raise ValueError(f"task {meta.name}: {e}") from None

    def _import(self) -> None:
        if not self._imported:
            import importlib

            self._imported = True
            for module in self._modules:
                importlib.import_module(module)


def as_wrapper_output(embeddings: np.ndarray) -> torch.Tensor:
    """(N, d) embeddings as the reference's wrappers return them: a torch tensor (sharing memory).

    Protocols hand this, not a numpy array, to scikit-learn, so that scikit-learn converts exactly what it
    converts in the reference, whatever its version. The conversions differ by call: LogisticRegression.fit
    and MiniBatchKMeans.fit validate with a list of float dtypes, cannot read a tensor's dtype and take the
    first, so the reference fits them in float64; kNN and the paired distances keep float32. Fitting the
    probe on a float32 array instead gives other numbers (docs/protocol.md quirk 15).
    """
    import numpy as np
    import torch

    return torch.from_numpy(np.ascontiguousarray(embeddings))
