"""Feed identical random inputs to mteb 2.26.24's metric code and to mieb.metrics; print the
largest absolute difference per metric family.

Run with an interpreter that has mteb installed (kept out of mieb's own environment), e.g.

    /work/venv-mteb/bin/python scripts/parity_mteb_metrics.py [--seeds 20]

Where mteb's scoring sits inside an evaluator that needs a model or a dataset, the script calls
the evaluator's scoring method on inputs built the way the evaluator builds them.
"""

from __future__ import annotations

import argparse
import heapq
import math
import sys
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch
import torch.nn.functional as F
from datasets import Dataset
from mteb._evaluators.classification_metrics import hamming_score
from mteb._evaluators.retrieval_metrics import calculate_retrieval_scores, make_score_dict
from mteb.abstasks.classification import AbsTaskClassification
from mteb.abstasks.clustering_legacy import AbsTaskClusteringLegacy
from mteb.abstasks.image.image_text_pair_classification import AbsTaskImageTextPairClassification
from mteb.abstasks.multilabel_classification import AbsTaskMultilabelClassification
from mteb.abstasks.sts import AbsTaskSTS
from mteb.abstasks.zeroshot_classification import AbsTaskZeroShotClassification
from mteb.similarity_functions import cos_sim, pairwise_cos_sim, similarity
from sklearn.cluster import MiniBatchKMeans
from sklearn.metrics.pairwise import (
    paired_cosine_distances,
    paired_euclidean_distances,
    paired_manhattan_distances,
)
from sklearn.neighbors import KNeighborsClassifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from mieb import metrics

K_VALUES = [1, 3, 5, 10, 20, 100, 1000]


class Worst:
    """Largest |mieb - mteb| per metric family, with NaN == NaN and key sets required equal."""

    def __init__(self) -> None:
        self.diff: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)

    def compare(self, family: str, ours: dict, theirs: dict) -> None:
        if set(ours) != set(theirs):
            raise AssertionError(f"{family}: key sets differ: {set(ours) ^ set(theirs)}")
        for key, ref in theirs.items():
            got = ours[key]
            if ref is None or got is None:
                if (ref is None) != (got is None):
                    raise AssertionError(f"{family}/{key}: {got} vs {ref}")
                continue
            if math.isnan(ref) and math.isnan(got):
                continue
            sub = key.split("_at_")[0] if "_at_" in key else key
            name = f"{family}:{sub}"
            self.diff[name] = max(self.diff[name], abs(float(got) - float(ref)))
            self.count[name] += 1

    def report(self) -> None:
        for name in sorted(self.diff):
            print(f"{name:45s} max|diff| = {self.diff[name]:.3g}   ({self.count[name]} values)")


