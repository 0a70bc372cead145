"""ALIGN through transformers' `AlignModel`: `get_image_features` (the EfficientNet pooled state) and
`get_text_features` (BERT CLS through the text projection), unnormalised, as the reference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import (
    check_no_options,
    dtype_kwarg,
    pooled,
    resolve_weights,
    tokenizer_kwargs,
)


class AlignEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        super().__init__(meta, device, precision)
        from transformers import AlignModel, AutoTokenizer

        source, revision = resolve_weights(meta)
        self.model = AlignModel.from_pretrained(source, revision=revision, **dtype_kwarg(self.weights_dtype))
        self.model = self.model.eval().to(self.device)
        self.tokenizer = AutoTokenizer.from_pretrained(source, revision=revision)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        return pooled(self.model.get_image_features(pixel_values=images))

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        tokens = self.tokenizer(list(texts), **tokenizer_kwargs(self.meta)).to(self.device)
        return pooled(self.model.get_text_features(**tokens))


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> AlignEncoder:
    check_no_options(meta, kwargs)
    return AlignEncoder(meta, device=device, precision=precision)
