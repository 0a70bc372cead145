"""Exact-k search and the retrieval scores mteb reports, computed without a Python loop per query.

The scores reproduce mteb 2.26.24's ``calculate_retrieval_scores``: pytrec_eval's ``ndcg_cut``,
``map_cut``, ``recall``, ``P`` and ``success`` (ranking by score, ties by document id descending,
qrels grade >= 1 relevant), query means rounded to 5 decimals, MRR@k and the nAUC abstention
metrics.  The per-query arithmetic follows trec_eval's own accumulation order so that the
per-query values, and therefore their rounded means, come out bit-for-bit the same.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Literal

import numpy as np
import torch
import torch.nn.functional as F

from mieb.metrics import K_VALUES

Similarity = Literal["cosine", "dot"] | Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

# mteb's abstention rates 0.0, 0.1, ..., 0.9, built the same way so the floats are identical.
_ABSTENTION_RATES = np.linspace(0, 1, 11)[:-1]
_RANK_LIMIT = 1 << 32  # tie-break ranks are packed into the low 32 bits of a sort key
_PER_QUERY = ("NDCG", "MAP", "Recall", "P", "MRR", "Hit")  # per-query measures, Hit = pytrec success
_CONFIDENCES = ("max", "std", "diff1")  # mteb's confidence functions, in its key order


# --------------------------------------------------------------------------------------------
# search


def _as_float_tensor(x: np.ndarray | torch.Tensor, device: str | torch.device) -> torch.Tensor:
    # mteb scores in float32 whatever the embedding dtype (it upcasts fp16/bf16).
    from mieb.models.encoder import MultiVector

    if isinstance(x, MultiVector):  # late-interaction embeddings: the scorer moves them in bounded blocks
        return x
    return torch.as_tensor(x).to(device=device, dtype=torch.float32)


def _scorer(similarity: Similarity) -> tuple[Callable[[torch.Tensor], torch.Tensor],
                                              Callable[[torch.Tensor, torch.Tensor], torch.Tensor]]:
    """(prepare, score): `prepare` runs once per block of embeddings, `score` per block pair."""
    if similarity == "cosine":
        # Same operations as mteb's cos_sim: L2-normalise both sides, then a matrix product.
        return (lambda x: F.normalize(x, p=2, dim=-1)), (lambda a, b: a @ b.T)
    if similarity == "dot":
        return (lambda x: x), (lambda a, b: a @ b.T)
    if callable(similarity):
        return (lambda x: x), similarity
    raise ValueError(f"similarity must be 'cosine', 'dot' or a callable, got {similarity!r}")


def _sort_keys(scores: torch.Tensor, ranks: torch.Tensor) -> torch.Tensor:
    """Pack float32 scores and tie-break ranks into int64 keys ordered like (score, rank) tuples.

    An exact integer top-k over these keys keeps the largest (score, corpus_id) tuples, as mteb's
    heap does, when `ranks` orders documents by id, ties included.
    """
    if torch.isnan(scores).any():
        raise ValueError("NaN values in the similarity scores")
    bits = (scores + 0.0).view(torch.int32).to(torch.int64)  # + 0.0 turns -0.0 into +0.0
    bits = torch.where(bits < 0, bits ^ 0x7FFFFFFF, bits)  # monotone map of float order to ints
    return (bits << 32) | ranks


def _block_top_k(scores: torch.Tensor, ranks: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Keys and column positions of each row's k best (score, rank) pairs, best first.

    A float top-k does the heavy lifting; only rows where equal scores straddle the cut-off
    (so that which of them is kept matters) are redone on packed keys.
    """
    # Unsorted: the packed keys are sorted below anyway (measured: topk(1000) of 10,000 columns ~30 % faster).
    values, pos = scores.topk(k, dim=1, sorted=False)
    if torch.isnan(values).any():  # topk ranks NaN above everything, so any NaN shows up here
        raise ValueError("NaN values in the similarity scores")
    cutoff = values.min(dim=1, keepdim=True).values
    straddle = (scores == cutoff).sum(dim=1) > (values == cutoff).sum(dim=1)
    if straddle.any():
        rows = straddle.nonzero().squeeze(1)
        row_keys = _sort_keys(scores[rows], ranks.expand(len(rows), -1))
        pos[rows] = row_keys.topk(k, dim=1).indices
    keys, order = _sort_keys(scores.gather(1, pos), ranks[pos]).sort(dim=1, descending=True)
    return keys, pos.gather(1, order)


