"""Retrieval-family datasets outside the standard corpus/queries/qrels layout, by name.

A retrieval or multiple-choice task names one of these in its settings (`loader="vidore"`); each takes
(task, SplitContext) and returns `RetrievalData`, as the standard loader would. They build ids, qrels and
candidate lists exactly as the reference's custom `load_data` functions do, and never rewrite image
columns (no `Dataset.map` over images): ids and texts are added as new columns, before any row
selection, so images stay referenced. Each registers what it reads (`DataNeed`s) for `mieb download`
and the cache check of `mieb list tasks`. Importing this module imports no backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mieb.data.hub_cache import DataNeed
from mieb.tasks.kinds.base import SplitContext
from mieb.tasks.kinds.retrieval import LOADERS, RetrievalData

if TYPE_CHECKING:
    from datasets import Dataset

    from mieb.tasks.task import Task


def _one_to_one(query_ids: list[str], doc_ids: list[str]) -> dict[str, dict[str, int]]:
    """qrels pairing the i-th query with the i-th document (repeated query ids accumulate, as a dict does)."""
    qrels: dict[str, dict[str, int]] = {}
    for q, d in zip(query_ids, doc_ids, strict=True):
        qrels.setdefault(q, {})[d] = 1
    return qrels


def _with_columns(ds: Dataset, columns: dict[str, list[Any]]) -> Dataset:
    """`ds` with `columns` added, replacing same-named ones. Call it before any select/filter: adding a
    column to a row selection would rewrite (copy) the whole table, images included."""
    ds = ds.remove_columns([c for c in columns if c in ds.column_names])
    for name, values in columns.items():
        ds = ds.add_column(name, values)
    return ds


def _drop(ds: Dataset, columns: list[str]) -> Dataset:
    return ds.remove_columns([c for c in columns if c in ds.column_names])


@LOADERS.register(lambda meta, ctx: [DataNeed(config, ctx.split) for config in ("queries", "corpus", "qrels")])
def vidore(task: Task, ctx: SplitContext) -> RetrievalData:
    """ViDoRe BEIR layout: configs `queries` (query-id, query), `corpus` (corpus-id, image), `qrels`.

    Ids become `query-<split>-<query-id>` / `corpus-<split>-<corpus-id>`; qrel scores are int(score).
    """
    from datasets import Dataset

    from mieb.data.loading import load_split, read_column, require_columns

    split = ctx.split
    meta = task.metadata
    queries_ds = load_split(meta, split, "queries")
    require_columns(meta, queries_ds, ["query-id", "query"], split, "queries")
    queries = Dataset.from_dict({
        "id": [f"query-{split}-{q}" for q in read_column(queries_ds, "query-id")],
        "text": read_column(queries_ds, "query"),
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


HATEFUL_MEMES_CORPUS_SPLITS = ("test", "validation", "train")


@LOADERS.register(lambda meta, ctx: [DataNeed(None, s) for s in HATEFUL_MEMES_CORPUS_SPLITS])
def hateful_memes(task: Task, ctx: SplitContext) -> RetrievalData:
    """Hateful Memes (both directions): memes of the eval split are the queries, the corpus is the test,
    validation and train splits concatenated and deduplicated by text (first occurrence kept).

    Ids are `query-<id>` and `corpus-<id>`, and each query's one relevant document is `corpus-<id>`, which
    the deduplication may have removed (quirk 10). Rows keep both image and text; the task's category
    decides which side embeds which.
    """
    from datasets import concatenate_datasets

    from mieb.data.loading import load_splits, read_column, require_columns

    split = ctx.split
    meta = task.metadata
    dd = load_splits(meta)
    for name in HATEFUL_MEMES_CORPUS_SPLITS:
        require_columns(meta, dd[name], ["id", "image", "text"], name)
    shared = concatenate_datasets([_drop(dd[name], ["split", "label"]) for name in HATEFUL_MEMES_CORPUS_SPLITS])
    texts = read_column(shared, "text")
    first: dict[Any, int] = {}
    for row, text in enumerate(texts):
        first.setdefault(text, row)
    shared = _with_columns(shared, {"id": [f"corpus-{x}" for x in read_column(shared, "id")]})
    corpus = shared.select(list(first.values()))

    ids = [str(x) for x in read_column(dd[split], "id")]
    queries = _with_columns(_drop(dd[split], ["split", "label"]), {"id": [f"query-{x}" for x in ids]})
    qrels = _one_to_one([f"query-{x}" for x in ids], [f"corpus-{x}" for x in ids])
    return RetrievalData(corpus=corpus, queries=queries, qrels=qrels, split=split)


MEMOTION_LABELS = ["split", "text_ocr", "text_corrected", "humor", "sarcasm", "offensive", "motivational",
                   "sentiment"]


@LOADERS.register(lambda meta, ctx: [DataNeed(None)])
def memotion(task: Task, ctx: SplitContext) -> RetrievalData:
    """Memotion (both directions): rows whose `text_corrected` is not None, from every split (in the
    dataset's split order) form the corpus, those of the eval split the queries. Within each split the
    i-th kept row gets ids `corpus-<split>-<i>` / `query-<split>-<i>`; its text is `text_corrected`."""
    from datasets import concatenate_datasets

    from mieb.data.loading import load_splits, read_column, require_columns

    split = ctx.split
    meta = task.metadata
    dd = load_splits(meta)

    def kept(name: str, prefix: str) -> Dataset:
        ds = dd[name]
        require_columns(meta, ds, ["image", "text_corrected"], name)
        texts = read_column(ds, "text_corrected")
        rows = [r for r, t in enumerate(texts) if t is not None]
        ids: list[str | None] = [None] * len(ds)
        for i, r in enumerate(rows):
            ids[r] = f"{prefix}-{name}-{i}"
        return _with_columns(_drop(ds, MEMOTION_LABELS), {"id": ids, "text": texts}).select(rows)

    corpus = concatenate_datasets([kept(name, "corpus") for name in dd])
    queries = kept(split, "query")
    query_ids = read_column(queries, "id")
    qrels = _one_to_one(query_ids, [f"corpus-{split}-{i}" for i in range(len(query_ids))])
    return RetrievalData(corpus=corpus, queries=queries, qrels=qrels, split=split)


@LOADERS.register(lambda meta, ctx: [DataNeed(None, ctx.split)])
def scimmir(task: Task, ctx: SplitContext) -> RetrievalData:
    """SciMMIR (both directions): queries and corpus are the same rows of the eval split (figure or table
    image and its caption), `query-<split>-<i>` relevant to `corpus-<split>-<i>`."""
    from mieb.data.loading import load_split, require_columns

    split = ctx.split
    meta = task.metadata
    ds = load_split(meta, split)
    require_columns(meta, ds, ["image", "text"], split)
    ds = _drop(ds, ["file_name_index", "class", "super_class", "sub_class", "split"])
    query_ids = [f"query-{split}-{i}" for i in range(len(ds))]
    doc_ids = [f"corpus-{split}-{i}" for i in range(len(ds))]
    corpus, queries = _with_columns(ds, {"id": doc_ids}), _with_columns(ds, {"id": query_ids})
    return RetrievalData(corpus=corpus, queries=queries, qrels=_one_to_one(query_ids, doc_ids), split=split)


def _image_corpus(ds: Dataset, ids: list[str]) -> Dataset:
    """An image-only corpus with `ids`; a raw {bytes, path} image column is typed as an Image (cheap cast)."""
    from datasets import Image

    corpus = _with_columns(ds.select_columns(["image"]), {"id": ids})
    if not isinstance(corpus.features["image"], Image):
        corpus = corpus.cast_column("image", Image())
    return corpus


@LOADERS.register(lambda meta, ctx: [DataNeed(None, ctx.subset)])
def image_captions(task: Task, ctx: SplitContext) -> RetrievalData:
    """WIT and XM3600: the HF split named by the language subset holds one row per image (`image_id`,
    `image`, `captions`). The corpus is the images (`corpus-<image_id>`); every caption is a query
    `query-<image_id>-<i>` relevant to its image."""
    from datasets import Dataset

    from mieb.data.loading import load_split, read_column, require_columns

    split, subset = ctx.split, ctx.subset
    meta = task.metadata
    ds = load_split(meta, subset)
    require_columns(meta, ds, ["image_id", "image", "captions"], subset)
    image_ids = [str(x) for x in read_column(ds, "image_id")]
    query_ids, texts, doc_ids = [], [], []
    for image_id, captions in zip(image_ids, read_column(ds, "captions"), strict=True):
        for i, caption in enumerate(captions):
            query_ids.append(f"query-{image_id}-{i}")
            texts.append(caption)
            doc_ids.append(f"corpus-{image_id}")
    queries = Dataset.from_dict({"id": query_ids, "text": texts})
    return RetrievalData(corpus=_image_corpus(ds, [f"corpus-{x}" for x in image_ids]), queries=queries,
                         qrels=_one_to_one(query_ids, doc_ids), split=split)


@LOADERS.register(lambda meta, ctx: [DataNeed(None, ctx.subset)])
def xflickr(task: Task, ctx: SplitContext) -> RetrievalData:
    """xFlickr&CO: the HF split named by the language subset has one caption (`sentences`) per image;
    query `query-<id>` is relevant to image `corpus-<id>`."""
    from datasets import Dataset

    from mieb.data.loading import load_split, read_column, require_columns

    split, subset = ctx.split, ctx.subset
    meta = task.metadata
    ds = load_split(meta, subset)
    require_columns(meta, ds, ["id", "image", "sentences"], subset)
    ids = [str(x) for x in read_column(ds, "id")]
    query_ids, doc_ids = [f"query-{x}" for x in ids], [f"corpus-{x}" for x in ids]
    queries = Dataset.from_dict({"id": query_ids, "text": read_column(ds, "sentences")})
    return RetrievalData(corpus=_image_corpus(ds, doc_ids), queries=queries, qrels=_one_to_one(query_ids, doc_ids),
                         split=split)


CV_BENCH_ANSWERS = {"(A)": 0, "(B)": 1, "(C)": 2, "(D)": 3, "(E)": 4, "(F)": 5}


@LOADERS.register(lambda meta, ctx: [DataNeed(None, ctx.split)])
def cv_bench(task: Task, ctx: SplitContext) -> RetrievalData:
    """CV-Bench, one question type (`loader_options["task"]`): each query is an image + its question,
    `query-<split>-<i>` over the kept rows. The corpus is the distinct answer strings of all those
    questions in first-seen order (`corpus-<split>-<n>`), shared by the queries; a query's qrels judge
    its own choices (1 for the answer "(A)".."(F)" names, 0 otherwise), which the multiple-choice kind
    makes its candidates."""
    from datasets import Dataset

    from mieb.data.loading import load_split, read_column, require_columns
    from mieb.errors import TaskDataError

    split = ctx.split
    meta = task.metadata
    from mieb.tasks.kinds.multiple_choice import KIND as MULTIPLE_CHOICE

    kind = MULTIPLE_CHOICE.settings(task).loader_options["task"]
    ds = load_split(meta, split)
    require_columns(meta, ds, ["task", "image", "question", "choices", "answer"], split)
    rows = [r for r, t in enumerate(read_column(ds, "task")) if t == kind]
    if not rows:
        raise TaskDataError(task.name, f"no rows with task == {kind!r}", split=split, column="task")
    query_ids: list[str | None] = [None] * len(ds)
    for i, r in enumerate(rows):
        query_ids[r] = f"query-{split}-{i}"
    questions, choices, answers = (read_column(ds, c) for c in ("question", "choices", "answer"))
    doc_ids: dict[str, str] = {}
    qrels: dict[str, dict[str, int]] = {}
    for i, r in enumerate(rows):
        if answers[r] not in CV_BENCH_ANSWERS:
            raise TaskDataError(task.name, f"answer {answers[r]!r} is not one of (A)..(F)", split=split,
                                column="answer", row=r)
        correct = choices[r][CV_BENCH_ANSWERS[answers[r]]]
        judged = qrels.setdefault(f"query-{split}-{i}", {})
        for choice in choices[r]:
            doc_id = doc_ids.setdefault(choice, f"corpus-{split}-{len(doc_ids)}")
            judged[doc_id] = int(choice == correct)
    queries = _with_columns(ds.select_columns(["image"]), {"id": query_ids, "text": questions}).select(rows)
    corpus = Dataset.from_dict({"id": list(doc_ids.values()), "text": list(doc_ids)})
    return RetrievalData(corpus=corpus, queries=queries, qrels=qrels, split=split)
