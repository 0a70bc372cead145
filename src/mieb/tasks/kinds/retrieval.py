"""Any2AnyRetrieval, DocumentUnderstanding and Any2AnyMultilingualRetrieval (docs/protocol.md section 5).

Queries and documents are embedded with the modalities of their side of the task category ("it2t":
image+text queries, text documents); image+text inputs are fused by the model card's fusion mode.
Documents are ranked by the model's similarity on the device in memory-bounded chunks, and the
reference's metrics are computed at k = 1, 3, 5, 10, 20, 100, 1000.

Reference behaviour reproduced on purpose (quirks):
- `skip_first_result` drops each query's top-ranked document before EVERY metric (v2; quirk 7).
- pytrec-derived metrics are rounded to 5 decimals (quirk 6).
- No junk masking for ROxford/RParis (quirk 8): they rank against the full corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from mieb.data.hub_cache import DataNeed
from mieb.metrics import K_VALUES
from mieb.tasks.kinds.base import CustomLoaders, SplitContext, TaskKind
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    from datasets import Dataset

    from mieb.runner.embedder import EmbedderView
    from mieb.tasks.kinds.multiple_choice import MultipleChoiceSettings
    from mieb.tasks.metadata import TaskMetadata
    from mieb.tasks.task import Task



class RetrievalSettings(KindSettings):
    """`loader` names a custom construction (registered in `LOADERS`, see `retrieval_loaders`) for datasets
    not in the standard corpus/queries/qrels layout; `drop_columns` removes columns per side as the
    reference's dataset_transform does (e.g. {"corpus": ["image"]}); `k_values` are the metric cut-offs;
    `skip_first_result` drops each query's top-ranked document before scoring (quirk 7)."""

    kind: Literal["retrieval"] = "retrieval"
    k_values: tuple[int, ...] = K_VALUES
    skip_first_result: bool = False
    loader: str | None = None
    drop_columns: dict[Literal["corpus", "queries"], list[str]] = {}


@dataclass
class RetrievalData:
    """One split/subset: corpus and queries as datasets with `id` and modality columns, qrels by query id,
    and optionally per-query candidate lists (`top_ranked`, the reranking / multiple-choice path)."""

    corpus: Dataset
    queries: Dataset
    qrels: dict[str, dict[str, int]]
    top_ranked: dict[str, list[str]] | None = None
    split: str = "test"
    extra: dict[str, Any] = field(default_factory=dict)


# Custom loaders of the retrieval family (retrieval and multiple choice), by the names tasks give.
LOADERS: CustomLoaders[RetrievalData] = CustomLoaders("retrieval", ["mieb.tasks.kinds.retrieval_loaders"])


# -- loading (shared with multiple choice) --------------------------------------------------------------
def config_names(meta: TaskMetadata) -> list[str]:
    from mieb.data.loading import dataset_config_names

    return dataset_config_names(meta)


def load_standard(task: Task, ctx: SplitContext) -> RetrievalData:
    """The reference's standard layout: configs `corpus`, `queries` (or `query`), `qrels` (or `default`),
    prefixed `<subset>-` for multilingual tasks, plus optional `top_ranked` and `instruction`."""
    from datasets import Value

    from mieb.data.loading import read_column, require_columns
    from mieb.errors import TaskDataError

    meta, split = task.metadata, ctx.split
    prefix = "" if ctx.subset == "default" else f"{ctx.subset}-"
    configs = set(config_names(meta))

    def load(config: str) -> Dataset:
        if config not in configs:
            raise TaskDataError(meta.name, f"dataset has no config {config!r}; it has {sorted(configs)}", split=split)
        ds = load_split_any(meta, split, config)
        if "_id" in ds.column_names:
            ds = ds.cast_column("_id", Value("string")).rename_column("_id", "id")
        return ds

    qrels_config = f"{prefix}qrels" if prefix else ("default" if "default" in configs else "qrels")
    qrels_ds = load(qrels_config)
    require_columns(meta, qrels_ds, ["query-id", "corpus-id", "score"], split, qrels_config)
    qrels: dict[str, dict[str, int]] = {}
    for q, d, s in zip(read_column(qrels_ds, "query-id"), read_column(qrels_ds, "corpus-id"),
                       read_column(qrels_ds, "score"), strict=True):
        qrels.setdefault(str(q), {})[str(d)] = int(s)

    corpus = load(f"{prefix}corpus")
    queries = load("query" if "query" in configs else f"{prefix}queries")
    for name, ds in (("corpus", corpus), ("queries", queries)):
        require_columns(meta, ds, ["id"], split, name)
    top_ranked = None
    if f"{prefix}top_ranked" in configs:
        tr = load(f"{prefix}top_ranked")
        top_ranked = {str(q): [str(d) for d in ds_] for q, ds_ in
                      zip(read_column(tr, "query-id"), read_column(tr, "corpus-ids"), strict=True)}
    if f"{prefix}instruction" in configs:
        ins = load(f"{prefix}instruction")
        by_q = dict(zip(map(str, read_column(ins, "query-id")), read_column(ins, "instruction"), strict=True))
        queries = queries.add_column("instruction", [by_q.get(str(q)) for q in read_column(queries, "id")])
    return RetrievalData(corpus=corpus, queries=queries, qrels=qrels, top_ranked=top_ranked, split=split)


