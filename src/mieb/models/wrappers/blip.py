"""BLIP image-text retrieval checkpoints through transformers' `BlipForImageTextRetrieval`.

The ITC embeddings, as the reference computes them: each tower's CLS state through its projection
(`vision_proj`, `text_proj`), then L2-normalised. The text encoder runs alone (no image cross-attention).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import (
    check_no_options,
    check_preprocessing,
    dtype_kwarg,
    resolve_weights,
    tokenizer_kwargs,
)


class BlipEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        super().__init__(meta, device, precision)
        from transformers import AutoTokenizer, BlipForImageTextRetrieval

        source, revision = resolve_weights(meta)
        self.model = BlipForImageTextRetrieval.from_pretrained(source, revision=revision,
                                                               **dtype_kwarg(self.weights_dtype))
        self.model = self.model.eval().to(self.device)
        self.tokenizer = AutoTokenizer.from_pretrained(source, revision=revision)
        check_preprocessing(meta)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        hidden = self.model.vision_model(pixel_values=images)[0]
        return F.normalize(self.model.vision_proj(hidden[:, 0, :]), dim=-1)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        tokens = self.tokenizer(list(texts), **tokenizer_kwargs(self.meta)).to(self.device)
        hidden = self.model.text_encoder(input_ids=tokens["input_ids"], attention_mask=tokens["attention_mask"])[0]
        return F.normalize(self.model.text_proj(hidden[:, 0, :]), dim=-1)


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> BlipEncoder:
    check_no_options(meta, kwargs)
    return BlipEncoder(meta, device=device, precision=precision)
