"""Retrieval and multiple choice keyed by id, as the reference's run and judgement dicts are (issue 11,
item 3), and missing texts (item 4): each case runs a catalog task on a local folder through mieb and
through the reference with the same chosen embeddings (`Table`), or checks that mieb stops with an error
naming the task and the id where the reference's number is an accident of dict order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mteb")

from datasets import Dataset, Features, Image, Sequence, Value  # noqa: E402
from e2e import (  # noqa: E402
    ReferenceTableEncoder,
    Table,
    check_table,
    key_image,
    local_task,
    reference_task,
    run_mieb,
    run_reference,
)
from helpers import write_hub_folder  # noqa: E402

import mieb  # noqa: E402
from mieb.errors import TaskDataError  # noqa: E402

SIDE = Features({"id": Value("string"), "modality": Value("string"), "text": Value("string"), "image": Image()})
QRELS = Features({"query-id": Value("string"), "corpus-id": Value("string"), "score": Value("int64")})
T2I = "TUBerlinT2IRetrieval"  # text queries, image documents, standard layout
I2T = "GLDv2I2TRetrieval"  # image queries, text documents
MULTIPLE_CHOICE = "BLINKIT2TMultiChoice"  # image+text queries, text candidates

# Unit vectors and near neighbours of e0 (cosine similarity decides the ranking).
E = [[1.0 if i == j else 0.0 for j in range(6)] for i in range(6)]
NEAR = [[1.0, 0.1 * k, 0.0, 0.0, 0.0, 0.0] for k in range(20)]  # NEAR[k] is less similar to e0 as k grows


def side(rows: list[tuple[str, str | None, int | None]], *, titles: list[str | None] | None = None) -> Dataset:
    """(id, text, image key) rows in the M-BEIR layout (id, modality, text, image), optionally with titles."""
    data: dict[str, list[Any]] = {
        "id": [r[0] for r in rows],
        "modality": [",".join(m for m, v in (("image", r[2]), ("text", r[1])) if v is not None) for r in rows],
        "text": [r[1] for r in rows],
        "image": [None if r[2] is None else key_image(r[2]) for r in rows],
    }
    features = SIDE
    if titles is not None:
        data["title"] = titles
        features = Features({**SIDE, "title": Value("string")})
    return Dataset.from_dict(data, features=features)


def qrels(judged: list[tuple[str, str, int]]) -> Dataset:
    return Dataset.from_dict({"query-id": [q for q, _, _ in judged], "corpus-id": [d for _, d, _ in judged],
                              "score": [s for _, _, s in judged]}, features=QRELS)


def folder(tmp_path: Path, corpus: Dataset, queries: Dataset, judged: list[tuple[str, str, int]],
           **extra: Dataset) -> Path:
    configs = {"corpus": {"test": corpus}, "queries": {"test": queries}, "qrels": {"test": qrels(judged)}}
    configs.update({name: {"test": ds} for name, ds in extra.items()})
    return write_hub_folder(tmp_path / tmp_path.name, configs)


def meta(name: str) -> Any:
    return mieb.get_task(name).metadata


def mieb_error(table: Table, name: str, where: Path) -> str:
    from e2e import TableEncoder

    with pytest.raises(TaskDataError) as e:
        run_mieb(TableEncoder(table), local_task(meta(name), where))
    assert name in str(e.value)
    return str(e.value)


def reference_scores(table: Table, name: str, where: Path) -> dict[str, Any]:
    (entry,) = run_reference(ReferenceTableEncoder(table), reference_task(name, where)).values()
    return entry


# -- repeated corpus ids --------------------------------------------------------------------------------------
def test_repeated_corpus_id_with_the_same_content_is_one_document(tmp_path: Path) -> None:
    """The issue's example: ids a, a, c, x, y, z (rows 0 and 1 identical), q -> {a, c}, q nearest a then c:
    the reference's run holds a once, so nDCG@10 = MAP@10 = 1 (ranking rows gave 0.91972 / 0.83333)."""
    table = Table({1: NEAR[0], 2: NEAR[1], 3: E[1], 4: E[2], 5: E[3]}, {"find a": E[0]})
    corpus = side([("a", None, 1), ("a", None, 1), ("c", None, 2), ("x", None, 3), ("y", None, 4), ("z", None, 5)])
    where = folder(tmp_path, corpus, side([("q", "find a", None)]), [("q", "a", 1), ("q", "c", 1)])
    ref, _ = check_table(table, meta(T2I), where)
    assert ref[("test", "default")]["ndcg_at_10"] == 1.0 and ref[("test", "default")]["map_at_10"] == 1.0