def load_split_any(meta: TaskMetadata, split: str, config: str) -> Dataset:
    """Like the reference: use `split` if the config has it, else its only split."""
    import datasets

    from mieb.data.loading import dataset_location, load_split
    from mieb.errors import TaskDataError

    path, revision = dataset_location(meta)
    try:
        splits = datasets.get_dataset_split_names(path, config_name=config, revision=revision)
    except Exception:  # noqa: BLE001 - fall back to asking for the split directly
        splits = [split]
    if split not in splits:
        if len(splits) != 1:
            raise TaskDataError(meta.name, f"config {config!r} has splits {splits}, not {split!r}", split=split)
        split = splits[0]
    return load_split(meta, split, config)


def standard_needs(ctx: SplitContext) -> list[DataNeed]:
    """What `load_standard` reads: the corpus / queries / qrels configs (prefixed `<subset>-` in
    multilingual datasets), each in whichever split it has, as the standard loader accepts."""
    if ctx.subset == "default":
        return [DataNeed("corpus"), DataNeed("queries", alternatives=("query",)),
                DataNeed("qrels", alternatives=("default",))]
    return [DataNeed(f"{ctx.subset}-{name}") for name in ("corpus", "queries", "qrels")]


def finalize(s: RetrievalSettings | MultipleChoiceSettings, data: RetrievalData, split: str) -> RetrievalData:
    """Column drops, id normalisation, and dropping queries without relevant documents (as the reference)."""
    from mieb.data.loading import read_column

    corpus, queries = data.corpus, data.queries
    for side, cols in s.drop_columns.items():
        ds = corpus if side == "corpus" else queries
        ds = ds.remove_columns([c for c in cols if c in ds.column_names])
        corpus, queries = (ds, queries) if side == "corpus" else (corpus, ds)
    qrels = {q: docs for q, docs in data.qrels.items() if len(docs) > 0}
    qids = [str(q) for q in read_column(queries, "id")]
    keep = [i for i, q in enumerate(qids) if q in qrels]
    if len(keep) != len(qids):
        queries = queries.select(keep)
    return RetrievalData(corpus=corpus, queries=queries, qrels=qrels, top_ranked=data.top_ranked, split=split,
                         extra=data.extra)


def load_retrieval(task: Task, s: RetrievalSettings | MultipleChoiceSettings, ctx: SplitContext) -> RetrievalData:
    """The task's custom loader if its settings name one, else the standard layout; then `finalize`."""
    data = LOADERS.get(s.loader).load(task, ctx) if s.loader else load_standard(task, ctx)
    return finalize(s, data, ctx.split)


def retrieval_needs(task: Task, s: RetrievalSettings | MultipleChoiceSettings, ctx: SplitContext) -> list[DataNeed]:
    return LOADERS.get(s.loader).needs(task.metadata, ctx) if s.loader else standard_needs(ctx)


# -- embedding ---------------------------------------------------------------------------------------
def side_texts(ds: Dataset, side: Literal["query", "document"]) -> list[str]:
    """Text as the model reads it: documents are (title + " " + text).strip(); queries get their
    instruction appended after a space."""
    from mieb.data.loading import read_column

    texts = read_column(ds, "text")
    if side == "document":
        titles = read_column(ds, "title") if "title" in ds.column_names else [None] * len(texts)
        return [((t + " " + x).strip() if t else (x or "").strip()) for t, x in zip(titles, texts, strict=True)]
    if "instruction" in ds.column_names:
        ins = read_column(ds, "instruction")
        return [x + " " + i if i is not None else x for x, i in zip(texts, ins, strict=True)]
    return texts


def text_before_image(ds: Dataset, side: Literal["query", "document"]) -> bool:
    """Whether an image+text item's text comes before its image in the reference's batches: dataset column
    order, except that queries with instructions get their text column rebuilt last (`mteb
    _create_dataloaders._combine_queries_with_instruction_text`)."""
    cols = ds.column_names
    if side == "query" and "instruction" in cols:
        return False
    return cols.index("text") < cols.index("image")


