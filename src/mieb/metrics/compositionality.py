"""Image-text pair (compositionality) scores: Winoground-style text, image and group accuracy."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def pair_classification_scores(img_emb: np.ndarray | torch.Tensor,
                               txt_emb: np.ndarray | torch.Tensor) -> dict[str, float]:
    """text_acc, image_acc and accuracy (group) for rows of I images and T texts.

    `img_emb` is (N, I, d), `txt_emb` (N, T, d); the correct pairing is image i with text i.
    A row is text-correct when every image's best text (first maximum on ties) is its own
    index, image-correct when every text's best image is; with I != T such a row can never be
    correct on the longer side (mteb compares against ``arange`` of each side's length).
    Means are taken in float32, as mteb does, so e.g. 0.7 reads 0.699999988079071.
    """
    # mteb keeps the embeddings' own dtype (float32 for nearly every model), normalises the flat (N*I, d)
    # and (N*T, d) matrices and multiplies each row's (I, d) by its (d, T) on its own: a batched product
    # can differ in the last bit, which decides argmax between near-equal scores.
    images, texts = torch.as_tensor(img_emb), torch.as_tensor(txt_emb)
    if images.ndim != 3 or texts.ndim != 3 or len(images) != len(texts):
        raise ValueError("img_emb and txt_emb must be (N, I, d) and (N, T, d) with the same N")
    dtype = torch.promote_types(images.dtype, texts.dtype)
    n, n_img, n_txt = images.shape[0], images.shape[1], texts.shape[1]
    images = F.normalize(images.to(dtype).reshape(n * n_img, -1), dim=-1).view(n, n_img, -1)
    texts = F.normalize(texts.to(dtype).reshape(n * n_txt, -1), dim=-1).view(n, n_txt, -1)
    with torch.inference_mode():
        sims = torch.stack([i @ t.t() for i, t in zip(images, texts, strict=True)]) if n else \
            torch.zeros(0, n_img, n_txt)  # (N, I, T)
        text_ok = (sims.argmax(dim=2) == torch.arange(n_img)).all(dim=1)
        image_ok = (sims.argmax(dim=1) == torch.arange(n_txt)).all(dim=1)
        group_ok = text_ok & image_ok
    return {
        "image_acc": image_ok.float().mean().item(),
        "text_acc": text_ok.float().mean().item(),
        "accuracy": group_ok.float().mean().item(),
    }
