"""Compositionality datasets outside the one-row-per-example layout, by name.

A compositionality task names one of these in its settings (`loader="imagecode"`); each takes
(task, SplitContext) and returns a dataset of rows with the task's image and text columns, or the
image-text pairs themselves (`PairData`). Each registers what it reads (`DataNeed`s).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mieb.data.hub_cache import DataNeed
from mieb.tasks.kinds.base import SplitContext
from mieb.tasks.kinds.compositionality import LOADERS, PairData

if TYPE_CHECKING:
    from datasets import Dataset

    from mieb.tasks.task import Task


@LOADERS.register(lambda meta, ctx: [DataNeed(None, "train")])
def sugarcrepe(task: Task, ctx: SplitContext) -> Dataset:
    """SugarCrepe ships only a `train` split, which the reference evaluates as its `test` split."""
    from mieb.data.loading import load_split

    return load_split(task.metadata, "train")


IMAGECODE_CANDIDATES = 10


@LOADERS.register(lambda meta, ctx: [DataNeed("corpus", "corpus"), DataNeed("query", ctx.split),
                                    DataNeed("qrels", ctx.split)])
def imagecode(task: Task, ctx: SplitContext) -> PairData:
    """ImageCoDe as image-text pairs: one row per query text, its images the correct frame followed by
    the first 9 other candidates in qrels order, taken from the `corpus` config's `corpus` split.

    Images are referenced by corpus row (never copied into a new dataset). The correct frame is the last
    candidate judged 1, as in the reference.
    """
    from mieb.data.images import ImageColumn
    from mieb.data.loading import load_split, read_column, require_columns, require_text
    from mieb.errors import TaskDataError

    split = ctx.split
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
