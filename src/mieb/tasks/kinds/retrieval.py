"""Any2AnyRetrieval, DocumentUnderstanding and Any2AnyMultilingualRetrieval (docs/protocol.md section 5).

Queries and documents are embedded with the modalities of their side of the task category ("it2t":
image+text queries, text documents); image+text inputs are fused by the model card's fusion mode.
Documents are ranked by the model's similarity on the device in memory-bounded chunks (or, when the
dataset ships per-query candidate lists in a `top_ranked` config, each query's candidates are reranked,
as the reference does), and the reference's metrics are computed at k = 1, 3, 5, 10, 20, 100, 1000.
Queries, documents and judgements are keyed by id, as the reference's run and qrels dicts are (quirk 16;
see `score_by_id` for repeated ids).

Reference behaviour reproduced on purpose (quirks):
- `skip_first_result` drops each query's top-ranked document before EVERY metric (v2; quirk 7).
- pytrec-derived metrics are rounded to 5 decimals (quirk 6).
- No junk masking for ROxford/RParis (quirk 8): they rank against the full corpus.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from mieb.data.hub_cache import DataNeed
from mieb.metrics import K_VALUES
from mieb.tasks.kinds.base import CustomLoaders, SplitContext, TaskKind
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    import numpy as np
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
    prefixed `<subset>-` for multilingual tasks, plus optional `top_ranked` and `instruction`.

    The reference reads qrels, candidate lists and instructions into dicts keyed by id, so a key given
    twice keeps its last value; given twice with different values that is an accident of row order, and
    `TaskDataError` names the task and the id instead. A query it evaluates without an instruction row
    fails there (KeyError), and does here too.
    """
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

    def keyed(config: str, pairs: Any, what: str) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, value in pairs:
            if key in out and out[key] != value:
                raise TaskDataError(meta.name, f"config {config!r} gives {what} {key!r} twice, as {out[key]!r} and "
                                    f"{value!r}; the reference would keep whichever comes last", split=split)
            out[key] = value
        return out

    qrels_config = f"{prefix}qrels" if prefix else ("default" if "default" in configs else "qrels")
    qrels_ds = load(qrels_config)
    require_columns(meta, qrels_ds, ["query-id", "corpus-id", "score"], split, qrels_config)
    judgements = keyed(qrels_config, (((str(q), str(d)), int(s)) for q, d, s in zip(
        read_column(qrels_ds, "query-id"), read_column(qrels_ds, "corpus-id"), read_column(qrels_ds, "score"),
        strict=True)), "the judgement (query id, document id)")
    qrels: dict[str, dict[str, int]] = {}
    for (q, d), score in judgements.items():
        qrels.setdefault(q, {})[d] = score

    corpus = load(f"{prefix}corpus")
    queries = load("query" if "query" in configs else f"{prefix}queries")
    for name, ds in (("corpus", corpus), ("queries", queries)):
        require_columns(meta, ds, ["id"], split, name)
    top_ranked = None
    if f"{prefix}top_ranked" in configs:
        tr = load(f"{prefix}top_ranked")
        top_ranked = keyed(f"{prefix}top_ranked", ((str(q), [str(d) for d in docs]) for q, docs in zip(
            read_column(tr, "query-id"), read_column(tr, "corpus-ids"), strict=True)), "the candidates of query")
    if f"{prefix}instruction" in configs:
        ins = load(f"{prefix}instruction")
        by_query = keyed(f"{prefix}instruction", zip(map(str, read_column(ins, "query-id")),
                                                      read_column(ins, "instruction"), strict=True),
                         "the instruction of query")
        query_ids = [str(q) for q in read_column(queries, "id")]
        missing = [q for q in query_ids if q in qrels and q not in by_query]
        if missing:
            raise TaskDataError(meta.name, f"query {missing[0]!r} has no row in config {prefix}instruction",
                                split=split)
        queries = queries.add_column("instruction", [by_query.get(q) for q in query_ids])
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


