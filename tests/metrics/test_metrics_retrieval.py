"""Retrieval metrics against pytrec_eval itself plus plain-Python MRR and nAUC written from the
definitions; search and reranking against brute-force sorting."""

from __future__ import annotations

import math

import numpy as np
import pytest
import pytrec_eval
import torch

from mieb.metrics import doc_id_ranks, rerank_candidates, retrieval_scores, search_top_k
from mieb.metrics.retrieval import nauc

K_VALUES = (1, 3, 5, 10, 20, 100, 1000)
RATES = [i / 10 for i in range(10)]


# ---------------------------------------------------------------- independent reference values


def _ranked_run(idx, sc, query_ids, doc_ids, qrels, skip_first):
    """{qid: [(doc, score), ...]} best first as trec_eval ranks (score desc, doc id desc)."""
    run = {}
    for row, qid in enumerate(query_ids):
        if not qrels.get(qid):
            continue
        items = [(doc_ids[j], float(s)) for j, s in zip(idx[row], sc[row], strict=False) if j >= 0]
        items.sort(key=lambda x: (x[1], x[0]), reverse=True)
        run[qid] = items[1:] if skip_first else items
    return run


def _plain_nauc(conf, metric):
    n = len(conf)
    order = sorted(range(n), key=lambda i: conf[i])  # stable
    vals = [metric[i] for i in order]
    confs = [conf[i] for i in order]
    start = 0
    while start < n:  # equal confidences share their mean metric
        end = start
        while end + 1 < n and confs[end + 1] == confs[start]:
            end += 1
        mean = sum(vals[start:end + 1]) / (end + 1 - start)
        vals[start:end + 1] = [mean] * (end + 1 - start)
        start = end + 1

    def curve(values):
        return [sum(values[min(round(r * n), n - 1):]) / (n - min(round(r * n), n - 1)) for r in RATES]

    def area(y):
        return sum((RATES[i + 1] - RATES[i]) * (y[i] + y[i + 1]) / 2 for i in range(len(y) - 1))

    raw = curve(vals)
    oracle = curve(sorted(metric))
    flat = oracle[0] * (RATES[-1] - RATES[0])
    if abs(area(oracle) - flat) < 1e-15:
        return float("nan")
    return (area(raw) - flat) / (area(oracle) - flat)


def _expected(idx, sc, query_ids, doc_ids, qrels, skip_first=False, k_values=K_VALUES):
    run = _ranked_run(idx, sc, query_ids, doc_ids, qrels, skip_first)
    kept = {q: qrels[q] for q in run}
    cutoffs = ",".join(map(str, k_values))
    measures = {f"{m}.{cutoffs}" for m in ("ndcg_cut", "map_cut", "recall", "P", "success")}
    per_query = pytrec_eval.RelevanceEvaluator(kept, measures).evaluate({q: dict(v) for q, v in run.items()})
    qids = list(run)
    out = {}
    for name, key in (("ndcg", "ndcg_cut"), ("map", "map_cut"), ("recall", "recall"), ("precision", "P"),
                      ("hit_rate", "success")):
        for k in k_values:
            out[f"{name}_at_{k}"] = round(sum(per_query[q][f"{key}_{k}"] for q in qids) / len(qids), 5)
    mrr = {}
    for k in k_values:
        rr = []
        for q in qids:
            rel = {d for d, g in qrels[q].items() if g > 0}
            hits = [r for r, (d, _) in enumerate(run[q][:k]) if d in rel]
            rr.append(1.0 / (hits[0] + 1) if hits else 0.0)
        mrr[k] = rr
        out[f"mrr_at_{k}"] = sum(rr) / len(rr)
    conf = {"max": [], "std": [], "diff1": []}
    for q in qids:
        s = [x[1] for x in run[q]]
        conf["max"].append(s[0] if s else 0.0)
        conf["std"].append(float(np.std(s)) if s else 0.0)
        conf["diff1"].append(s[0] - s[1] if len(s) > 1 else 0.0)
    for name, key in (("ndcg", "ndcg_cut"), ("map", "map_cut"), ("recall", "recall"), ("precision", "P")):
        for k in k_values:
            for fct, c in conf.items():
                out[f"nauc_{name}_at_{k}_{fct}"] = _plain_nauc(c, [per_query[q][f"{key}_{k}"] for q in qids])
    for k in k_values:
        for fct, c in conf.items():
            out[f"nauc_mrr_at_{k}_{fct}"] = _plain_nauc(c, mrr[k])
    out["accuracy"] = out["recall_at_1"]
    return out


