"""Dataset constructions that are not the standard corpus/queries/qrels layout.

A task names one of these in its settings (`loader="vidore"`); each takes (task, split, subset) and
returns what its protocol's standard loader would (`RetrievalData` for retrieval-like tasks). They
build ids and qrels exactly as the reference's custom `load_data` functions do, and never rewrite
image columns (no `Dataset.map` over images): ids are added as new columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mieb.tasks.kinds.retrieval import RetrievalData
    from mieb.tasks.task import Task


def vidore(task: Task, split: str, subset: str) -> RetrievalData:
    """ViDoRe BEIR layout: configs `queries` (query-id, query), `corpus` (corpus-id, image), `qrels`.

    Ids become `query-<split>-<query-id>` / `corpus-<split>-<corpus-id>`; qrel scores are int(score).
    """
    from datasets import Dataset

    from mieb.data.loading import load_split, read_column, require_columns
    from mieb.tasks.kinds.retrieval import RetrievalData

    meta = task.metadata
    queries_ds = load_split(meta, split, "queries")
    require_columns(meta, queries_ds, ["query-id", "query"], split, "queries")
    queries = Dataset.from_dict({
        "id": [f"query-{split}-{q}" for q in read_column(queries_ds, "query-id")],
        "text": read_column(queries_ds, "query"),
        "modality": ["text"] * len(queries_ds),
    })
    corpus = load_split(meta, split, "corpus")
    require_columns(meta, corpus, ["corpus-id", "image"], split, "corpus")
    corpus = corpus.add_column("id", [f"corpus-{split}-{c}" for c in read_column(corpus, "corpus-id")])
    qrels_ds = load_split(meta, split, "qrels")
    require_columns(meta, qrels_ds, ["query-id", "corpus-id", "score"], split, "qrels")
    qrels: dict[str, dict[str, int]] = {}
    for q, c, s in zip(read_column(qrels_ds, "query-id"), read_column(qrels_ds, "corpus-id"),
                       read_column(qrels_ds, "score"), strict=True):
        qrels.setdefault(f"query-{split}-{q}", {})[f"corpus-{split}-{c}"] = int(s)
    return RetrievalData(corpus=corpus, queries=queries, qrels=qrels, split=split)
