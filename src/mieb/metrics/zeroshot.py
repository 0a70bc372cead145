"""Zero-shot class scores for images against label-prompt embeddings, as mteb's two paths do.

mteb picks the path from the order of a task's ``modalities`` list: ``["image", "text"]`` gives
softmax(100 * cosine) (``mode="softmax100"``), anything else the model's own similarity, which
is cosine for nearly every image model (``mode="cosine"``).  Argmax agrees, binary ``ap`` does not.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import torch
import torch.nn.functional as F

from .classification import classification_scores


def zeroshot_probs(
    image_emb: np.ndarray | torch.Tensor,
    label_emb: np.ndarray | torch.Tensor,
    *,
    mode: Literal["softmax100", "cosine"] = "softmax100",
) -> np.ndarray:
    """(n_images, n_labels) float32 scores, computed in torch float32 with mteb's operations.

    softmax100: divide each side by its norm, ``image @ label.T``, then ``softmax(100 * logits)``;
    cosine: ``F.normalize`` both sides, then ``image @ label.T``.
    """
    images = torch.as_tensor(image_emb).to(torch.float32)
    labels = torch.as_tensor(label_emb).to(torch.float32)
    with torch.inference_mode():
        if mode == "softmax100":
            images = images / images.norm(dim=-1, keepdim=True)
            labels = labels / labels.norm(dim=-1, keepdim=True)
            probs = (images @ labels.T * 100).softmax(dim=-1)
        elif mode == "cosine":
            probs = F.normalize(images, p=2, dim=1) @ F.normalize(labels, p=2, dim=1).T
        else:
            raise ValueError(f"mode must be 'softmax100' or 'cosine', got {mode!r}")
    return probs.numpy()


def zeroshot_scores(labels: np.ndarray | list[int], probs: np.ndarray) -> dict[str, float | None]:
    """mteb's zero-shot scores: classification metrics of the argmax (first maximum on ties),
    with ``ap``/``ap_weighted`` ranked by ``probs[:, 1]`` for two-class tasks."""
    probs = np.asarray(probs)
    return classification_scores(labels, probs.argmax(axis=1), probs=probs)