def test_repeated_corpus_id_with_other_content_is_an_error(tmp_path: Path) -> None:
    """The reference scores whichever row of id a its heap lists last: no defined score."""
    table = Table({1: NEAR[0], 2: NEAR[5], 3: E[1]}, {"find a": E[0]})
    corpus = side([("a", None, 1), ("a", None, 2), ("x", None, 3)])
    where = folder(tmp_path, corpus, side([("q", "find a", None)]), [("q", "a", 1)])
    assert "ndcg_at_10" in reference_scores(table, T2I, where)  # silently scored there
    assert "corpus id 'a'" in mieb_error(table, T2I, where)


def test_repeated_corpus_ids_take_places_in_the_reference_search_depth(tmp_path: Path) -> None:
    """1,100 documents, the first 300 listed twice: the reference's top-1000 heap holds each row, so only
    700 distinct documents are retrieved and the relevant one at rank 800 counts only for recall@1000
    where it is retrieved."""
    n = 1100
    images = {k: [1.0, k / n, 0.0] for k in range(n)}
    rows = [(f"d{k:04d}", None, k) for k in range(n)]
    corpus = side(rows[:300] + rows)
    judged = [("q", "d0000", 1), ("q", "d0800", 1), ("q", "d1050", 2)]
    where = folder(tmp_path, corpus, side([("q", "find", None)]), judged)
    check_table(Table(images, {"find": [1.0, 0.0, 0.0]}), meta(T2I), where)


# -- repeated query ids ---------------------------------------------------------------------------------------
def test_repeated_query_id_with_the_same_content_is_one_query(tmp_path: Path) -> None:
    table = Table({1: E[0], 2: E[1], 3: E[2]}, {"find 1": E[0], "find 2": NEAR[9]})
    queries = side([("q1", "find 1", None), ("q1", "find 1", None), ("q2", "find 2", None)])
    where = folder(tmp_path, side([("d1", None, 1), ("d2", None, 2), ("d3", None, 3)]), queries,
                   [("q1", "d1", 1), ("q2", "d2", 1)])
    check_table(table, meta(T2I), where)


def test_repeated_query_ids_share_the_reference_search_depth(tmp_path: Path) -> None:
    """A query listed twice pushes its ranking twice into one 1000-place heap: 500 documents remain."""
    n = 700
    images = {k: [1.0, k / n, 0.0] for k in range(n)}
    queries = side([("q", "find", None), ("q", "find", None), ("r", "other", None)])
    judged = [("q", "d0003", 1), ("q", "d0600", 1), ("r", "d0600", 1)]
    where = folder(tmp_path, side([(f"d{k:04d}", None, k) for k in range(n)]), queries, judged)
    ref, _ = check_table(Table(images, {"find": [1.0, 0.0, 0.0], "other": [1.0, 0.9, 0.0]}), meta(T2I), where)
    assert ref[("test", "default")]["recall_at_1000"] == 0.75  # q finds d0003 only


def test_repeated_query_id_with_other_content_is_an_error(tmp_path: Path) -> None:
    table = Table({1: E[0], 2: E[1]}, {"find 1": E[0], "find 2": E[1]})
    queries = side([("q", "find 1", None), ("q", "find 2", None)])
    where = folder(tmp_path, side([("d1", None, 1), ("d2", None, 2)]), queries, [("q", "d1", 1)])
    assert "ndcg_at_10" in reference_scores(table, T2I, where)
    assert "query id 'q'" in mieb_error(table, T2I, where)


