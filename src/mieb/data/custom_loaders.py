"""Dataset constructions that are not the standard corpus/queries/qrels layout.

A task names one of these in its settings (`loader="vidore"`); each takes (task, split, subset) and
returns what its protocol's standard loader would: `RetrievalData` for retrieval and multiple choice,
a dataset or `PairData` for compositionality. They build ids, qrels and candidate lists exactly as the
reference's custom `load_data` functions do, and never rewrite image columns (no `Dataset.map` over
images): ids and texts are added as new columns, before any row selection, so images stay referenced.

Each loader also declares which (config, split) pairs it reads (`LOADER_NEEDS`), for `mieb download`
and the cache check of `mieb list tasks`. Importing this module imports no backend.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from mieb.data.hub_cache import DataNeed

if TYPE_CHECKING:
    from datasets import Dataset

    from mieb.tasks.kinds.compositionality import PairData
    from mieb.tasks.kinds.retrieval import RetrievalData
    from mieb.tasks.metadata import TaskMetadata
    from mieb.tasks.task import Task

NeedsFn = Callable[["TaskMetadata", str, str], list[DataNeed]]
LOADER_NEEDS: dict[str, NeedsFn] = {}
Loader = TypeVar("Loader", bound=Callable[..., Any])


def reads(needs: NeedsFn) -> Callable[[Loader], Loader]:
    """Register what a loader reads, keyed by the loader's name (the name tasks use in their settings)."""

    def register(loader: Loader) -> Loader:
        LOADER_NEEDS[loader.__name__] = needs
        return loader

    return register


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


@reads(lambda meta, split, subset: [DataNeed(config, split) for config in ("queries", "corpus", "qrels")])
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


@reads(lambda meta, split, subset: [DataNeed(None, s) for s in HATEFUL_MEMES_CORPUS_SPLITS])
def hateful_memes(task: Task, split: str, subset: str) -> RetrievalData:
    """Hateful Memes (both directions): memes of the eval split are the queries, the corpus is the test,
    validation and train splits concatenated and deduplicated by text (first occurrence kept).

    Ids are `query-<id>` and `corpus-<id>`, and each query's one relevant document is `corpus-<id>`, which
    the deduplication may have removed (quirk 10). Rows keep both image and text; the task's category
    decides which side embeds which.
    """
    from datasets import concatenate_datasets

    from mieb.data.loading import load_splits, read_column, require_columns
    from mieb.tasks.kinds.retrieval import RetrievalData

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


@reads(lambda meta, split, subset: [DataNeed(None)])
def memotion(task: Task, split: str, subset: str) -> RetrievalData:
    """Memotion (both directions): rows whose `text_corrected` is not None, from every split (in the
    dataset's split order) form the corpus, those of the eval split the queries. Within each split the
    i-th kept row gets ids `corpus-<split>-<i>` / `query-<split>-<i>`; its text is `text_corrected`."""
    from datasets import concatenate_datasets

    from mieb.data.loading import load_splits, read_column, require_columns
    from mieb.tasks.kinds.retrieval import RetrievalData

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


@reads(lambda meta, split, subset: [DataNeed(None, split)])
def scimmir(task: Task, split: str, subset: str) -> RetrievalData:
    """SciMMIR (both directions): queries and corpus are the same rows of the eval split (figure or table
    image and its caption), `query-<split>-<i>` relevant to `corpus-<split>-<i>`."""
    from mieb.data.loading import load_split, require_columns
    from mieb.tasks.kinds.retrieval import RetrievalData

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


@reads(lambda meta, split, subset: [DataNeed(None, subset)])
def image_captions(task: Task, split: str, subset: str) -> RetrievalData:
    """WIT and XM3600: the HF split named by the language subset holds one row per image (`image_id`,
    `image`, `captions`). The corpus is the images (`corpus-<image_id>`); every caption is a query
    `query-<image_id>-<i>` relevant to its image."""
    from datasets import Dataset

    from mieb.data.loading import load_split, read_column, require_columns
    from mieb.tasks.kinds.retrieval import RetrievalData

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


@reads(lambda meta, split, subset: [DataNeed(None, subset)])
def xflickr(task: Task, split: str, subset: str) -> RetrievalData:
    """xFlickr&CO: the HF split named by the language subset has one caption (`sentences`) per image;
    query `query-<id>` is relevant to image `corpus-<id>`."""
    from datasets import Dataset

    from mieb.data.loading import load_split, read_column, require_columns
    from mieb.tasks.kinds.retrieval import RetrievalData

    meta = task.metadata
    ds = load_split(meta, subset)
    require_columns(meta, ds, ["id", "image", "sentences"], subset)
    ids = [str(x) for x in read_column(ds, "id")]
    query_ids, doc_ids = [f"query-{x}" for x in ids], [f"corpus-{x}" for x in ids]
    queries = Dataset.from_dict({"id": query_ids, "text": read_column(ds, "sentences")})
    return RetrievalData(corpus=_image_corpus(ds, doc_ids), queries=queries, qrels=_one_to_one(query_ids, doc_ids),
                         split=split)


