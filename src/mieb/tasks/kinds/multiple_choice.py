"""VisionCentricQA: multiple choice as reranking (PROTOCOL.md section 6; BLINK, CV-Bench).

Each query (image + question) is scored only against its own candidates, with the model's
similarity; the full set of retrieval metrics is reported on those rankings and the main score is
`accuracy` (= Recall@1: the correct choice ranked first). A query's candidates are the documents its
judgements name (1 = correct, 0 = distractor), in the order of the judgements, whatever candidate lists
the dataset ships: mteb 2.26.24's BLINK tasks rebuild them so, and CV-Bench's loader builds them so.
Ids are handled as in retrieval (`score_by_id`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from mieb.tasks.kinds.base import TaskKind
from mieb.tasks.kinds.retrieval import K_VALUES, RetrievalData, load_retrieval, score_by_id
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    from mieb.runner.embedder import Embedder
    from mieb.tasks.task import Task


class MultipleChoiceSettings(KindSettings):
    """`loader` names a custom construction in `mieb.data.custom_loaders`; `loader_options` are the
    settings it reads (CV-Bench: {"task": "Count"} keeps one of the benchmark's four question types)."""

    kind: Literal["multiple_choice"] = "multiple_choice"
    k_values: tuple[int, ...] = K_VALUES
    loader: str | None = None
    loader_options: dict[str, str] = {}
    drop_columns: dict[Literal["corpus", "queries"], list[str]] = {}
    skip_first_result: bool = False


class MultipleChoice(TaskKind):
    name = "multiple_choice"
    settings_cls = MultipleChoiceSettings

    def needed_modalities(self, task: Task) -> tuple[list[str], list[str]]:
        return task.metadata.query_modalities, task.metadata.document_modalities

    def load(self, task: Task, split: str, subset: str) -> RetrievalData:
        data = load_retrieval(task, split, subset)
        data.top_ranked = {q: list(docs) for q, docs in data.qrels.items()}
        return data

    def evaluate(self, task: Task, data: RetrievalData, embedder: Embedder) -> dict[str, Any]:
        s: MultipleChoiceSettings = task.metadata.settings  # type: ignore[assignment]
        return score_by_id(task, data, embedder, k_values=s.k_values, skip_first_result=s.skip_first_result)


KIND = MultipleChoice()
