"""MaxSim (late interaction) scoring: against an independent computation, memory-bounded blocks, and scores
bit-identical whatever the blocks (MaxSim budgets, search chunk sizes, host or device inputs, document order).

Multi-vector sets here are random, with token counts from 1 to hundreds, so blocks cut through items of
every width. The same property through a real model, the Embedder and the runner is in test_colqwen.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mieb.metrics.retrieval import rerank_candidates, search_top_k
from mieb.models.encoder import (
    MAXSIM_MIN_BLOCK_BYTES,
    MaxSimPlan,
    MaxSimRecord,
    MultiVector,
    maxsim,
    maxsim_budget,
)


def _unit(rng: np.random.RandomState, n: int, dim: int) -> np.ndarray:
    x = rng.randn(n, dim).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _sets(seed: int = 0, dim: int = 16) -> tuple[list[np.ndarray], list[np.ndarray]]:
    rng = np.random.RandomState(seed)
    queries = [_unit(rng, n, dim) for n in rng.randint(1, 40, size=23)]
    docs = [_unit(rng, n, dim) for n in rng.randint(1, 300, size=41)]
    return queries, docs


def _independent(q: list[np.ndarray], d: list[np.ndarray], floor_to: int | None) -> np.ndarray:
    """Per pair, in float64: sum over query tokens of the best dot product with a document token, the best
    floored at 0 when the document is shorter than `floor_to` (the reference's zero tokens)."""
    out = np.empty((len(q), len(d)))
    for i, qi in enumerate(q):
        for j, dj in enumerate(d):
            best = (qi.astype(np.float64) @ dj.astype(np.float64).T).max(axis=1)
            if floor_to is not None and len(dj) < floor_to:
                best = np.maximum(best, 0.0)
            out[i, j] = best.sum()
    return out


def test_maxsim_equals_an_independent_computation() -> None:
    q, d = _sets()
    qm, dm = MultiVector.from_list(q), MultiVector.from_list(d)
    width = max(len(x) for x in d)
    np.testing.assert_allclose(maxsim(qm, dm).numpy(), _independent(q, d, width), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(maxsim(qm, dm, padding="masked").numpy(), _independent(q, d, None), rtol=1e-5,
                               atol=1e-5)


def test_scores_are_bit_identical_whatever_the_blocks() -> None:
    q, d = _sets(1)
    qm, dm = MultiVector.from_list(q), MultiVector.from_list(d)
    full = maxsim(qm, dm, budget_bytes=1 << 30)
    plans = set()
    for budget in (1, 2_300_000, 4_000_000, 12_000_000, None):  # 1 x 1 blocks up to everything at once
        record = MaxSimRecord()
        scores = maxsim(qm, dm, budget_bytes=budget, record=record)
        assert torch.equal(scores, full), budget
        plans.add((record.blocks, record.max_document_vectors_per_block))
    assert len(plans) >= 4  # the blocks really differed
    # Inputs already on the device, and the documents in another order (each keeps its padded width).
    assert torch.equal(maxsim(qm.to_device("cpu"), dm.to_device("cpu"), budget_bytes=2_300_000), full)
    perm = np.random.RandomState(0).permutation(len(d))
    assert torch.equal(maxsim(qm, dm[perm], budget_bytes=4_000_000), full[:, perm])
    # Retrieval's own chunking (documents and queries per search block) on top of MaxSim's.
    ref_idx, ref_scores = search_top_k(qm, dm, 10, similarity=lambda a, b: maxsim(a, b))
    for chunk, q_chunk in ((1, 1), (7, 5), (40, 100)):
        idx, scores = search_top_k(qm, dm, 10, similarity=lambda a, b: maxsim(a, b, budget_bytes=3_000_000),
                                   chunk_size=chunk, query_chunk_size=q_chunk)
        np.testing.assert_array_equal(idx, ref_idx)
        np.testing.assert_array_equal(scores, ref_scores)
    cands = [list(np.random.RandomState(i).choice(len(d), 6, replace=False)) for i in range(len(q))]
    r_idx, r_scores = rerank_candidates(qm, dm, cands, similarity=lambda a, b: maxsim(a, b))
    np.testing.assert_array_equal(r_scores, full.numpy()[np.arange(len(q))[:, None], r_idx])


def test_plan_fits_its_budget_and_is_recorded() -> None:
    dim, n_q, width_q, n_d, width_d = 128, 500, 40, 5000, 800
    for budget in (MAXSIM_MIN_BLOCK_BYTES, 256 << 20, 4 << 30):
        plan = MaxSimPlan.fit(n_q, width_q, n_d, width_d, dim, budget)
        working = 4 * ((512 + 1024) * dim + 512 * 1024 + plan.query_vectors * dim + plan.document_vectors * dim
                       + plan.queries * plan.documents * width_q * (width_d + 2))
        assert working <= budget and plan.documents >= 1
        assert plan.query_vectors == plan.queries * width_q and plan.document_vectors == plan.documents * width_d
    # Too small for one pair: 1 x 1 blocks, never nothing.
    assert (MaxSimPlan.fit(3, 40, 3, 800, dim, 1).queries, MaxSimPlan.fit(3, 40, 3, 800, dim, 1).documents) == (1, 1)
    assert MAXSIM_MIN_BLOCK_BYTES <= maxsim_budget(torch.device("cpu")) <= 512 << 20
    record = MaxSimRecord()
    q, d = _sets(2)
    maxsim(MultiVector.from_list(q), MultiVector.from_list(d), budget_bytes=3_000_000, record=record)
    info = record.take()
    assert info["calls"] == 1 and info["blocks"] > 1 and info["min_budget_bytes"] == 3_000_000
    assert 0 < info["max_document_vectors_per_block"] and 0 < info["max_query_vectors_per_block"]
    assert record.take()["calls"] == 0  # taking restarts the count


def test_empty_sides_and_bad_padding() -> None:
    q, d = _sets(3)
    qm, dm = MultiVector.from_list(q), MultiVector.from_list(d)
    assert maxsim(qm[[]], dm).shape == (0, len(d)) and maxsim(qm, dm[[]]).shape == (len(q), 0)
    with pytest.raises(ValueError, match="padding"):
        maxsim(qm, dm, padding="zeros")  # type: ignore[arg-type]