# -- judgements -----------------------------------------------------------------------------------------------
def test_judged_documents_absent_from_the_corpus_count_as_relevant(tmp_path: Path) -> None:
    table = Table({1: E[0], 2: NEAR[3], 3: E[2]}, {"find 1": E[0], "find 2": E[2]})
    judged = [("q1", "d1", 1), ("q1", "gone", 1), ("q2", "d3", 2), ("q2", "also-gone", 1), ("q3", "nowhere", 1)]
    queries = side([("q1", "find 1", None), ("q2", "find 2", None), ("q3", "find 1", None)])
    where = folder(tmp_path, side([("d1", None, 1), ("d2", None, 2), ("d3", None, 3)]), queries, judged)
    check_table(table, meta(T2I), where)


def test_a_judgement_repeated_with_the_same_grade_is_one(tmp_path: Path) -> None:
    table = Table({1: E[0], 2: NEAR[3]}, {"find": E[0]})
    where = folder(tmp_path, side([("d1", None, 1), ("d2", None, 2)]), side([("q", "find", None)]),
                   [("q", "d2", 1), ("q", "d2", 1), ("q", "d1", 0)])
    check_table(table, meta(T2I), where)


def test_a_judgement_repeated_with_another_grade_is_an_error(tmp_path: Path) -> None:
    table = Table({1: E[0], 2: NEAR[3]}, {"find": E[0]})
    where = folder(tmp_path, side([("d1", None, 1), ("d2", None, 2)]), side([("q", "find", None)]),
                   [("q", "d2", 1), ("q", "d2", 0)])
    assert "('q', 'd2')" in mieb_error(table, T2I, where)


# -- candidate lists ------------------------------------------------------------------------------------------
def top_ranked(lists: dict[str, list[str]]) -> Dataset:
    return Dataset.from_dict({"query-id": list(lists), "corpus-ids": list(lists.values())},
                             features=Features({"query-id": Value("string"), "corpus-ids": Sequence(Value("string"))}))


def test_retrieval_reranks_the_candidates_a_dataset_ships(tmp_path: Path) -> None:
    """A `top_ranked` config makes the reference rerank each query's candidates (a candidate listed twice
    is one candidate) instead of searching the corpus."""
    table = Table({k: NEAR[k] for k in range(6)}, {"find": E[0], "seek": NEAR[4]})
    corpus = side([(f"d{k}", None, k) for k in range(6)])
    queries = side([("q1", "find", None), ("q2", "seek", None)])
    judged = [("q1", "d0", 1), ("q1", "d3", 1), ("q2", "d4", 1)]
    candidates = top_ranked({"q1": ["d5", "d3", "d5", "d1"], "q2": ["d4", "d0"]})
    check_table(table, meta(T2I), folder(tmp_path, corpus, queries, judged, top_ranked=candidates))


def blink(tmp_path: Path, corpus_rows: list[tuple[str, str | None, int | None]],
          query_rows: list[tuple[str, str | None, int | None]], judged: list[tuple[str, str, int]],
          **extra: Dataset) -> Path:
    return folder(tmp_path, side(corpus_rows), side(query_rows), judged, **extra)


def mc_table() -> Table:
    return Table({1: E[0], 2: E[1], 3: E[2]},
                 {"which?": E[5], "one": E[0], "two": E[1], "three": E[2], "other two": NEAR[2]})


def test_multiple_choice_candidates_are_the_judged_documents(tmp_path: Path) -> None:
    """mteb 2.26.24 rebuilds BLINK's candidate lists from the judgements whatever configs the dataset
    ships: the `top_ranked` config below (which would make every answer right) is not used."""
    corpus = [("c1", "one", None), ("c2", "two", None), ("c3", "three", None)]
    queries = [("q1", "which?", 1), ("q2", "which?", 2), ("q3", "which?", 3)]
    judged = [("q1", "c1", 0), ("q1", "c2", 1), ("q2", "c2", 1), ("q2", "c3", 0), ("q3", "c1", 1), ("q3", "c3", 0)]
    shipped = top_ranked({"q1": ["c2"], "q2": ["c2"], "q3": ["c1"]})
    ref, _ = check_table(mc_table(), meta(MULTIPLE_CHOICE), blink(tmp_path, corpus, queries, judged,
                                                                  top_ranked=shipped))
    assert ref[("test", "default")]["accuracy"] == pytest.approx(1 / 3, abs=1e-5)


