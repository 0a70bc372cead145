"""Every catalog task's own loader, on a local dataset with its real schema (see `schemas.py`).

The task is the catalog's, with only its DatasetRef pointed at the fixture folder, so the code path is
the one a real run takes: `kind.load(task, SplitContext(split, subset))`. Multilingual tasks load two subsets.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import load
from schemas import SchemaFolders
from test_catalog_metadata import mieb_tasks

import mieb
from mieb.data.loading import read_column
from mieb.tasks.kinds.clustering import ClusteringData
from mieb.tasks.kinds.compositionality import PairData
from mieb.tasks.kinds.linear_probe import ProbeData
from mieb.tasks.kinds.multilabel import MultilabelData
from mieb.tasks.kinds.retrieval import RetrievalData
from mieb.tasks.kinds.sts import STSData
from mieb.tasks.kinds.zeroshot import ZeroShotData
from mieb.tasks.task import Task

LOADED = sorted(name for name, meta in mieb_tasks().items() if meta.settings.kind != "aggregate")


@pytest.mark.parametrize("name", LOADED)
def test_loader_reads_its_schema(name: str, schemas: SchemaFolders) -> None:
    meta = mieb.get_task_metadata(name)
    task = schemas.task(meta, meta.hf_subsets[:2])
    for split in meta.eval_splits:
        for subset in task.hf_subsets:
            check(task, load(task, split, subset))


def check(task: Task, data: Any) -> None:
    """What the task's evaluator reads is there, consistent, and of the right size."""
    meta = task.metadata
    if isinstance(data, RetrievalData):
        for ds, modalities in ((data.queries, meta.query_modalities), (data.corpus, meta.document_modalities)):
            assert {"id", *modalities} <= set(ds.column_names)
        query_ids = [str(q) for q in read_column(data.queries, "id")]
        doc_ids = set(map(str, read_column(data.corpus, "id")))
        assert query_ids and set(query_ids) == set(data.qrels)
        if meta.settings.kind == "multiple_choice":
            assert data.top_ranked is not None or meta.settings.loader is None  # BLINK: derived from qrels
            candidates = data.top_ranked or data.qrels
            assert all(candidates[q] and set(candidates[q]) <= doc_ids for q in query_ids)
            assert all(sum(data.qrels[q].values()) == 1 for q in query_ids)  # one correct choice each
    elif isinstance(data, ZeroShotData):
        assert len(data.images) == len(data.labels) > 0 and max(data.labels) < len(data.prompts)
    elif isinstance(data, ProbeData):
        assert len(data.train_images) == len(data.train_labels) > 0
        assert len(data.test_images) == len(data.test_labels) > 0
    elif isinstance(data, MultilabelData):
        assert len(data.train_images) == len(data.train_labels) and len(data.test_images) == len(data.test_labels)
    elif isinstance(data, ClusteringData):
        assert len(data.images) == len(data.labels) > 0
    elif isinstance(data, STSData):
        assert len(data.images1) == len(data.images2) == len(data.gold) > 0
    elif isinstance(data, PairData):
        s = meta.settings
        assert len(data.images) == data.n_rows * len(s.images_columns) > 0
        assert len(data.texts) == data.n_rows * len(s.texts_columns)
    else:
        raise AssertionError(f"unexpected data {type(data).__name__} for {meta.name}")


@pytest.mark.parametrize("name", sorted(n for n, m in mieb_tasks().items() if m.settings.kind == "aggregate"))
def test_aggregates_name_subsets_of_their_subtask(name: str) -> None:
    meta = mieb.get_task_metadata(name)
    (sub,) = meta.settings.kind == "aggregate" and mieb.get_task(name).kind.subtasks(mieb.get_task(name))
    assert sub.hf_subsets == meta.settings.hf_subsets
    assert sub.metadata.dataset == meta.dataset and set(meta.eval_splits) <= set(sub.metadata.eval_splits)


def test_imagecode_pairs_reference_corpus_rows(schemas: SchemaFolders) -> None:
    """The right frame first, then the 9 others in qrels order, as rows of the corpus (no image copied)."""
    task = schemas.task(mieb.get_task_metadata("ImageCoDe"))
    data = load(task, "test", "default")
    corpus_ids = read_column(data.images.data.add_column("row", range(len(data.images.data))), "row")
    assert len(corpus_ids) == 20 and data.n_rows == 2
    assert [r for r, _ in data.images.items[:10]] == [3, 0, 1, 2, 4, 5, 6, 7, 8, 9]
    assert [r for r, _ in data.images.items[10:]] == [13, 10, 11, 12, 14, 15, 16, 17, 18, 19]
    assert data.texts == ["the red frame", "the blue frame"]


def test_cv_bench_candidates_and_ids(schemas: SchemaFolders) -> None:
    task = schemas.task(mieb.get_task_metadata("CVBenchRelation"))
    data = load(task, "test", "default")
    assert read_column(data.queries, "id") == ["query-test-0", "query-test-1"]
    assert read_column(data.queries, "text") == ["Which one is it?"] * 2
    # the distinct choice strings in first-seen order, shared by the queries
    assert read_column(data.corpus, "text") == ["red", "green", "blue"]
    assert data.qrels == {"query-test-0": {"corpus-test-0": 0, "corpus-test-1": 1},
                          "query-test-1": {"corpus-test-0": 0, "corpus-test-1": 0, "corpus-test-2": 1}}
    assert data.top_ranked == {q: list(d) for q, d in data.qrels.items()}


def test_hateful_memes_corpus_is_deduplicated_by_text(schemas: SchemaFolders) -> None:
    task = schemas.task(mieb.get_task_metadata("HatefulMemesI2TRetrieval"))
    data = load(task, "test", "default")
    corpus_ids = read_column(data.corpus, "id")
    assert corpus_ids[:4] == ["corpus-1", "corpus-2", "corpus-3", "corpus-4"] and "corpus-5" not in corpus_ids
    assert len(corpus_ids) == 4 + 3 + 3  # test (5 rows, one repeated text), validation, train
    assert data.qrels["query-5"] == {"corpus-5": 1}  # points to a removed document (quirk 10)


def test_memotion_numbers_rows_after_dropping_missing_text(schemas: SchemaFolders) -> None:
    task = schemas.task(mieb.get_task_metadata("MemotionT2IRetrieval"))
    data = load(task, "test", "default")
    assert read_column(data.queries, "id") == ["query-test-0", "query-test-1", "query-test-2"]
    assert read_column(data.queries, "text") == ["red meme", "green meme", "yellow meme"]
    assert read_column(data.corpus, "id") == ["corpus-train-0", "corpus-test-0", "corpus-test-1", "corpus-test-2"]


def test_multilingual_subsets_are_hf_splits(schemas: SchemaFolders) -> None:
    task = schemas.task(mieb.get_task_metadata("XM3600T2IRetrieval"), ["fil", "no"])
    data = load(task, "test", "no")
    assert read_column(data.queries, "id")[:2] == ["query-no0000-0", "query-no0000-1"]
    assert data.qrels["query-no0000-1"] == {"corpus-no0000": 1}
    assert type(data.corpus.features["image"]).__name__ == "Image"  # the raw struct column, cast