def embed_side(task: Task, ds: Dataset, side: Literal["query", "document"], embedder: EmbedderView,
               split: str) -> Any:
    from mieb.data.images import ImageColumn
    from mieb.data.loading import require_columns

    meta = task.metadata
    mods = meta.query_modalities if side == "query" else meta.document_modalities
    require_columns(meta, ds, mods, split, "queries" if side == "query" else "corpus")
    if mods == ["image", "text"]:
        return embedder.fused(ImageColumn(ds, "image"), side_texts(ds, side), prompt_type=side,
                              text_first=text_before_image(ds, side))
    if mods == ["image"]:
        return embedder.images(ImageColumn(ds, "image"), prompt_type=side)
    return embedder.texts(side_texts(ds, side), prompt_type=side)


class Retrieval(TaskKind[RetrievalSettings, RetrievalData]):
    name = "retrieval"
    settings_cls = RetrievalSettings

    def needed_modalities(self, task: Task) -> tuple[list[str], list[str]]:
        return task.metadata.query_modalities, task.metadata.document_modalities

    def check(self, meta: TaskMetadata) -> None:
        if isinstance(meta.settings, RetrievalSettings):
            LOADERS.check(meta, meta.settings.loader)

    def data_needs(self, task: Task, ctx: SplitContext) -> list[DataNeed]:
        return retrieval_needs(task, self.settings(task), ctx)

    def load(self, task: Task, ctx: SplitContext) -> RetrievalData:
        return load_retrieval(task, self.settings(task), ctx)

    def evaluate(self, task: Task, data: RetrievalData, embedder: EmbedderView) -> dict[str, Any]:
        from mieb.data.loading import read_column
        from mieb.metrics.retrieval import doc_id_ranks, retrieval_scores, search_top_k

        s = self.settings(task)
        doc_ids = [str(x) for x in read_column(data.corpus, "id")]
        query_ids = [str(x) for x in read_column(data.queries, "id")]
        if embedder.searches_text:
            idx, scores = text_search(task, data, embedder, max(s.k_values))
            return retrieval_scores(idx, scores, query_ids=query_ids, doc_ids=doc_ids, qrels=data.qrels,
                                    k_values=s.k_values, skip_first_result=s.skip_first_result)
        q = embed_side(task, data.queries, "query", embedder, data.split)
        d = embed_side(task, data.corpus, "document", embedder, data.split)
        # Ties at the top-k cut keep the larger document ids, as the reference's (score, id) heap does.
        idx, scores = search_top_k(q, d, max(s.k_values), similarity=embedder.scoring, device=embedder.device,
                                   tie_break=doc_id_ranks(doc_ids))
        return retrieval_scores(idx, scores, query_ids=query_ids, doc_ids=doc_ids, qrels=data.qrels,
                                k_values=s.k_values, skip_first_result=s.skip_first_result)


def text_search(task: Task, data: RetrievalData, embedder: EmbedderView, k: int,
                candidates: list[list[int]] | None = None) -> tuple[Any, Any]:
    """A `TextSearcher`'s ranking (BM25): the texts of both sides (images ignored, as the reference's lexical
    search reads only the text columns: queries as embedding models read them, documents as title + newline +
    text), top `k` over the whole corpus. With `candidates` (the multiple-choice
    path) each query keeps those of its candidates that are in its top `k`, in ranked order, as the reference
    filters its search results by `top_ranked`; rows are padded with -1 / -inf."""
    import numpy as np

    from mieb.data.loading import read_column

    md = task.metadata
    # The reference indexes title + "\n" + text (an empty title without one): character-level tokenisers count
    # the newline as a token.
    texts = read_column(data.corpus, "text")
    titles = read_column(data.corpus, "title") if "title" in data.corpus.column_names else [""] * len(texts)
    corpus = ["\n".join([t or "", x or ""]) for t, x in zip(titles, texts, strict=True)]
    idx, scores = embedder.search_texts(side_texts(data.queries, "query"), corpus, k,
                                        languages=md.subset_languages(embedder.context.subset))
    if candidates is None:
        return idx, scores
    width = max((len(c) for c in candidates), default=0)
    out_idx = np.full((len(candidates), width), -1, dtype=np.int64)
    out_scores = np.full((len(candidates), width), -np.inf, dtype=np.float32)
    for row, allowed in enumerate(candidates):
        allowed_set = set(allowed)
        keep = [j for j, d in enumerate(idx[row]) if d in allowed_set]
        out_idx[row, : len(keep)], out_scores[row, : len(keep)] = idx[row][keep], scores[row][keep]
    return out_idx, out_scores


KIND = Retrieval()
