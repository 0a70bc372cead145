"""Retrieval scoring alone: search (top-1,000 of every query) and every metric, for Q queries x D documents.

The same embeddings (seeded, 512-d, unit length) and qrels (one relevant document per query, a second
one for every third query) go through one side:

- `reference`: mteb 2.26.24's own stages, run in its environment: `chunked_full_corpus_search` (the
  corpus chunking, torch.topk and per-query heaps of its search wrapper; the chunk "encoder" returns
  the precomputed embeddings and its time is subtracted), the heaps turned into its results dict as
  `SearchEncoderWrapper.search` does, then `RetrievalEvaluator.evaluate` and `make_score_dict`;
- `mieb`: `mieb.metrics.retrieval.search_top_k` with the document-id tie-break and `retrieval_scores`,
  what mieb's retrieval protocol calls.

Prints one JSON line: seconds per stage, the score dict. benchmarks/speed_vs_reference.py runs both and
compares (scores equal to 1e-6: float32 similarities; nAUC uses every retrieved score).

    python benchmarks/speed_scoring.py {reference,mieb} [--queries 5000] [--docs 10000]
"""

from __future__ import annotations

import argparse
import inspect
import json
import time
from typing import Any

import numpy as np

K_VALUES = (1, 3, 5, 10, 20, 100, 1000)  # mteb's retrieval k values; top-k = 1,000


def workload(n_q: int, n_d: int, dim: int = 512) -> tuple[np.ndarray, np.ndarray, list[str], list[str],
                                                           dict[str, dict[str, int]]]:
    rs = np.random.RandomState(0)
    d = rs.randn(n_d, dim).astype(np.float32)
    q = d[rs.randint(0, n_d, size=n_q)] + 0.8 * rs.randn(n_q, dim).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    qids, dids = [f"q{i}" for i in range(n_q)], [f"d{i}" for i in range(n_d)]
    rel = rs.randint(0, n_d, size=(n_q, 2))
    qrels = {qid: {dids[a]: 1, **({dids[b]: 1} if i % 3 == 0 else {})}
             for i, (qid, (a, b)) in enumerate(zip(qids, rel, strict=True))}
    return q, d, qids, dids, qrels


def reference(q: np.ndarray, d: np.ndarray, qids: list[str], dids: list[str],
              qrels: dict[str, dict[str, int]]) -> tuple[dict[str, float], dict[str, Any]]:
    import datasets
    import mteb
    from mteb._evaluators.retrieval_evaluator import RetrievalEvaluator
    from mteb._evaluators.retrieval_metrics import make_score_dict
    from mteb.models.search_wrappers import SearchEncoderWrapper, chunked_full_corpus_search
    from mteb.similarity_functions import cos_sim

    t0 = time.perf_counter()
    corpus = datasets.Dataset.from_dict({"id": dids})
    chunk = inspect.signature(SearchEncoderWrapper).parameters["corpus_chunk_size"].default  # its default
    encoded = {"seconds": 0.0, "next": 0}

    def encode_fn(loader: Any, **_: Any) -> np.ndarray:  # the chunk's embeddings, as an encoder returns them
        s = time.perf_counter()
        n = len(loader.dataset)
        out = d[encoded["next"]:encoded["next"] + n]
        encoded["next"] += n
        encoded["seconds"] += time.perf_counter() - s
        return out

    meta = mteb.get_task("Flickr30kT2IRetrieval").metadata
    heaps = chunked_full_corpus_search(
        task_corpus=corpus, corpus_chunk_size=chunk, query_idx_to_id=dict(enumerate(qids)), query_embeddings=q,
        task_metadata=meta, hf_subset="default", hf_split="test", top_k=max(K_VALUES),
        encode_kwargs={"batch_size": 32, "show_progress_bar": False}, encode_fn=encode_fn, similarity_fn=cos_sim,
        search_k_offset=1)
    results: dict[str, dict[str, float]] = {qid: {} for qid in qids}
    for qid, heap in heaps.items():
        for score, corpus_id in heap:
            results[qid][corpus_id] = score
    t1 = time.perf_counter()
    _, ndcg, _map, recall, precision, naucs, mrr, naucs_mrr, hit_rate = RetrievalEvaluator.evaluate(
        None, qrels, results, list(K_VALUES))  # type: ignore[arg-type]  # a method that uses no state
    scores = make_score_dict(ndcg=ndcg, _map=_map, recall=recall, precision=precision, mrr=mrr, naucs=naucs,
                             naucs_mrr=naucs_mrr, hit_rate=hit_rate, task_scores={})
    t2 = time.perf_counter()
    search = t1 - t0 - encoded["seconds"]
    return scores, {"search": search, "score": t2 - t1, "total": search + t2 - t1}


def mieb(q: np.ndarray, d: np.ndarray, qids: list[str], dids: list[str],
         qrels: dict[str, dict[str, int]]) -> tuple[dict[str, float], dict[str, Any]]:
    from mieb.metrics.retrieval import doc_id_ranks, retrieval_scores, search_top_k

    t0 = time.perf_counter()
    idx, sc = search_top_k(q, d, max(K_VALUES), tie_break=doc_id_ranks(dids))
    t1 = time.perf_counter()
    scores = retrieval_scores(idx, sc, query_ids=qids, doc_ids=dids, qrels=qrels, k_values=K_VALUES)
    t2 = time.perf_counter()
    # The floor both sides share: the similarity matrix and a top-1,000 of each row, nothing else.
    import torch

    qt, dt = torch.from_numpy(q), torch.from_numpy(d)
    t3 = time.perf_counter()
    for start in range(0, len(qt), 1024):
        (qt[start:start + 1024] @ dt.T).topk(max(K_VALUES), dim=1, sorted=False)
    floor = time.perf_counter() - t3
    return scores, {"search": t1 - t0, "score": t2 - t1, "total": t2 - t0, "floor_matmul_topk": floor}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("side", choices=["reference", "mieb"])
    p.add_argument("--queries", type=int, default=5000)
    p.add_argument("--docs", type=int, default=10000)
    args = p.parse_args()
    data = workload(args.queries, args.docs)
    import torch  # imported before timing: neither side pays torch's import inside the stages

    torch.set_num_threads(torch.get_num_threads())
    scores, seconds = (reference if args.side == "reference" else mieb)(*data)
    print(json.dumps({"scores": {k: float(v) for k, v in scores.items() if isinstance(v, (int, float))},
                      "seconds": seconds}))


if __name__ == "__main__":
    main()