def test_multiple_choice_repeated_ids(tmp_path: Path) -> None:
    """A corpus id listed twice with the same content and a query id listed twice with the same content
    are one document and one query; an unused corpus id repeated with other content changes nothing."""
    corpus = [("c1", "one", None), ("c2", "two", None), ("c2", "two", None), ("c3", "three", None),
              ("unused", "one", None), ("unused", "two", None)]
    queries = [("q1", "which?", 1), ("q1", "which?", 1), ("q2", "which?", 2)]
    judged = [("q1", "c1", 1), ("q1", "c2", 0), ("q2", "c2", 1), ("q2", "c3", 0)]
    check_table(mc_table(), meta(MULTIPLE_CHOICE), blink(tmp_path, corpus, queries, judged))


def test_multiple_choice_candidate_repeated_with_other_content_is_an_error(tmp_path: Path) -> None:
    corpus = [("c1", "one", None), ("c2", "two", None), ("c2", "other two", None)]
    where = blink(tmp_path, corpus, [("q1", "which?", 1)], [("q1", "c1", 1), ("q1", "c2", 0)])
    assert "corpus id 'c2'" in mieb_error(mc_table(), MULTIPLE_CHOICE, where)


# -- text search (BM25: no embeddings; the same keys, content compared by text) ----------------------------------
IT2T = "OVENIT2TRetrieval"  # image+text queries, text documents: BM25 reads the texts alone, as the reference


def bm25_models() -> tuple[Any, Any]:
    pytest.importorskip("bm25s")
    pytest.importorskip("Stemmer")
    import mteb

    return mteb.get_model("mteb/baseline-bm25s"), mieb.get_model("mteb/baseline-bm25s")


def test_text_search_keyed_by_id_as_the_reference(tmp_path: Path) -> None:
    """A document and a query each listed twice with the same text are one document (both rows indexed,
    as the reference indexes them) and one query, in retrieval and in multiple choice."""
    from e2e import compare

    reference, model = bm25_models()
    corpus = side([("a", "red fox jumps", None), ("a", "red fox jumps", None), ("c", "a red ball", None),
                   ("x", "green tree", None), ("y", "blue sky above", None)])
    queries = side([("q", "red fox", 1), ("q", "red fox", 1), ("r", "blue ball", 2)])
    judged = [("q", "a", 1), ("q", "c", 1), ("r", "y", 1), ("r", "c", 0)]
    compare(reference, model, meta(IT2T), folder(tmp_path / "retrieval", corpus, queries, judged))
    compare(reference, model, meta(MULTIPLE_CHOICE), folder(tmp_path / "choice", corpus, queries, judged))


def test_text_search_repeated_id_with_other_text_is_an_error(tmp_path: Path) -> None:
    _, model = bm25_models()
    corpus = side([("a", "red fox jumps", None), ("a", "a red ball", None), ("x", "green tree", None)])
    where = folder(tmp_path, corpus, side([("q", "red fox", 1)]), [("q", "a", 1)])
    with pytest.raises(TaskDataError, match="corpus id 'a'"):
        run_mieb(model, local_task(meta(IT2T), where))
    queries = side([("q", "red fox", 1), ("q", "green", 1)])
    where = folder(tmp_path / "queries", side([("a", "red fox jumps", None), ("x", "green tree", None)]), queries,
                   [("q", "a", 1)])
    with pytest.raises(TaskDataError, match="query id 'q'"):
        run_mieb(model, local_task(meta(IT2T), where))


# -- missing texts (item 4) -------------------------------------------------------------------------------------
def text_docs(tmp_path: Path, texts: list[str | None], titles: list[str | None] | None) -> Path:
    corpus = side([(f"d{k}", t, None) for k, t in enumerate(texts)], titles=titles)
    return folder(tmp_path, corpus, side([("q", None, 1)]), [("q", "d0", 1)])


