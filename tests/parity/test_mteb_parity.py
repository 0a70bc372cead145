"""Given the same inputs, mieb's metrics equal the reference's (mteb's own functions).

Runs only where `mteb` is importable (it is not a dependency of mieb); skips cleanly elsewhere. The
comparisons live in scripts/parity_mteb_metrics.py, which also prints the largest difference per family:
    python scripts/parity_mteb_metrics.py --seeds 30
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("mteb")

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "parity_mteb_metrics.py"
_spec = importlib.util.spec_from_file_location("parity_mteb_metrics", _SCRIPT)
parity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(parity)  # type: ignore[union-attr]

CHECKS = ["check_retrieval", "check_rerank", "check_classification", "check_undersampling", "check_multilabel",
          "check_zeroshot", "check_clustering", "check_sts", "check_compositionality"]


@pytest.mark.parametrize("check", CHECKS)
def test_metric_family_matches_mteb(check: str) -> None:
    worst = parity.Worst()
    for seed in range(5):
        getattr(parity, check)(np.random.default_rng(seed), worst)
    assert worst.diff, "nothing was compared"
    # float32 matrix products in reranking may differ in the last bit; everything else is exact
    tolerance = 1e-6 if check == "check_rerank" else 0.0
    assert max(worst.diff.values()) <= tolerance, worst.diff