CV_BENCH_ANSWERS = {"(A)": 0, "(B)": 1, "(C)": 2, "(D)": 3, "(E)": 4, "(F)": 5}


@reads(lambda meta, split, subset: [DataNeed(None, split)])
def cv_bench(task: Task, split: str, subset: str) -> RetrievalData:
    """CV-Bench, one question type (`loader_options["task"]`): each query is an image + its question,
    `query-<split>-<i>` over the kept rows. The corpus is the distinct answer strings of all those
    questions in first-seen order (`corpus-<split>-<n>`), shared by the queries; a query's qrels judge
    its own choices (1 for the answer "(A)".."(F)" names, 0 otherwise), which the multiple-choice kind
    makes its candidates."""
    from datasets import Dataset

    from mieb.data.loading import load_split, read_column, require_columns
    from mieb.errors import TaskDataError
    from mieb.tasks.kinds.retrieval import RetrievalData

    meta = task.metadata
    kind = meta.settings.loader_options["task"]  # type: ignore[attr-defined]
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
    for r in rows:
        if answers[r] not in CV_BENCH_ANSWERS:
            raise TaskDataError(task.name, f"answer {answers[r]!r} is not one of (A)..(F)", split=split,
                                column="answer", row=r)
        correct = choices[r][CV_BENCH_ANSWERS[answers[r]]]
        judged = qrels.setdefault(query_ids[r], {})  # type: ignore[arg-type]
        for choice in choices[r]:
            doc_id = doc_ids.setdefault(choice, f"corpus-{split}-{len(doc_ids)}")
            judged[doc_id] = int(choice == correct)
    queries = _with_columns(ds.select_columns(["image"]), {"id": query_ids, "text": questions}).select(rows)
    corpus = Dataset.from_dict({"id": list(doc_ids.values()), "text": list(doc_ids)})
    return RetrievalData(corpus=corpus, queries=queries, qrels=qrels, split=split)


@reads(lambda meta, split, subset: [DataNeed(None, "train")])
def sugarcrepe(task: Task, split: str, subset: str) -> Dataset:
    """SugarCrepe ships only a `train` split, which the reference evaluates as its `test` split."""
    from mieb.data.loading import load_split

    return load_split(task.metadata, "train")


IMAGECODE_CANDIDATES = 10


@reads(lambda meta, split, subset: [DataNeed("corpus", "corpus"), DataNeed("query", split),
                                    DataNeed("qrels", split)])
def imagecode(task: Task, split: str, subset: str) -> PairData:
    """ImageCoDe as image-text pairs: one row per query text, its images the correct frame followed by
    the first 9 other candidates in qrels order, taken from the `corpus` config's `corpus` split.

    Images are referenced by corpus row (never copied into a new dataset). The correct frame is the last
    candidate judged 1, as in the reference.
    """
    from mieb.data.images import ImageColumn
    from mieb.data.loading import load_split, read_column, require_columns, require_text
    from mieb.errors import TaskDataError
    from mieb.tasks.kinds.compositionality import PairData

    meta = task.metadata
    corpus = load_split(meta, "corpus", "corpus")
    queries = load_split(meta, split, "query")
    qrels = load_split(meta, split, "qrels")
    require_columns(meta, corpus, ["id", "image"], "corpus", "corpus")
    require_columns(meta, queries, ["id", "text"], split, "query")
    require_columns(meta, qrels, ["query-id", "corpus-id", "score"], split, "qrels")
    corpus_row = {str(c): r for r, c in enumerate(read_column(corpus, "id"))}
    candidates: dict[str, list[str]] = {}
    correct: dict[str, str] = {}
    judged = zip(read_column(qrels, "query-id"), read_column(qrels, "corpus-id"), read_column(qrels, "score"),
                 strict=True)
    for q, c, s in judged:
        candidates.setdefault(str(q), []).append(str(c))
        if s == 1:
            correct[str(q)] = str(c)
    rows: list[int] = []
    for q in map(str, read_column(queries, "id")):
        if q not in correct:
            raise TaskDataError(task.name, f"query {q!r} has no candidate judged 1", split=split)
        others = [c for c in candidates[q] if c != correct[q]][: IMAGECODE_CANDIDATES - 1]
        if len(others) < IMAGECODE_CANDIDATES - 1:
            raise TaskDataError(task.name, f"query {q!r} has {len(others)} wrong candidates, not 9",
                                split=split)
        missing = [c for c in (correct[q], *others) if c not in corpus_row]
        if missing:
            raise TaskDataError(task.name, f"candidate {missing[0]!r} of query {q!r} is not in the corpus",
                                split=split)
        rows += [corpus_row[c] for c in (correct[q], *others)]
    texts = read_column(queries, "text")
    require_text(meta, texts, split, "text", config="query", ids=read_column(queries, "id"))
    return PairData(images=ImageColumn(corpus, "image", rows=rows), texts=texts, n_rows=len(queries))
