"""Test encoders with known embeddings, for evaluator tests whose right answer is known by construction."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

COLOURS = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}


def colour_meta(name: str = "test/colour-oracle", fusion: str | None = "sum") -> ModelMeta:
    return ModelMeta(
        name=name, revision="1", loader="fake_models:load", family="test", modalities=["image", "text"],
        image=ImagePreprocessing(size=16, crop_size=16, mean=(0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0)),
        text=TextPreprocessing(), fusion=fusion, embed_dim=3,
    )


class ColourOracle(Encoder):
    """Embeds an image as its mean RGB and a text as the RGB of the first colour word it contains.

    With cosine similarity, an image of a colour is closest to the text naming it, so a correct
    evaluator scores 1.0 on colour tasks, and a label mix-up shows immediately.
    """

    def __init__(self, meta: ModelMeta | None = None, nan_on_text: bool = False, precision: str | None = "fp32",
                 **kw):
        super().__init__(meta or colour_meta(), device="cpu", precision=precision)
        self.nan_on_text = nan_on_text
        self.image_calls = 0
        self.text_calls = 0

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        self.image_calls += 1
        return images.float().mean(dim=(2, 3)) + 1e-3

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        self.text_calls += 1
        out = []
        for t in texts:
            vec = next((COLOURS[w] for w in COLOURS if w in t.lower()), (85, 85, 85))
            out.append(np.asarray(vec, dtype=np.float32) / 255.0 + 1e-3)
        emb = torch.from_numpy(np.stack(out))
        if self.nan_on_text:
            emb[0, 0] = float("nan")
        return emb


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None) -> ColourOracle:
    return ColourOracle(meta, precision=precision)