def doc_table() -> Table:
    return Table({1: E[0]}, {"alpha": E[0], "beta": E[1], "Title alpha": NEAR[1], "Title": NEAR[2], "gamma": E[2]})


def test_document_titles_join_their_texts_as_in_the_reference(tmp_path: Path) -> None:
    """title + " " + text, stripped; an empty title is no title."""
    where = text_docs(tmp_path, ["alpha", " beta ", "gamma"], ["Title", "", ""])
    check_table(doc_table(), meta(I2T), where)


@pytest.mark.parametrize(("texts", "titles", "column", "row"), [
    (["alpha", None], ["Title", "Title"], "text", 1),  # a title and no text: a bare TypeError before
    (["alpha", "beta"], ["Title", None], "title", 1),  # the reference fails on len(None)
    (["alpha", None], None, "text", 1),                # the reference fails on None.strip()
])
def test_a_missing_document_text_is_an_error_naming_task_split_and_row(
        tmp_path: Path, texts: list[str | None], titles: list[str | None] | None, column: str, row: int) -> None:
    where = text_docs(tmp_path, texts, titles)
    with pytest.raises((TypeError, AttributeError)):  # the reference has no score for it either
        reference_scores(doc_table(), I2T, where)
    message = mieb_error(doc_table(), I2T, where)
    assert f"split 'test', column '{column}', row {row}" in message and f"'d{row}'" in message


def instructions(pairs: dict[str, str | None]) -> Dataset:
    return Dataset.from_dict({"query-id": list(pairs), "instruction": list(pairs.values())},
                             features=Features({"query-id": Value("string"), "instruction": Value("string")}))


def test_query_instructions_as_in_the_reference(tmp_path: Path) -> None:
    """An instruction is appended after a space."""
    table = Table({1: E[0], 2: E[1]}, {"find this": E[0], "find more": E[1], "seek this": NEAR[5]})
    queries = side([("q1", "find", None), ("q2", "find", None), ("q3", "seek", None)])
    where = folder(tmp_path, side([("d1", None, 1), ("d2", None, 2)]), queries,
                   [("q1", "d1", 1), ("q2", "d2", 1), ("q3", "d1", 1)],
                   instruction=instructions({"q1": "this", "q2": "more", "q3": "this"}))
    check_table(table, meta(T2I), where)


def test_a_missing_instruction_is_an_error(tmp_path: Path) -> None:
    """The reference appends nothing for a None instruction but then fails on the None in its batch."""
    table = Table({1: E[0]}, {"find": E[0], "find this": E[0]})
    where = folder(tmp_path, side([("d1", None, 1)]), side([("q1", "find", None), ("q2", "find", None)]),
                   [("q1", "d1", 1), ("q2", "d1", 1)], instruction=instructions({"q1": "this", "q2": None}))
    with pytest.raises(ValueError, match="Found None in batch for key 'instruction'"):
        reference_scores(table, T2I, where)
    assert "column 'instruction', row 1" in mieb_error(table, T2I, where)


def test_a_query_without_its_instruction_is_an_error(tmp_path: Path) -> None:
    table = Table({1: E[0]}, {"find": E[0]})
    where = folder(tmp_path, side([("d1", None, 1)]), side([("q1", "find", None), ("q2", "find", None)]),
                   [("q1", "d1", 1), ("q2", "d1", 1)], instruction=instructions({"q1": "more"}))
    with pytest.raises(KeyError):
        reference_scores(table, T2I, where)
    assert "query 'q2'" in mieb_error(table, T2I, where)


def test_a_missing_query_text_is_an_error_naming_its_row(tmp_path: Path) -> None:
    table = Table({1: E[0]}, {"find": E[0]})
    where = folder(tmp_path, side([("d1", None, 1)]),
                   side([("q0", "find", None), ("unjudged", None, None), ("q2", None, None)]),
                   [("q0", "d1", 1), ("q2", "d1", 1)])
    with pytest.raises(ValueError, match="Found None"):
        reference_scores(table, T2I, where)
    assert "column 'text', row 2" in mieb_error(table, T2I, where)  # the unjudged query is not embedded