def _scores_from_keys(keys: torch.Tensor) -> torch.Tensor:
    bits = keys >> 32
    bits = torch.where(bits < 0, bits ^ 0x7FFFFFFF, bits)
    return bits.to(torch.int32).view(torch.float32)


def doc_id_ranks(doc_ids: Sequence[str]) -> np.ndarray:
    """Rank of each id in code-point (= UTF-8 byte, strcmp) order.

    Passed as `tie_break` to `search_top_k`/`rerank_candidates` it makes equal scores keep the
    larger id first, which is both pytrec_eval's ranking and the set mteb's top-k heap retains.
    """
    order = sorted(range(len(doc_ids)), key=doc_ids.__getitem__)
    ranks = np.empty(len(doc_ids), dtype=np.int64)
    ranks[order] = np.arange(len(doc_ids), dtype=np.int64)
    return ranks


def _tie_ranks(tie_break: np.ndarray | None, n_docs: int, device: str | torch.device) -> torch.Tensor:
    if tie_break is None:  # lower document index first among equal scores
        return torch.arange(n_docs - 1, -1, -1, dtype=torch.int64, device=device)
    ranks = np.asarray(tie_break)
    if ranks.shape != (n_docs,) or not np.issubdtype(ranks.dtype, np.integer):
        raise ValueError(f"tie_break must be {n_docs} integers, one per document")
    if n_docs and (ranks.min() < 0 or ranks.max() >= _RANK_LIMIT):
        raise ValueError(f"tie_break ranks must lie in [0, {_RANK_LIMIT})")
    return torch.as_tensor(ranks, dtype=torch.int64, device=device)


