"""Shared building blocks of the catalog modules: dataset sources, size statistics, the task constructor.

Every number here was written from the reference's descriptive statistics (the `n_samples` column of
the reference task table); nothing is read at import, so the catalog works without the reference files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from mieb.tasks.metadata import DatasetRef, KindSettings, SplitStats, TaskMetadata

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries the catalog shares (dataset sources, citations), read as attributes (`cite.CIFAR`).

    Each name can be registered once: registering a second entry under a taken name raises ValueError
    instead of silently re-pointing every task that uses the name to the new entry.
    """

    def __init__(self, what: str):
        object.__setattr__(self, "_what", what)

    def __setattr__(self, name: str, value: T) -> None:
        if name in vars(self):
            raise ValueError(f"{self._what} {name!r} is already registered; choose another name")
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> T:  # only called for a name that was never registered
        raise AttributeError(f"no {self._what} named {name!r}")

    def names(self) -> list[str]:
        return sorted(n for n in vars(self) if n != "_what")

ENG = ["eng-Latn"]
TEST = ["test"]

# The protocol version written into every result, by evaluation protocol ("kind"): raised whenever a fix
# can move the scores of that kind's tasks, so results from before and after are never mixed up.
# 2 (issue 11): fitted scorers see float64 as the reference's do (linear_probe, multilabel, clustering);
# retrieval and multiple choice are keyed by id as the reference's runs and judgements are, rerank the
# candidates a dataset ships, and multiple choice always takes its candidates from the judgements;
# VOC2007 scores its whole test split; Memotion reads the corrected dataset; compositionality multiplies
# each row's images and texts on its own (a batched product could flip an argmax between near-equal scores).
PROTOCOL_VERSIONS = {"linear_probe": "2", "multilabel": "2", "clustering": "2", "retrieval": "2",
                     "multiple_choice": "2", "compositionality": "2"}


@dataclass(frozen=True)
class Source:
    """A dataset as the catalog cites it: where it lives (pinned) and how it is licensed and cited.

    One source can back several tasks (CIFAR10 is probed, clustered and zero-shot classified).
    """

    path: str
    revision: str
    license: str | None = None
    reference: str | None = None
    citation: str | None = None
    gated: bool = False

    @property
    def ref(self) -> DatasetRef:
        return DatasetRef(path=self.path, revision=self.revision, gated=self.gated)


def task(name: str, description: str, source: Source, *, settings: KindSettings,
         eval_splits: list[str] | None = None, eval_langs: list[str] | dict[str, list[str]] | None = None,
         **fields: Any) -> TaskMetadata:
    """One task on `source`; english and the `test` split unless told otherwise."""
    fields.setdefault("protocol_version", PROTOCOL_VERSIONS.get(settings.kind, "1"))
    return TaskMetadata(
        name=name,
        description=description,
        dataset=source.ref,
        eval_splits=eval_splits or TEST,
        eval_langs=eval_langs or ENG,
        settings=settings,
        license=source.license,
        reference=source.reference,
        bibtex_citation=source.citation,
        **fields,
    )


# -- size statistics -------------------------------------------------------------------------------------
def image_split(n: int, labels: int | None = None) -> SplitStats:
    """A split of `n` labelled images (classification, clustering): no text is embedded."""
    return SplitStats(n_samples=n, n_images=n, n_texts=0, n_labels=labels)


def retrieval_split(category: str, queries: int, documents: int) -> SplitStats:
    """A retrieval split; what is embedded on each side follows the category ("it2t": image+text queries,
    text documents). Where the reference's statistics give only the total of queries and documents, the
    queries were counted as relevant documents / relevant documents per query."""
    query_side, doc_side = category.split("2")
    n_images = queries * ("i" in query_side) + documents * ("i" in doc_side)
    n_texts = queries * ("t" in query_side) + documents * ("t" in doc_side)
    return SplitStats(n_samples=queries + documents, n_images=n_images, n_texts=n_texts, n_queries=queries,
                      n_documents=documents)