def finalize(task: Task, s: RetrievalSettings | MultipleChoiceSettings, data: RetrievalData,
             split: str) -> RetrievalData:
    """Column drops, id normalisation, the texts the model will read checked, and queries without
    judgements dropped (as the reference)."""
    from mieb.data.loading import read_column

    corpus, queries = data.corpus, data.queries
    for side, cols in s.drop_columns.items():
        ds = corpus if side == "corpus" else queries
        ds = ds.remove_columns([c for c in cols if c in ds.column_names])
        corpus, queries = (ds, queries) if side == "corpus" else (corpus, ds)
    qrels = {q: docs for q, docs in data.qrels.items() if len(docs) > 0}
    qids = [str(q) for q in read_column(queries, "id")]
    keep = [i for i, q in enumerate(qids) if q in qrels]
    check_texts(task, queries, "query", split, rows=keep)
    check_texts(task, corpus, "document", split)
    if len(keep) != len(qids):
        queries = queries.select(keep)
    return RetrievalData(corpus=corpus, queries=queries, qrels=qrels, top_ranked=data.top_ranked, split=split,
                         extra=data.extra)


def check_texts(task: Task, ds: Dataset, side: Literal["query", "document"], split: str,
                rows: list[int] | None = None) -> None:
    """Every text `side_texts` will assemble for the model is there: a document's `text` and `title` (when
    the dataset has titles), a query's `text` and `instruction` (when it has instructions). `rows`: the
    rows that will be embedded (default all). Raises `TaskDataError` naming task, split, side, column, row
    and id, where the reference fails with a bare TypeError or, for a None instruction, its collate's
    "Found None in batch for key 'instruction'"."""
    from mieb.data.loading import read_column, require_columns, require_text

    meta = task.metadata
    if "text" not in (meta.document_modalities if side == "document" else meta.query_modalities):
        return
    config = "corpus" if side == "document" else "queries"
    require_columns(meta, ds, ["text"], split, config)
    ids = read_column(ds, "id")
    extra = "title" if side == "document" else "instruction"
    columns = [extra, "text"] if extra in ds.column_names else ["text"]
    for column in columns:
        require_text(meta, read_column(ds, column), split, column, config=config, ids=ids, rows=rows)


def load_retrieval(task: Task, s: RetrievalSettings | MultipleChoiceSettings, ctx: SplitContext) -> RetrievalData:
    """The task's custom loader if its settings name one, else the standard layout; then `finalize`."""
    data = LOADERS.get(s.loader).load(task, ctx) if s.loader else load_standard(task, ctx)
    return finalize(task, s, data, ctx.split)


def retrieval_needs(task: Task, s: RetrievalSettings | MultipleChoiceSettings, ctx: SplitContext) -> list[DataNeed]:
    return LOADERS.get(s.loader).needs(task.metadata, ctx) if s.loader else standard_needs(ctx)


# -- embedding ---------------------------------------------------------------------------------------
def side_texts(ds: Dataset, side: Literal["query", "document"]) -> list[str]:
    """Text as the model reads it (the reference's): a document is (title + " " + text).strip(), or
    text.strip() without a title; a query gets its instruction, if the dataset has instructions, appended
    after a space. The texts were checked by `check_texts`."""
    from mieb.data.loading import read_column

    texts = read_column(ds, "text")
    if side == "document":
        titles = read_column(ds, "title") if "title" in ds.column_names else [""] * len(texts)
        return [(t + " " + x).strip() if t else x.strip() for t, x in zip(titles, texts, strict=True)]
    if "instruction" in ds.column_names:
        return [x + " " + i for x, i in zip(texts, read_column(ds, "instruction"), strict=True)]
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


# -- ranking, keyed by id as the reference's runs and judgements are -------------------------------------
@dataclass
class KeyedRows:
    """One side's rows as the reference's id-keyed dicts see them: `ids` the distinct ids in first-seen
    order, `first` the first row of each, `copies` how many rows share each, `of_row` each row's position
    in `ids`."""

    ids: list[str]
    first: np.ndarray
    copies: np.ndarray
    of_row: np.ndarray

    @property
    def unique(self) -> bool:
        return len(self.ids) == len(self.of_row)


def same_rows(embeddings: Any) -> Callable[[int, int], bool]:
    """Whether two rows of `embeddings` (an (N, d) array or a MultiVector) are the same vector(s)."""
    import numpy as np

    from mieb.models.encoder import MultiVector

    def same(i: int, j: int) -> bool:
        if isinstance(embeddings, MultiVector):
            n = int(embeddings.lengths[i])
            return n == int(embeddings.lengths[j]) and np.array_equal(embeddings.values[i, :n],
                                                                      embeddings.values[j, :n])
        return bool(np.array_equal(embeddings[i], embeddings[j]))

    return same


