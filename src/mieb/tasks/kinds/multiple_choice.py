"""VisionCentricQA: multiple choice as reranking (docs/protocol.md section 6; BLINK, CV-Bench).

Each query (image + question) is scored only against its own candidates, with the model's
similarity; the full set of retrieval metrics is reported on those rankings and the main score is
`accuracy` (= Recall@1: the correct choice ranked first). BLINK's candidates are the documents
listed in the query's qrels (1 = correct, 0 = distractor); CV-Bench builds them in its loader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from mieb.data.hub_cache import DataNeed
from mieb.metrics import K_VALUES
from mieb.tasks.kinds.base import SplitContext, TaskKind
from mieb.tasks.kinds.retrieval import (
    LOADERS,
    RetrievalData,
    embed_side,
    load_retrieval,
    retrieval_needs,
    text_search,
)
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
        if data.top_ranked is None:  # BLINK: every document judged for the query is a candidate
            data.top_ranked = {q: list(docs) for q, docs in data.qrels.items()}
        return data

    def evaluate(self, task: Task, data: RetrievalData, embedder: EmbedderView) -> dict[str, Any]:
        from mieb.data.loading import read_column
        from mieb.errors import TaskDataError
        from mieb.metrics.retrieval import rerank_candidates, retrieval_scores

        s = self.settings(task)
        assert data.top_ranked is not None
        doc_ids = [str(x) for x in read_column(data.corpus, "id")]
        query_ids = [str(x) for x in read_column(data.queries, "id")]
        doc_pos = {d: i for i, d in enumerate(doc_ids)}
        candidates = []
        for q in query_ids:
            cands = data.top_ranked.get(q, [])
            missing = [d for d in cands if d not in doc_pos]
            if not cands or missing:
                what = f"candidate {missing[0]!r} is not in the corpus" if missing else "has no candidates"
                raise TaskDataError(task.name, f"query {q!r} {what}", split=data.split)
            candidates.append([doc_pos[d] for d in cands])
        if embedder.searches_text:
            idx, scores = text_search(task, data, embedder, max(s.k_values), candidates)
            return retrieval_scores(idx, scores, query_ids=query_ids, doc_ids=doc_ids, qrels=data.qrels,
                                    k_values=s.k_values, skip_first_result=s.skip_first_result)
        q = embed_side(task, data.queries, "query", embedder, data.split)
        d = embed_side(task, data.corpus, "document", embedder, data.split)
        idx, scores = rerank_candidates(q, d, candidates, similarity=embedder.scoring)
        return retrieval_scores(idx, scores, query_ids=query_ids, doc_ids=doc_ids, qrels=data.qrels,
                                k_values=s.k_values, skip_first_result=s.skip_first_result)


KIND = MultipleChoice()
