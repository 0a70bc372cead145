"""Nomic Embed Vision v1.5 + Nomic Embed Text v1.5 through their remote code (`trust_remote_code`).

As the reference: images through the vision checkpoint's own image processor, CLS state, L2-normalised;
texts tokenised (padding to the longest, truncation at the tokenizer's limit), mean-pooled over the
attention mask, layer-normed without affine weights and L2-normalised, with no task prefix.
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
    dtype_kwarg,
    resolve_weights,
    to_device_inputs,
    tokenizer_kwargs,
)


class NomicVisionEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 text_model: str, text_revision: str | None):
        super().__init__(meta, device, precision)
        from transformers import AutoImageProcessor, AutoModel, AutoTokenizer

        source, revision = resolve_weights(meta)
        self.processor = AutoImageProcessor.from_pretrained(source, revision=revision)
        dtype = dtype_kwarg(self.weights_dtype)
        self.vision = AutoModel.from_pretrained(source, revision=revision, trust_remote_code=True, **dtype)
        self.vision = self.vision.eval().to(self.device)
        self.text = AutoModel.from_pretrained(text_model, revision=text_revision, trust_remote_code=True, **dtype)
        self.text = self.text.eval().to(self.device)
        self.tokenizer = AutoTokenizer.from_pretrained(text_model, revision=text_revision)

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> torch.Tensor:
        inputs = to_device_inputs(self.processor(images=list(images), return_tensors="pt"), self.device,
                                  self.weights_dtype)
        return F.normalize(self.vision(**inputs).last_hidden_state[:, 0], p=2, dim=1)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        inputs = to_device_inputs(self.tokenizer(list(texts), **tokenizer_kwargs(self.meta)), self.device)
        tokens = self.text(**inputs)[0]
        mask = inputs["attention_mask"].unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return F.normalize(F.layer_norm(pooled, normalized_shape=(pooled.shape[1],)), p=2, dim=1)


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> NomicVisionEncoder:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("text_model", "text_revision"))
    assert trust_remote_code, "get_model refuses remote code unless trust_remote_code=True"
    return NomicVisionEncoder(meta, device=device, precision=precision, **options)