def search_top_k(
    query_emb: np.ndarray | torch.Tensor,
    doc_emb: np.ndarray | torch.Tensor,
    k: int,
    *,
    similarity: Similarity = "cosine",
    device: str | torch.device = "cpu",
    chunk_size: int = 16_384,
    query_chunk_size: int = 1_024,
    tie_break: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k documents of every query, best first: (indices int64 (Q, k'), scores float32 (Q, k')).

    k' = min(k, n_docs).  Queries and documents are processed in blocks of `query_chunk_size` x
    `chunk_size` on `device` while a running top-k is kept, so memory stays bounded for corpora
    of millions of documents.  Equal scores are ordered by `tie_break` (larger rank first; see
    `doc_id_ranks`), by lower document index when it is None.
    """
    if k < 1 or chunk_size < 1 or query_chunk_size < 1:
        raise ValueError("k, chunk_size and query_chunk_size must be positive")
    prepare, score = _scorer(similarity)
    n_queries, n_docs = len(query_emb), len(doc_emb)
    k_eff = min(k, n_docs)
    out_idx = np.empty((n_queries, k_eff), dtype=np.int64)
    out_scores = np.empty((n_queries, k_eff), dtype=np.float32)
    if k_eff == 0 or n_queries == 0:
        return out_idx, out_scores
    ranks = _tie_ranks(tie_break, n_docs, device)
    with torch.inference_mode():
        for q_start in range(0, n_queries, query_chunk_size):
            queries = prepare(_as_float_tensor(query_emb[q_start:q_start + query_chunk_size], device))
            best_keys = best_idx = None
            for d_start in range(0, n_docs, chunk_size):
                d_end = min(d_start + chunk_size, n_docs)
                docs = prepare(_as_float_tensor(doc_emb[d_start:d_end], device))
                block = torch.as_tensor(score(queries, docs)).to(torch.float32)
                keys, pos = _block_top_k(block, ranks[d_start:d_end], min(k_eff, d_end - d_start))
                pos += d_start
                if best_keys is not None:
                    keys, pos = torch.cat([best_keys, keys], 1), torch.cat([best_idx, pos], 1)
                    keys, order = keys.topk(min(k_eff, keys.shape[1]), dim=1)
                    pos = pos.gather(1, order)
                best_keys, best_idx = keys, pos
            rows = slice(q_start, q_start + len(queries))
            assert best_keys is not None and best_idx is not None
            out_idx[rows] = best_idx.cpu().numpy()
            out_scores[rows] = _scores_from_keys(best_keys).cpu().numpy()
    return out_idx, out_scores


def _pad_candidates(candidates: Sequence[Sequence[int]], n_docs: int) -> np.ndarray:
    lengths = np.fromiter((len(c) for c in candidates), dtype=np.int64, count=len(candidates))
    if (lengths == 0).any():
        q = int(np.flatnonzero(lengths == 0)[0])
        raise ValueError(f"query {q} has an empty candidate list; every query needs at least one candidate")
    width = int(lengths.max()) if len(lengths) else 0
    flat = np.fromiter((d for c in candidates for d in c), dtype=np.int64, count=int(lengths.sum()))
    if flat.size and (flat.min() < 0 or flat.max() >= n_docs):
        raise ValueError(f"candidate document indices must lie in [0, {n_docs})")
    padded = np.full((len(candidates), width), -1, dtype=np.int64)
    padded[np.arange(width) < lengths[:, None]] = flat
    ordered = np.sort(padded, axis=1)
    dup = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)
    if dup.any():
        q = int(np.flatnonzero(dup.any(axis=1))[0])
        raise ValueError(f"query {q} lists a candidate document more than once")
    return padded


def rerank_candidates(
    query_emb: np.ndarray | torch.Tensor,
    doc_emb: np.ndarray | torch.Tensor,
    candidates: Sequence[Sequence[int]],
    *,
    similarity: Similarity = "cosine",
    k: int | None = None,
    device: str | torch.device = "cpu",
    max_block_elements: int = 1 << 25,
    tie_break: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Score each query against its own candidate documents only (mteb's top_ranked path).

    Returns (indices, scores) of shape (Q, C), C = longest candidate list (capped at `k`, as
    mteb keeps the top `k` candidates), best first, padded with -1 / -inf.  An empty or
    duplicated candidate list raises ValueError naming the query.
    """
    if len(candidates) != len(query_emb):
        raise ValueError(f"{len(query_emb)} queries but {len(candidates)} candidate lists")
    prepare, score = _scorer(similarity)
    n_docs = len(doc_emb)
    padded = _pad_candidates(candidates, n_docs)
    width = padded.shape[1] if k is None else min(k, padded.shape[1])
    out_idx = np.full((len(padded), width), -1, dtype=np.int64)
    out_scores = np.full((len(padded), width), -np.inf, dtype=np.float32)
    ranks = _tie_ranks(tie_break, n_docs, device)
    lowest = torch.iinfo(torch.int64).min
    # Queries per block, so that the gathered (queries, candidates, dim) block stays bounded.
    dim = int(np.prod(doc_emb.shape[1:])) if n_docs else 1
    step = max(1, max_block_elements // max(1, padded.shape[1] * dim))
    if callable(similarity):  # a callable scores (block queries) x (block's distinct candidates)
        step = min(step, max(1, math.isqrt(max_block_elements // max(1, padded.shape[1]))))
    with torch.inference_mode():
        for start in range(0, len(padded), step):
            cand = torch.as_tensor(padded[start:start + step], device=device)
            valid = cand >= 0
            queries = prepare(_as_float_tensor(query_emb[start:start + len(cand)], device))
            # Score against the distinct candidates of this block, then gather per query.
            uniq, inverse = torch.unique(cand.clamp(min=0), return_inverse=True)
            docs = prepare(_as_float_tensor(doc_emb[uniq.cpu().numpy()], device))
            if callable(similarity):
                block = torch.as_tensor(score(queries, docs)).to(torch.float32).gather(1, inverse)
            else:  # only the query x own-candidate products
                block = torch.einsum("qd,qcd->qc", queries, docs[inverse])
            keys = _sort_keys(torch.where(valid, block, 0.0), ranks[cand.clamp(min=0)])
            keys = torch.where(valid, keys, lowest)
            keys, order = keys.topk(width, dim=1)
            chosen = cand.gather(1, order)
            kept = chosen >= 0
            rows = slice(start, start + len(cand))
            out_idx[rows] = chosen.cpu().numpy()
            out_scores[rows] = torch.where(kept, _scores_from_keys(keys), -torch.inf).cpu().numpy()
    return out_idx, out_scores


# --------------------------------------------------------------------------------------------
# scoring


@lru_cache(maxsize=8)
def _discounts(n: int) -> np.ndarray:
    # trec_eval divides by the C library's log2(rank + 1); math.log2 is that same function.
    return np.array([math.log2(i + 2) for i in range(n)], dtype=np.float64)


def _mean(values: np.ndarray) -> float:
    # mteb averages with Python's sum() over per-query floats; same order, same rounding.
    return sum(values.tolist()) / len(values)


def _pytrec_order(idx: np.ndarray, sc: np.ndarray,
                  id_ranks: Callable[[], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Rows re-ordered as trec_eval ranks them: score descending, then document id descending.

    `sc` is float64 with -inf at padded (-1) positions.  Rows already in that order (the usual
    case) are left alone; `id_ranks` is only called when some row has tied scores.
    """
    valid = idx >= 0
    pads_last = (valid[:, :-1] | ~valid[:, 1:]).all(axis=1)
    both = valid[:, :-1] & valid[:, 1:]
    tied = both & (sc[:, :-1] == sc[:, 1:])
    ordered = pads_last & (~both | (sc[:, :-1] >= sc[:, 1:])).all(axis=1)
    if tied.any():
        rank = np.where(valid, id_ranks()[np.maximum(idx, 0)], -1)
        ordered &= (~tied | (rank[:, :-1] > rank[:, 1:])).all(axis=1)
    bad = np.flatnonzero(~ordered)
    if bad.size:
        rank = np.where(valid[bad], id_ranks()[np.maximum(idx[bad], 0)], -1)
        order = np.lexsort((-rank, -sc[bad], ~valid[bad]), axis=-1)
        idx, sc = idx.copy(), sc.copy()
        idx[bad] = np.take_along_axis(idx[bad], order, axis=1)
        sc[bad] = np.take_along_axis(sc[bad], order, axis=1)
    return idx, sc


def _abstention_curve(conf: np.ndarray, metric: np.ndarray) -> np.ndarray:
    """Mean metric over the queries kept after abstaining on the least confident ones.

    Equal confidences share their group's mean metric (mteb's expected value under random
    tie-breaking), and at most n - 1 queries are dropped.
    """
    n = len(conf)
    if n == 0:
        return np.full(len(_ABSTENTION_RATES), np.nan)
    order = np.argsort(conf, stable=True)
    conf_sorted, metric_sorted = conf[order], metric[order]
    starts = np.flatnonzero(np.r_[True, conf_sorted[1:] != conf_sorted[:-1]])
    sizes = np.diff(np.r_[starts, n])
    metric_sorted = np.repeat(np.add.reduceat(metric_sorted, starts) / sizes, sizes)
    dropped = np.minimum(np.rint(_ABSTENTION_RATES * n).astype(np.int64), n - 1)
    return np.array([metric_sorted[d:].mean() for d in dropped.tolist()])


def nauc(conf: np.ndarray, metric: np.ndarray) -> float:
    """Normalised area under the abstention curve (arXiv 2402.12997), as mteb computes it.

    0 = abstaining on confidence is no better than not abstaining, 1 = as good as the oracle
    that abstains on the worst queries; NaN when the oracle curve is flat.
    """
    x = _ABSTENTION_RATES
    curve = _abstention_curve(conf, metric)
    oracle = _abstention_curve(metric, metric)
    area, oracle_area = np.trapezoid(curve, x), np.trapezoid(oracle, x)
    flat_area = oracle[0] * (x[-1] - x[0])
    if oracle_area == flat_area:
        return float("nan")
    return float((area - flat_area) / (oracle_area - flat_area))


class _Qrels:
    """The kept queries' judgements as flat arrays, in query order (row = kept-query position)."""

    def __init__(self, query_ids: Sequence[str], qrels: Mapping[str, Mapping[str, int]],
                 doc_ids: Sequence[str]):
        judged = {doc for qid in query_ids for doc in qrels[qid]}
        position = {doc: i for i, doc in enumerate(doc_ids) if doc in judged}
        rows, docs, grades = [], [], []
        for row, qid in enumerate(query_ids):
            for doc, grade in qrels[qid].items():
                rows.append(row)
                docs.append(position.get(doc, -1))  # -1: judged but not in the corpus
                grades.append(int(grade))
        self.row = np.array(rows, dtype=np.int64)
        self.doc = np.array(docs, dtype=np.int64)
        self.grade = np.array(grades, dtype=np.int64)

    def block(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lo, hi = np.searchsorted(self.row, [start, stop])
        return self.row[lo:hi] - start, self.doc[lo:hi], self.grade[lo:hi]


def _block_metrics(idx: np.ndarray, sc: np.ndarray, row: np.ndarray, doc: np.ndarray, grade: np.ndarray,
                   k_values: list[int]) -> tuple[dict[str, dict[int, np.ndarray]], dict[str, np.ndarray]]:
    """Per-query trec_eval measures, MRR and confidences for one block of ranked rows.

    `idx`/`sc` are in trec_eval order; (row, doc, grade) are the block's judgements.  Every
    cumulative sum runs left to right like trec_eval's loops, so the floats are identical.
    """
    n_q, width = idx.shape
    valid = idx >= 0
    n_docs = int(max(idx.max(initial=-1), doc.max(initial=-1))) + 1
    judged = doc >= 0
    keys = row[judged] * n_docs + doc[judged]
    order = np.argsort(keys)
    keys, judged_grade = keys[order], grade[judged][order]
    ranked = np.arange(n_q)[:, None] * n_docs + np.maximum(idx, 0)
    rel_grade = np.full(idx.shape, -1, dtype=np.int64)  # -1: not judged
    if len(keys):
        pos = np.minimum(np.searchsorted(keys, ranked), len(keys) - 1)
        found = valid & (keys[pos] == ranked)
        rel_grade[found] = judged_grade[pos[found]]
    relevant = rel_grade >= 1
    positive = grade >= 1
    n_rel = np.bincount(row[positive], minlength=n_q)

    ranks = np.arange(1, width + 1, dtype=np.float64)
    zero = np.zeros((n_q, 1))
    rel_so_far = np.cumsum(relevant, axis=1)
    cum_rel = np.hstack([zero, rel_so_far.astype(np.float64)])
    cum_prec = np.hstack([zero, np.cumsum(np.where(relevant, rel_so_far / ranks, 0.0), axis=1)])
    gains = np.where(relevant, rel_grade, 0).astype(np.float64)
    cum_dcg = np.hstack([zero, np.cumsum(gains / _discounts(width), axis=1)])

    # Ideal DCG: each query's positive grades (in the corpus or not), best first.
    p_row, p_grade = row[positive], grade[positive]
    by_row = np.lexsort((-p_grade, p_row))
    p_row, p_grade = p_row[by_row], p_grade[by_row]
    p_pos = np.arange(len(p_row)) - np.searchsorted(p_row, p_row)
    ideal_width = int(min(n_rel.max(initial=0), k_values[-1]))
    ideal = np.zeros((n_q, ideal_width))
    cut = p_pos < ideal_width
    ideal[p_row[cut], p_pos[cut]] = p_grade[cut] / _discounts(ideal_width)[p_pos[cut]]
    cum_ideal = np.hstack([zero, np.cumsum(ideal, axis=1)])

    first_rel = np.full(n_q, np.inf)  # 0-based rank of the first relevant document
    hit = relevant.any(axis=1)
    if width:
        first_rel[hit] = relevant.argmax(axis=1)[hit]

    def at(cumulative: np.ndarray, k: int) -> np.ndarray:  # value after the first k ranks
        return cumulative[:, min(k, cumulative.shape[1] - 1)]

    has_rel = n_rel > 0
    n_rel_f = np.maximum(n_rel, 1).astype(np.float64)
    metrics: dict[str, dict[int, np.ndarray]] = {name: {} for name in _PER_QUERY}
    for k in k_values:
        dcg, idcg = at(cum_dcg, k), at(cum_ideal, k)
        metrics["NDCG"][k] = np.where(idcg > 0.0, dcg / np.where(idcg > 0.0, idcg, 1.0), dcg)
        metrics["MAP"][k] = np.where(has_rel, at(cum_prec, k) / n_rel_f, 0.0)
        metrics["Recall"][k] = np.where(has_rel, at(cum_rel, k) / n_rel_f, 0.0)
        metrics["P"][k] = at(cum_rel, k) / k
        metrics["MRR"][k] = np.where(first_rel < k, 1.0 / (first_rel + 1.0), 0.0)
        metrics["Hit"][k] = (at(cum_rel, k) > 0).astype(np.float64)

    # mteb's confidences over all retrieved scores: max, std (np.std) and top-1 minus top-2.
    n_ret = valid.sum(axis=1)
    top = np.where(valid, sc, 0.0)
    first = top[:, 0] if width else np.zeros(n_q)
    second = top[:, 1] if width > 1 else np.zeros(n_q)
    conf = {"max": np.where(n_ret > 0, first, 0.0), "std": np.zeros(n_q),
            "diff1": np.where(n_ret > 1, first - second, 0.0)}
    for n in np.unique(n_ret[n_ret > 0]).tolist():
        rows_n = np.flatnonzero(n_ret == n)
        conf["std"][rows_n] = np.std(top[rows_n, :n], axis=1)
    return metrics, conf


def retrieval_scores(
    ranked_idx: np.ndarray,
    ranked_scores: np.ndarray,
    *,
    query_ids: Sequence[str],
    doc_ids: Sequence[str],
    qrels: Mapping[str, Mapping[str, int]],
    k_values: Sequence[int] = K_VALUES,
    skip_first_result: bool = False,
    block_elements: int = 1 << 22,
) -> dict[str, float]:
    """mteb's retrieval score dict for a ranking of `doc_ids` (row i belongs to `query_ids[i]`).

    `ranked_idx` may be padded with -1 (fewer documents than k) and need not be tie-ordered:
    rows are ranked as pytrec_eval does.  Pass mteb's retrieval depth (max(k_values) = 1000)
    documents per query, since the nAUC confidences use every retrieved score.  Rows are
    processed `block_elements` entries at a time, so (Q, 1000) inputs for 10^5+ queries fit.
    Queries without qrels, or with an empty qrels dict, are dropped, as mteb drops them before
    searching; judged documents missing from the corpus still count as relevant.

    With `skip_first_result` the top document of every query is removed before all metrics.
    When several documents tie for the top score, mteb removes whichever its top-k heap happens
    to list first (torch.topk's tie order decides); this removes the one pytrec_eval ranks first
    (largest id), which is the same document whenever the top score is unique.
    """
    ranked_idx, ranked_scores = np.asarray(ranked_idx), np.asarray(ranked_scores)
    if ranked_idx.ndim != 2 or ranked_idx.shape != ranked_scores.shape:
        raise ValueError("ranked_idx and ranked_scores must be 2-D arrays of the same shape")
    if len(query_ids) != len(ranked_idx):
        raise ValueError(f"{len(ranked_idx)} ranked rows but {len(query_ids)} query ids")
    if ranked_idx.size and ranked_idx.max() >= len(doc_ids):
        raise ValueError("ranked_idx refers to a document index beyond doc_ids")
    if 1 not in k_values:
        raise ValueError("k_values must contain 1: mteb reports accuracy as recall@1")
    k_values = sorted(set(k_values))

    kept_rows = np.array([i for i, q in enumerate(query_ids) if len(qrels.get(q, ())) > 0], dtype=np.int64)
    if not len(kept_rows):
        raise ValueError("no query has qrels; nothing to score")
    judgements = _Qrels([query_ids[i] for i in kept_rows.tolist()], qrels, doc_ids)

    id_ranks: list[np.ndarray] = []  # computed once, on the first tie

    def lazy_id_ranks() -> np.ndarray:
        if not id_ranks:
            id_ranks.append(doc_id_ranks(doc_ids))
        return id_ranks[0]

    n_kept = len(kept_rows)
    per_query = {name: {k: np.empty(n_kept) for k in k_values} for name in _PER_QUERY}
    conf = {fct: np.empty(n_kept) for fct in _CONFIDENCES}
    step = max(1, block_elements // max(1, ranked_idx.shape[1]))
    for start in range(0, n_kept, step):
        rows = kept_rows[start:start + step]
        idx = np.asarray(ranked_idx[rows], dtype=np.int64)
        sc = np.asarray(ranked_scores[rows], dtype=np.float64)
        if np.isnan(sc[idx >= 0]).any():
            raise ValueError("NaN values in ranked_scores")
        idx, sc = _pytrec_order(idx, np.where(idx >= 0, sc, -np.inf), lazy_id_ranks)
        if skip_first_result:
            idx, sc = idx[:, 1:], sc[:, 1:]
        block_metrics, block_conf = _block_metrics(idx, sc, *judgements.block(start, start + len(rows)),
                                                   k_values)
        for name, by_k in block_metrics.items():
            for k, values in by_k.items():
                per_query[name][k][start:start + len(rows)] = values
        for fct, values in block_conf.items():
            conf[fct][start:start + len(rows)] = values

    out: dict[str, float] = {}
    for name, key in (("NDCG", "ndcg"), ("MAP", "map"), ("Recall", "recall")):
        for k in k_values:
            out[f"{key}_at_{k}"] = round(_mean(per_query[name][k]), 5)
    out["accuracy"] = out["recall_at_1"]
    for k in k_values:
        out[f"precision_at_{k}"] = round(_mean(per_query["P"][k]), 5)
    for k in k_values:
        out[f"mrr_at_{k}"] = _mean(per_query["MRR"][k])
    for name, key in (("NDCG", "ndcg"), ("MAP", "map"), ("Recall", "recall"), ("P", "precision"),
                      ("MRR", "mrr")):
        for k in k_values:
            for fct, c in conf.items():
                out[f"nauc_{key}_at_{k}_{fct}"] = nauc(c, per_query[name][k])
    for k in k_values:
        out[f"hit_rate_at_{k}"] = round(_mean(per_query["Hit"][k]), 5)
    return out
