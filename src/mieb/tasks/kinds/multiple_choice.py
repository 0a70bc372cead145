"""VisionCentricQA: multiple choice as reranking (docs/protocol.md section 6; BLINK, CV-Bench).

Each query (image + question) is scored only against its own candidates, with the model's
similarity; the full set of retrieval metrics is reported on those rankings and the main score is
`accuracy` (= Recall@1: the correct choice ranked first). A query's candidates are the documents its
judgements name (1 = correct, 0 = distractor), in the order of the judgements, whatever candidate lists
the dataset ships: mteb 2.26.24's BLINK tasks rebuild them so, and CV-Bench's loader builds them so.
Ids are handled as in retrieval (`score_by_id`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from mieb.data.hub_cache import DataNeed
from mieb.metrics import K_VALUES
from mieb.tasks.kinds.base import SplitContext, TaskKind
from mieb.tasks.kinds.retrieval import LOADERS, RetrievalData, load_retrieval, retrieval_needs, score_by_id
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    from mieb.runner.embedder import EmbedderView
    from mieb.tasks.metadata import TaskMetadata
    from mieb.tasks.task import Task


class MultipleChoiceSettings(KindSettings):
    """`loader` names a custom construction of the retrieval family's `LOADERS` (see `retrieval_loaders`);
    `loader_options` are the settings it reads (CV-Bench: {"task": "Count"} keeps one of the benchmark's
    four question types); the other fields are the retrieval settings'."""

    kind: Literal["multiple_choice"] = "multiple_choice"
    k_values: tuple[int, ...] = K_VALUES
    loader: str | None = None
    loader_options: dict[str, str] = {}
    drop_columns: dict[Literal["corpus", "queries"], list[str]] = {}
    skip_first_result: bool = False


class MultipleChoice(TaskKind[MultipleChoiceSettings, RetrievalData]):
    name = "multiple_choice"
    settings_cls = MultipleChoiceSettings

    def needed_modalities(self, task: Task) -> tuple[list[str], list[str]]:
        return task.metadata.query_modalities, task.metadata.document_modalities

    def check(self, meta: TaskMetadata) -> None:
        if isinstance(meta.settings, MultipleChoiceSettings):
            LOADERS.check(meta, meta.settings.loader)

    def data_needs(self, task: Task, ctx: SplitContext) -> list[DataNeed]:
        return retrieval_needs(task, self.settings(task), ctx)

    def load(self, task: Task, ctx: SplitContext) -> RetrievalData:
        data = load_retrieval(task, self.settings(task), ctx)
        data.top_ranked = {q: list(docs) for q, docs in data.qrels.items()}
        return data

    def evaluate(self, task: Task, data: RetrievalData, embedder: EmbedderView) -> dict[str, Any]:
        s = self.settings(task)
        return score_by_id(task, data, embedder, k_values=s.k_values, skip_first_result=s.skip_first_result)


KIND = MultipleChoice()