def _random_ranking(rng: np.random.Generator, n_q: int, n_d: int, dim: int, k: int, coarse: bool):
    q = rng.normal(size=(n_q, dim)).astype(np.float32)
    d = rng.normal(size=(n_d, dim)).astype(np.float32)
    if coarse:  # coarse values and duplicate documents: many exact ties
        q, d = np.round(q, 0), np.round(d, 0)
        d[rng.choice(n_d, n_d // 10, replace=False)] = d[0]
    doc_ids = [f"doc-{rng.integers(0, 10**6)}-{i}" for i in range(n_d)]
    idx, sc = metrics.search_top_k(q, d, k, tie_break=metrics.doc_id_ranks(doc_ids))
    short = rng.random(n_q) < 0.2  # some queries retrieve fewer documents (padding)
    for row in np.flatnonzero(short):
        cut = int(rng.integers(0, idx.shape[1]))
        idx[row, cut:], sc[row, cut:] = -1, -np.inf
    return idx, sc, doc_ids


def _random_qrels(rng: np.random.Generator, query_ids, doc_ids):
    qrels = {}
    for qid in query_ids:
        if rng.random() < 0.1:
            continue  # query without qrels: dropped
        n = int(rng.integers(0, 8))
        docs = rng.choice(len(doc_ids), n, replace=False)
        rel = {doc_ids[j]: int(rng.integers(0, 4)) for j in docs}  # graded, with score-0 judgements
        if rng.random() < 0.2:
            rel[f"missing-{qid}"] = 1  # judged document absent from the corpus (HatefulMemes)
        qrels[qid] = rel  # may be empty: dropped as well
    return qrels


def _mteb_retrieval(results, qrels, skip):
    ref = calculate_retrieval_scores(results, qrels, K_VALUES, skip_first_result=skip)
    return make_score_dict(ndcg=ref.ndcg, _map=ref.map, recall=ref.recall, precision=ref.precision,
                           mrr=ref.mrr, naucs=ref.naucs, naucs_mrr=ref.naucs_mrr, hit_rate=ref.hit_rate,
                           task_scores={})


def check_retrieval(rng: np.random.Generator, worst: Worst) -> None:
    for coarse in (True, False):
        n_q, n_d = int(rng.integers(5, 60)), int(rng.integers(20, 1500))
        dim = int(rng.integers(2, 6)) if coarse else 16
        idx, sc, doc_ids = _random_ranking(rng, n_q, n_d, dim, 1000, coarse)
        query_ids = [f"q{i}" for i in range(n_q)]
        qrels = _random_qrels(rng, query_ids, doc_ids)
        kept = [i for i, q in enumerate(query_ids) if qrels.get(q)]
        if not kept:
            continue
        kept_qrels = {query_ids[i]: qrels[query_ids[i]] for i in kept}
        ranked = {query_ids[i]: [(doc_ids[j], float(s)) for j, s in zip(idx[i], sc[i], strict=False) if j >= 0]
                  for i in kept}
        if coarse:
            # Documents inserted best first, the order search_top_k returns; ours gets every row
            # in random order (it must rank it itself) and all queries, including those mteb drops.
            results = {q: dict(items) for q, items in ranked.items()}
            shuffle = np.argsort(rng.random(sc.shape), axis=1)
            for skip in (False, True):
                ours = metrics.retrieval_scores(np.take_along_axis(idx, shuffle, 1),
                                                np.take_along_axis(sc, shuffle, 1), query_ids=query_ids,
                                                doc_ids=doc_ids, qrels=qrels, skip_first_result=skip)
                family = "retrieval+skip" if skip else "retrieval"
                worst.compare(family, ours, _mteb_retrieval(results, kept_qrels, skip))
        else:
            # mteb fills each results dict in heap order, not best first; only the rounding of the
            # std confidence (np.std over the scores in that order) can depend on it.
            results = {q: dict(items[i] for i in rng.permutation(len(items))) for q, items in ranked.items()}
            ours = metrics.retrieval_scores(idx, sc, query_ids=query_ids, doc_ids=doc_ids, qrels=qrels)
            worst.compare("retrieval(results dict in random order)", ours,
                          _mteb_retrieval(results, kept_qrels, False))


def _mteb_style_search(q, d, doc_ids, k, chunk):
    """mteb's full-corpus search: torch.topk(k + 1) per corpus chunk, merged in a (score, id) heap."""
    heaps: list[list] = [[] for _ in range(len(q))]
    for start in range(0, len(d), chunk):
        s = cos_sim(q, d[start:start + chunk])
        vals, pos = torch.topk(s, min(k + 1, s.shape[1]), dim=1)
        for row in range(len(q)):
            for p, v in zip(pos[row].tolist(), vals[row].tolist(), strict=False):
                item = (v, doc_ids[start + p])
                (heapq.heappush if len(heaps[row]) < k else heapq.heappushpop)(heaps[row], item)
    return [sorted(h, reverse=True) for h in heaps]


def check_search(rng: np.random.Generator, worst: Worst) -> None:
    """search_top_k (same corpus chunking, doc-id tie-break) against mteb's chunked heap search.

    With continuous embeddings every row must match.  With coarse embeddings (many exact ties)
    mteb's per-chunk topk(k + 1) may drop tied candidates at a chunk's cut-off, which torch
    picks arbitrarily; such rows are counted separately and not treated as failures.
    """
    for family, coarse in (("search_top_k", False), ("search_top_k(ties)", True)):
        n_q, n_d, k = int(rng.integers(3, 20)), int(rng.integers(10, 400)), int(rng.integers(1, 60))
        q = rng.normal(size=(n_q, 3)).astype(np.float32)
        d = rng.normal(size=(n_d, 3)).astype(np.float32)
        if coarse:
            q, d = np.round(q, 0), np.round(d, 0)
        doc_ids = [f"d{rng.integers(0, 10**9)}" for _ in range(n_d)]
        chunk = int(rng.integers(max(1, n_d // 4), n_d + 1))
        ref = _mteb_style_search(q, d, doc_ids, k, chunk)
        idx, sc = metrics.search_top_k(q, d, k, chunk_size=chunk, query_chunk_size=n_q,
                                       tie_break=metrics.doc_id_ranks(doc_ids))
        ours = [[(float(s), doc_ids[j]) for j, s in zip(idx[r], sc[r], strict=False)] for r in range(n_q)]
        differing = float(sum(a != b for a, b in zip(ours, ref, strict=False)))
        if not coarse and differing:
            raise AssertionError("search_top_k differs from mteb's search on tie-free scores")
        worst.compare(family, {"rows_differing": differing}, {"rows_differing": 0.0})


def check_rerank(rng: np.random.Generator, worst: Worst) -> None:
    """rerank_candidates against mteb's per-query loop: similarity(query, its candidates), top-k."""
    n_q, n_d = int(rng.integers(3, 30)), int(rng.integers(6, 50))
    q = rng.normal(size=(n_q, 5)).astype(np.float32)
    d = rng.normal(size=(n_d, 5)).astype(np.float32)
    cands = [rng.choice(n_d, int(rng.integers(1, 7)), replace=False).tolist() for _ in range(n_q)]
    idx, sc = metrics.rerank_candidates(q, d, cands)
    diff = 0.0
    for row, c in enumerate(cands):
        s = cos_sim(torch.as_tensor(q[row]).unsqueeze(0), d[c])[0]
        ref = dict(zip(c, s.tolist(), strict=False))
        got = {int(j): float(v) for j, v in zip(idx[row], sc[row], strict=False) if j >= 0}
        if set(got) != set(ref):
            raise AssertionError("rerank candidate sets differ")
        diff = max(diff, max(abs(got[j] - ref[j]) for j in ref))
    worst.compare("rerank_candidates", {"score": diff}, {"score": 0.0})


def check_classification(rng: np.random.Generator, worst: Worst) -> None:
    n_classes = int(rng.integers(2, 6))
    y_true = rng.integers(0, n_classes, 200)
    y_pred = np.where(rng.random(200) < 0.6, y_true, rng.integers(0, n_classes, 200))
    ref = AbsTaskClassification._calculate_scores(None, y_true.tolist(), y_pred)
    worst.compare("classification(linear probe)", metrics.classification_scores(y_true, y_pred), dict(ref))

    # one full linear-probe experiment on random embeddings
    emb = rng.normal(size=(120, 16)).astype(np.float32)
    labels = rng.integers(0, n_classes, 120)
    (train,) = metrics.undersample_indices(labels, 8, 1)
    test = np.setdiff1d(np.arange(120), train)
    ours = metrics.linear_probe_experiment(emb[train], labels[train], emb[test], labels[test])
    model = AbsTaskClassification.evaluator_model.set_params(random_state=42)
    model.fit(emb[train], labels[train].tolist())
    ref = AbsTaskClassification._calculate_scores(None, labels[test].tolist(), model.predict(emb[test]))
    worst.compare("classification(linear probe fit)", ours, dict(ref))


def check_undersampling(rng: np.random.Generator, worst: Worst) -> None:
    labels = rng.integers(0, int(rng.integers(2, 12)), int(rng.integers(5, 400))).tolist()
    spl, n_exp = int(rng.integers(1, 20)), int(rng.integers(1, 11))
    task = SimpleNamespace(seed=42, samples_per_label=spl, label_column_name="label")
    ds = Dataset.from_dict({"label": labels})
    idxs, ref = None, []
    for i in range(n_exp):
        _, idxs, selected = AbsTaskClassification._undersample_data(task, ds, i, idxs)
        ref.append(selected)
    ours = metrics.undersample_indices(labels, spl, n_exp)
    bad = sum(o.tolist() != r for o, r in zip(ours, ref, strict=False))
    worst.compare("undersample_indices", {"experiments_differing": float(bad)},
                  {"experiments_differing": 0.0})

    label_lists = [rng.choice(6, int(rng.integers(0, 4)), replace=False).tolist() for _ in range(150)]
    task = SimpleNamespace(np_rng=np.random.default_rng(42))
    ref = [AbsTaskMultilabelClassification._undersample_data_indices(task, label_lists, spl, None)[0]
           for _ in range(n_exp)]
    ours = metrics.multilabel_undersample_indices(label_lists, spl, n_exp, np.random.default_rng(42))
    bad = sum(o.tolist() != [int(x) for x in r] for o, r in zip(ours, ref, strict=False))
    worst.compare("multilabel_undersample_indices", {"experiments_differing": float(bad)},
                  {"experiments_differing": 0.0})


def check_multilabel(rng: np.random.Generator, worst: Worst) -> None:
    x_train = rng.normal(size=(60, 8)).astype(np.float32)
    x_test = rng.normal(size=(80, 8)).astype(np.float32)
    y_train = (rng.random((60, 5)) < 0.3).astype(int)
    y_test = (rng.random((80, 5)) < 0.3).astype(int)
    knn = KNeighborsClassifier(n_neighbors=5).fit(x_train, y_train)
    ref = AbsTaskMultilabelClassification._calculate_scores(None, y_test, knn.predict(x_test), x_test, knn)
    ours = metrics.multilabel_knn_experiment(x_train, y_train, x_test, y_test)
    worst.compare("multilabel(kNN)", ours, dict(ref))
    pred = (rng.random((80, 5)) < 0.3).astype(int)
    worst.compare("multilabel:hamming", {"hamming": metrics.multilabel_scores(y_test, pred, pred)["hamming"]},
                  {"hamming": hamming_score(y_test, pred)})


def check_zeroshot(rng: np.random.Generator, worst: Worst) -> None:
    n_labels = int(rng.integers(2, 8))
    img = rng.normal(size=(100, 12)).astype(np.float32)
    lab = rng.normal(size=(n_labels, 12)).astype(np.float32)
    y = rng.integers(0, n_labels, 100).tolist()
    for mode, ref_probs in (("softmax100", similarity(lab, img)), ("cosine", cos_sim(img, lab))):
        probs = metrics.zeroshot_probs(img, lab, mode=mode)
        worst.compare(f"zeroshot[{mode}]:probs", {"p": float(np.abs(probs - ref_probs.numpy()).max())},
                      {"p": 0.0})
        ref = AbsTaskZeroShotClassification._calculate_scores(None, y, ref_probs)
        worst.compare(f"zeroshot[{mode}]", metrics.zeroshot_scores(y, probs), dict(ref))


def check_clustering(rng: np.random.Generator, worst: Worst) -> None:
    centres = rng.normal(size=(6, 10)) * 3
    labels = rng.integers(0, 6, 700)
    emb = (centres[labels] + rng.normal(size=(700, 10))).astype(np.float32)
    assign = MiniBatchKMeans(n_clusters=len(set(labels.tolist())), batch_size=500, n_init="auto",
                             compute_labels=True, random_state=42).fit(emb).labels_.tolist()
    ref = AbsTaskClusteringLegacy._compute_metrics(None, labels.tolist(), assign)
    worst.compare("clustering", metrics.clustering_scores(emb, labels), dict(ref))
    shuffled = rng.permutation(assign)  # unequal label and cluster id sets
    ref = AbsTaskClusteringLegacy._compute_metrics(None, (labels + 3).tolist(), shuffled.tolist())
    worst.compare("clustering(metrics only)", metrics.cluster_metrics(labels + 3, shuffled), dict(ref))


def check_sts(rng: np.random.Generator, worst: Worst) -> None:
    e1 = rng.normal(size=(150, 16)).astype(np.float32)
    e2 = (e1 + rng.normal(size=(150, 16))).astype(np.float32)
    gold = rng.integers(0, 26, 150) / 5
    scores = {
        "cosine_scores": (1 - paired_cosine_distances(e1, e2)).tolist(),
        "manhattan_distances": (-paired_manhattan_distances(e1, e2)).tolist(),
        "euclidean_distances": (-paired_euclidean_distances(e1, e2)).tolist(),
        "similarity_scores": pairwise_cos_sim(e1, e2).tolist(),
    }
    ref = AbsTaskSTS._calculate_scores(SimpleNamespace(), scores, [(x - 0) / (5 - 0) for x in gold.tolist()])
    worst.compare("sts", metrics.sts_scores(e1, e2, gold), dict(ref))


def check_compositionality(rng: np.random.Generator, worst: Worst) -> None:
    for n_img, n_txt in ((1, 5), (2, 2), (10, 1), (3, 2)):
        img = np.round(rng.normal(size=(200, n_img, 4)), 0).astype(np.float32)  # ties included
        txt = np.round(rng.normal(size=(200, n_txt, 4)), 0).astype(np.float32)
        img[:, :, 0] += 0.01  # avoid all-zero vectors
        ni = F.normalize(torch.tensor(img.reshape(-1, 4)), dim=-1).view(200, n_img, -1)
        nt = F.normalize(torch.tensor(txt.reshape(-1, 4)), dim=-1).view(200, n_txt, -1)
        scores = [i @ t.t() for i, t in zip(ni, nt, strict=False)]
        ref = AbsTaskImageTextPairClassification._compute_metrics(None, scores, n_img, n_txt)
        worst.compare("compositionality", metrics.pair_classification_scores(img, txt), dict(ref))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    worst = Worst()
    for seed in range(args.seeds):
        rng = np.random.default_rng(seed)
        for check in (check_retrieval, check_search, check_rerank, check_classification, check_undersampling,
                      check_multilabel, check_zeroshot, check_clustering, check_sts, check_compositionality):
            check(rng, worst)
    worst.report()


if __name__ == "__main__":
    main()
