"""Zero-shot probabilities and scores against direct numpy computations."""

from __future__ import annotations

import numpy as np
import pytest

from mieb.metrics import zeroshot_probs, zeroshot_scores


def _cos(a, b):
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


def test_probs_softmax100_and_cosine():
    rng = np.random.default_rng(0)
    img = rng.normal(size=(30, 8)).astype(np.float32)
    lab = rng.normal(size=(5, 8)).astype(np.float32)
    cos = _cos(img.astype(np.float64), lab.astype(np.float64))
    logits = 100 * cos
    soft = np.exp(logits - logits.max(1, keepdims=True))
    soft /= soft.sum(1, keepdims=True)
    p = zeroshot_probs(img, lab)
    assert p.dtype == np.float32 and p.shape == (30, 5)
    np.testing.assert_allclose(p, soft, atol=1e-5)
    np.testing.assert_allclose(zeroshot_probs(img, lab, mode="cosine"), cos, atol=1e-6)
    with pytest.raises(ValueError):
        zeroshot_probs(img, lab, mode="other")


def test_binary_ap_depends_on_the_path_but_accuracy_does_not():
    rng = np.random.default_rng(1)
    img = rng.normal(size=(60, 4)).astype(np.float32)
    lab = rng.normal(size=(2, 4)).astype(np.float32)
    y = rng.integers(0, 2, 60)
    soft = zeroshot_scores(y, zeroshot_probs(img, lab))
    cos = zeroshot_scores(y, zeroshot_probs(img, lab, mode="cosine"))
    assert soft["accuracy"] == cos["accuracy"]
    assert soft["ap"] is not None and cos["ap"] is not None
    from sklearn.metrics import average_precision_score

    assert cos["ap"] == pytest.approx(average_precision_score(y, _cos(img, lab)[:, 1]), abs=1e-6)


def test_argmax_ties_take_the_first_label():
    probs = np.array([[0.5, 0.5], [0.2, 0.8]], dtype=np.float32)
    assert zeroshot_scores([0, 1], probs)["accuracy"] == 1.0