def key_rows(task: Task, side: str, ids: list[str], same: Callable[[int, int], bool], split: str,
             checked: set[str] | None = None) -> KeyedRows:
    """Group rows by id. Rows that share an id must have the same content (`same(i, j)`: what the model
    reads or embeds): the reference keeps one of them, whichever its dicts meet last, so with different
    content its score is an accident and `TaskDataError` names the task and the id instead. `checked`: the
    ids whose rows can reach a score (default all)."""
    import numpy as np

    from mieb.errors import TaskDataError

    index: dict[str, int] = {}
    first: list[int] = []
    of_row = np.empty(len(ids), dtype=np.int64)
    for row, key in enumerate(ids):
        pos = index.get(key)
        if pos is None:
            index[key] = pos = len(first)
            first.append(row)
        elif (checked is None or key in checked) and not same(first[pos], row):
            raise TaskDataError(task.name, f"{side} id {key!r} is given to rows {first[pos]} and {row} with different "
                                "content; the reference keys them by id and would score whichever it meets last",
                                split=split)
        of_row[row] = pos
    return KeyedRows(list(index), np.asarray(first, dtype=np.int64),
                     np.bincount(of_row, minlength=len(first)), of_row)


def _distinct_ranking(idx: np.ndarray, scores: np.ndarray, corpus: KeyedRows,
                      depth: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Ranked corpus rows -> ranked distinct ids (positions in `corpus.ids`), each id at its best rank and
    only there, as the run dict the reference fills keeps one entry per id; padding (-1 / -inf) at the end.
    `depth`: per query, how many ranked rows the reference's search keeps (rows beyond are dropped)."""
    import numpy as np

    if corpus.unique and depth is None:  # the usual case: row positions are id positions already
        return idx, scores
    valid = idx >= 0
    if depth is not None:
        valid &= np.arange(idx.shape[1])[None, :] < depth[:, None]
    pos = np.where(valid, corpus.of_row[np.maximum(idx, 0)], -1)
    if not corpus.unique:  # a later row of an id already ranked is dropped (same score: same content)
        order = np.argsort(pos, axis=1, kind="stable")
        ranked = np.take_along_axis(pos, order, axis=1)
        repeat = np.zeros_like(valid)
        np.put_along_axis(repeat, order[:, 1:], (ranked[:, 1:] == ranked[:, :-1]) & (ranked[:, 1:] >= 0), axis=1)
        valid &= ~repeat
    if valid.all():
        return pos, scores
    compact = np.argsort(~valid, axis=1, kind="stable")
    return (np.take_along_axis(np.where(valid, pos, -1), compact, axis=1),
            np.take_along_axis(np.where(valid, scores, -np.inf), compact, axis=1))


def score_by_id(task: Task, data: RetrievalData, embedder: EmbedderView, *, k_values: tuple[int, ...],
                skip_first_result: bool) -> dict[str, Any]:
    """Embed both sides (or, for a `TextSearcher`, search their texts), rank, and score as the reference does
    with its id-keyed run and qrels.

    Full search ranks the whole corpus (depth max(k_values), as the reference's top-k search); with
    candidate lists (`data.top_ranked`: a dataset's `top_ranked` config, or multiple choice) each query is
    scored against its own candidates only, as the reference's reranking path does (a text search keeps
    the candidates among its top max(k_values), as the reference's BM25 filters its results). Keyed by id:
    - rows sharing a corpus id (same content) are one document, ranked once. The reference's search heap
      (and BM25's top k) holds each row, so such a document also takes two of its max(k_values) places:
      reproduced;
    - rows sharing a query id (same content) are one query. The reference's dense search pushes each row's
      ranking into that query's one heap, so n copies leave max(k_values) / n (rounded up) documents:
      reproduced; its BM25 keeps the last row's ranking (the same: same text);
    - a candidate listed twice is one candidate;
    - judged documents absent from the corpus still count as relevant (pytrec_eval's judgements);
    - the same id with different content, or a query without candidates, raises `TaskDataError`.
    """
    import math
    from dataclasses import replace

    import numpy as np

    from mieb.data.loading import read_column
    from mieb.errors import TaskDataError
    from mieb.metrics.retrieval import doc_id_ranks, rerank_candidates, retrieval_scores, search_top_k

    split = data.split
    doc_ids = [str(x) for x in read_column(data.corpus, "id")]
    query_ids = [str(x) for x in read_column(data.queries, "id")]
    if embedder.searches_text:  # content: the texts the search reads
        query_texts, doc_texts = side_texts(data.queries, "query"), lexical_texts(data.corpus)
        same_query: Callable[[int, int], bool] = lambda i, j: query_texts[i] == query_texts[j]  # noqa: E731
        same_doc: Callable[[int, int], bool] = lambda i, j: doc_texts[i] == doc_texts[j]  # noqa: E731
    else:
        q = embed_side(task, data.queries, "query", embedder, split)
        d = embed_side(task, data.corpus, "document", embedder, split)
        same_query, same_doc = same_rows(q), same_rows(d)
    queries = key_rows(task, "query", query_ids, same_query, split)
    candidate_ids = None if data.top_ranked is None else \
        [list(dict.fromkeys(data.top_ranked.get(qid, []))) for qid in queries.ids]
    corpus = key_rows(task, "corpus", doc_ids, same_doc, split,
                      checked=None if candidate_ids is None else {c for cs in candidate_ids for c in cs})
    position = {doc: i for i, doc in enumerate(corpus.ids)}
    for qid, cands in zip(queries.ids, candidate_ids, strict=True) if candidate_ids is not None else ():
        missing = [c for c in cands if c not in position]
        if not cands or missing:
            what = f"candidate {missing[0]!r} is not in the corpus" if missing else "has no candidates"
            raise TaskDataError(task.name, f"query {qid!r} {what}", split=split)
    top_k, depth = max(k_values), None
    if embedder.searches_text:
        allowed = None
        if candidate_ids is not None:
            rows_of: list[list[int]] = [[] for _ in corpus.ids]
            for row, pos in enumerate(corpus.of_row.tolist()):
                rows_of[pos].append(row)
            allowed = [[row for c in cands for row in rows_of[position[c]]] for cands in candidate_ids]
        one_row = data if queries.unique else replace(data, queries=data.queries.select(queries.first))
        idx, scores = text_search(task, one_row, embedder, top_k, allowed)
    else:
        if not queries.unique:
            q = q[queries.first]
        tie_break = doc_id_ranks(doc_ids)
        if candidate_ids is None:
            # Ties at the top-k cut keep the larger document ids, as the reference's (score, id) heap does.
            idx, scores = search_top_k(q, d, top_k, similarity=embedder.scoring, device=embedder.device,
                                       tie_break=tie_break)
            if not queries.unique:
                depth = np.array([math.ceil(top_k / n) for n in queries.copies.tolist()])
        else:
            rows = [[int(corpus.first[position[c]]) for c in cands] for cands in candidate_ids]
            idx, scores = rerank_candidates(q, d, rows, similarity=embedder.scoring, k=top_k, device=embedder.device,
                                            tie_break=tie_break)
    idx, scores = _distinct_ranking(idx, scores, corpus, depth)
    return retrieval_scores(idx, scores, query_ids=queries.ids, doc_ids=corpus.ids, qrels=data.qrels,
                            k_values=k_values, skip_first_result=skip_first_result)


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
        s = self.settings(task)
        return score_by_id(task, data, embedder, k_values=s.k_values, skip_first_result=s.skip_first_result)


def lexical_texts(corpus: Dataset) -> list[str]:
    """Documents as the reference's lexical search indexes them: title + "\\n" + text (an empty title
    without one; character-level tokenisers count the newline as a token). Checked by `check_texts`."""
    from mieb.data.loading import read_column

    texts = read_column(corpus, "text")
    titles = read_column(corpus, "title") if "title" in corpus.column_names else [""] * len(texts)
    return ["\n".join([t, x]) for t, x in zip(titles, texts, strict=True)]


def text_search(task: Task, data: RetrievalData, embedder: EmbedderView, k: int,
                candidates: list[list[int]] | None = None) -> tuple[Any, Any]:
    """A `TextSearcher`'s ranking (BM25): the texts of both sides (images ignored, as the reference's lexical
    search reads only the text columns: queries as embedding models read them, documents as title + newline +
    text), top `k` over the whole corpus. With `candidates` (the multiple-choice
    path) each query keeps those of its candidates that are in its top `k`, in ranked order, as the reference
    filters its search results by `top_ranked`; rows are padded with -1 / -inf."""
    import numpy as np

    idx, scores = embedder.search_texts(side_texts(data.queries, "query"), lexical_texts(data.corpus), k,
                                        languages=task.metadata.subset_languages(embedder.context.subset))
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