def _assert_close(got, want, tol=1e-6):
    assert set(got) == set(want)
    for key, value in want.items():
        if math.isnan(value):
            assert math.isnan(got[key]), key
        else:
            assert got[key] == pytest.approx(value, abs=tol), key


# ---------------------------------------------------------------- random cases


def _random_case(seed, coarse=True):
    rng = np.random.default_rng(seed)
    n_q, n_d = int(rng.integers(5, 40)), int(rng.integers(10, 300))
    q = rng.normal(size=(n_q, 4)).astype(np.float32)
    d = rng.normal(size=(n_d, 4)).astype(np.float32)
    if coarse:  # many exact ties, including duplicated documents
        q, d = np.round(q), np.round(d)
        d[rng.choice(n_d, n_d // 5, replace=False)] = d[0]
    doc_ids = [f"doc{rng.integers(0, 10**6)}_{i}" for i in range(n_d)]
    query_ids = [f"q{i}" for i in range(n_q)]
    idx, sc = search_top_k(q, d, int(rng.integers(1, 2 * n_d)))
    for row in np.flatnonzero(rng.random(n_q) < 0.25):  # queries retrieving fewer documents
        cut = int(rng.integers(0, idx.shape[1] + 1))
        idx[row, cut:], sc[row, cut:] = -1, -np.inf
    qrels = {}
    for qid in query_ids:
        if rng.random() < 0.1:
            continue  # no qrels: dropped
        picks = rng.choice(n_d, int(rng.integers(0, 6)), replace=False)
        qrels[qid] = {doc_ids[j]: int(rng.integers(0, 4)) for j in picks}  # graded, incl. score 0
        if rng.random() < 0.2:
            qrels[qid]["not-in-corpus"] = 1  # HatefulMemes: a judged doc missing from the corpus
    if not any(qrels.values()):
        qrels[query_ids[0]] = {doc_ids[0]: 1}
    # Hand the rows over in random column order: ranking them is the function's job.
    shuffle = np.argsort(rng.random(idx.shape), axis=1)
    return np.take_along_axis(idx, shuffle, 1), np.take_along_axis(sc, shuffle, 1), query_ids, doc_ids, qrels


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("skip_first", [False, True])
def test_matches_pytrec_eval_on_random_rankings(seed, skip_first):
    idx, sc, query_ids, doc_ids, qrels = _random_case(seed, coarse=seed % 3 != 0)
    got = retrieval_scores(idx, sc, query_ids=query_ids, doc_ids=doc_ids, qrels=qrels,
                           skip_first_result=skip_first)
    _assert_close(got, _expected(idx, sc, query_ids, doc_ids, qrels, skip_first))
    # processed a few rows at a time: the same numbers, bit for bit
    blocked = retrieval_scores(idx, sc, query_ids=query_ids, doc_ids=doc_ids, qrels=qrels,
                               skip_first_result=skip_first, block_elements=1 + seed * 40)
    assert blocked.keys() == got.keys()
    assert all(blocked[key] == got[key] or (math.isnan(blocked[key]) and math.isnan(got[key])) for key in got)


def test_custom_k_values_and_key_set():
    idx, sc, query_ids, doc_ids, qrels = _random_case(99)
    got = retrieval_scores(idx, sc, query_ids=query_ids, doc_ids=doc_ids, qrels=qrels, k_values=(1, 2, 7))
    _assert_close(got, _expected(idx, sc, query_ids, doc_ids, qrels, k_values=(1, 2, 7)))
    assert len(got) == 1 + 3 * 6 + 3 * 5 * 3
    with pytest.raises(ValueError, match="recall@1"):
        retrieval_scores(idx, sc, query_ids=query_ids, doc_ids=doc_ids, qrels=qrels, k_values=(3, 5))


# ---------------------------------------------------------------- hand-computed cases


def test_hand_computed_ranking_with_ties_and_several_relevant_documents():
    doc_ids = ["a", "b", "c", "d", "e"]
    # Scores tie between b and c: trec_eval ranks the larger id first, so c (rank 1) before b.
    idx = np.array([[0, 1, 2, 3, -1]])
    sc = np.array([[0.9, 0.5, 0.5, 0.1, -np.inf]], dtype=np.float32)
    qrels = {"q": {"b": 1, "d": 2, "z": 1}}  # z is judged but not in the corpus
    got = retrieval_scores(idx, sc, query_ids=["q"], doc_ids=doc_ids, qrels=qrels)
    # ranking: a(0) c(0) b(1) d(2); 3 relevant documents in total
    assert got["recall_at_1"] == 0 and got["accuracy"] == 0
    assert got["recall_at_3"] == round(1 / 3, 5)
    assert got["precision_at_3"] == round(1 / 3, 5)
    assert got["precision_at_5"] == round(2 / 5, 5)
    assert got["map_at_5"] == round((1 / 3 + 2 / 4) / 3, 5)
    assert got["mrr_at_3"] == pytest.approx(1 / 3) and got["mrr_at_1"] == 0
    dcg = 1 / math.log2(4) + 2 / math.log2(5)
    idcg = 2 + 1 / math.log2(3) + 1 / math.log2(4)
    assert got["ndcg_at_5"] == round(dcg / idcg, 5)
    assert got["hit_rate_at_3"] == 1 and got["hit_rate_at_1"] == 0


def test_skip_first_result_drops_the_top_document_before_every_metric():
    idx = np.array([[0, 1, 2]])
    sc = np.array([[1.0, 0.8, 0.2]], dtype=np.float32)
    qrels = {"q": {"self": 1, "b": 1}}
    doc_ids = ["self", "b", "c"]
    kept = retrieval_scores(idx, sc, query_ids=["q"], doc_ids=doc_ids, qrels=qrels)
    skipped = retrieval_scores(idx, sc, query_ids=["q"], doc_ids=doc_ids, qrels=qrels, skip_first_result=True)
    assert kept["recall_at_1"] == 0.5 and kept["precision_at_1"] == 1
    assert skipped["recall_at_1"] == 0.5 and skipped["mrr_at_1"] == 1.0
    assert skipped["recall_at_3"] == 0.5  # "self" is gone from the ranking, not from the qrels


def test_queries_without_qrels_are_dropped_and_zero_grades_are_not_relevant():
    doc_ids = ["a", "b"]
    idx = np.array([[0, 1], [0, 1], [1, 0]])
    sc = np.array([[0.9, 0.1], [0.9, 0.1], [0.9, 0.1]], dtype=np.float32)
    qrels = {"q0": {"a": 1}, "q1": {}, "q2": {"b": 0}}  # q1 empty (dropped), q3 absent (dropped)
    got = retrieval_scores(idx, sc, query_ids=["q0", "q1", "q2"], doc_ids=doc_ids, qrels=qrels)
    assert got["recall_at_1"] == 0.5  # q0 = 1, q2 (judged but non-relevant) = 0
    assert got["ndcg_at_1"] == 0.5
    with pytest.raises(ValueError, match="no query has qrels"):
        retrieval_scores(idx[:2], sc[:2], query_ids=["x", "y"], doc_ids=doc_ids, qrels=qrels)


def test_nauc_on_hand_made_inputs():
    metric = np.array([0.0, 0.5, 1.0, 1.0])
    assert nauc(metric.copy(), metric) == pytest.approx(1.0)  # confidence = oracle
    assert math.isnan(nauc(np.arange(4.0), np.ones(4)))  # flat oracle curve
    rng = np.random.default_rng(3)
    conf, metric = rng.random(50), rng.random(50)
    conf[::5] = conf[0]  # tied confidences
    assert nauc(conf, metric) == pytest.approx(_plain_nauc(conf.tolist(), metric.tolist()), abs=1e-12)


# ---------------------------------------------------------------- search and reranking


def _brute_force(q, d, k, ranks, similarity="cosine"):
    qt, dt = torch.as_tensor(q), torch.as_tensor(d)
    if similarity == "cosine":
        qt, dt = torch.nn.functional.normalize(qt, dim=-1), torch.nn.functional.normalize(dt, dim=-1)
    s = (qt @ dt.T).numpy()
    out = []
    for row in s:
        order = sorted(range(len(row)), key=lambda j: (row[j] + 0.0, ranks[j]), reverse=True)[:k]
        out.append(order)
    return np.array(out), s


@pytest.mark.parametrize("seed", range(6))
def test_search_top_k_equals_full_sort_with_tie_break(seed):
    # Small integers under a dot product: exact scores whatever the block shapes, many exact ties.
    rng = np.random.default_rng(seed)
    q = rng.integers(-2, 3, size=(int(rng.integers(1, 30)), 3)).astype(np.float32)
    d = rng.integers(-2, 3, size=(int(rng.integers(1, 200)), 3)).astype(np.float32)
    doc_ids = [f"d{rng.integers(0, 10**9)}" for _ in range(len(d))]
    ranks = doc_id_ranks(doc_ids)
    k = int(rng.integers(1, len(d) + 5))
    expected, full = _brute_force(q, d, k, ranks, similarity="dot")
    for chunk, q_chunk in ((len(d), len(q)), (7, 4), (1, 1)):
        idx, sc = search_top_k(q, d, k, similarity="dot", chunk_size=chunk, query_chunk_size=q_chunk,
                               tie_break=ranks)
        assert idx.shape == (len(q), min(k, len(d))) and idx.dtype == np.int64 and sc.dtype == np.float32
        np.testing.assert_array_equal(idx, expected)
        np.testing.assert_array_equal(sc, np.take_along_axis(full, expected, 1))


def test_search_top_k_cosine_equals_full_sort():
    rng = np.random.default_rng(1)
    q = rng.normal(size=(25, 16)).astype(np.float32)
    d = rng.normal(size=(300, 16)).astype(np.float32) * rng.random((300, 1)).astype(np.float32)
    expected, full = _brute_force(q, d, 40, np.arange(300))
    idx, sc = search_top_k(q, d, 40, chunk_size=64, query_chunk_size=10)
    np.testing.assert_array_equal(idx, expected)
    np.testing.assert_allclose(sc, np.take_along_axis(full, expected, 1), atol=1e-6)


def test_search_top_k_default_tie_break_prefers_lower_index_and_supports_dot_and_callables():
    q = np.array([[1.0, 0.0]], dtype=np.float32)
    d = np.array([[1.0, 0.0], [2.0, 0.0], [2.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    idx, _ = search_top_k(q, d, 3)
    assert idx.tolist() == [[0, 1, 2]]  # cosine: three ties at 1.0, lower index first
    idx, sc = search_top_k(q, d, 2, similarity="dot")
    assert idx.tolist() == [[1, 2]] and sc.tolist() == [[2.0, 2.0]]
    idx, sc = search_top_k(q, d, 1, similarity=lambda a, b: -torch.cdist(a, b))
    assert idx.tolist() == [[0]] and sc[0, 0] == 0.0
    with pytest.raises(ValueError, match="NaN"):
        search_top_k(q, d, 1, similarity=lambda a, b: torch.full((len(a), len(b)), float("nan")))


def test_rerank_candidates_scores_only_own_candidates():
    rng = np.random.default_rng(0)
    q = rng.normal(size=(20, 5)).astype(np.float32)
    d = rng.normal(size=(30, 5)).astype(np.float32)
    cands = [rng.choice(30, int(rng.integers(1, 8)), replace=False).tolist() for _ in range(20)]
    idx, sc = rerank_candidates(q, d, cands, max_block_elements=64)
    _, full = _brute_force(q, d, 1, np.arange(30))
    assert idx.shape == (20, max(map(len, cands)))
    for row, c in enumerate(cands):
        want = sorted(c, key=lambda j: (full[row, j], -j), reverse=True)
        assert idx[row, :len(c)].tolist() == want
        assert (idx[row, len(c):] == -1).all() and np.isneginf(sc[row, len(c):]).all()
        np.testing.assert_allclose(sc[row, :len(c)], full[row, want], atol=1e-6)
    top2, _ = rerank_candidates(q, d, cands, k=2, similarity=lambda a, b: a @ b.T)
    assert top2.shape == (20, 2)


def test_rerank_candidates_rejects_empty_and_duplicate_lists():
    q = np.ones((3, 2), dtype=np.float32)
    d = np.ones((4, 2), dtype=np.float32)
    with pytest.raises(ValueError, match="query 1 has an empty candidate list"):
        rerank_candidates(q, d, [[0, 1], [], [2]])
    with pytest.raises(ValueError, match="query 2 lists a candidate document more than once"):
        rerank_candidates(q, d, [[0], [1], [3, 3]])


def test_rerank_output_feeds_retrieval_scores():
    # multiple choice: distractors judged 0, the answer 1; accuracy is top-1 correctness
    q = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    d = np.array([[1.0, 0.1], [0.1, 1.0], [0.5, 0.5]], dtype=np.float32)
    idx, sc = rerank_candidates(q, d, [[0, 1, 2], [0, 2]])
    qrels = {"q0": {"c0": 1, "c1": 0, "c2": 0}, "q1": {"c0": 1, "c2": 0}}
    got = retrieval_scores(idx, sc, query_ids=["q0", "q1"], doc_ids=["c0", "c1", "c2"], qrels=qrels)
    assert got["accuracy"] == 0.5
