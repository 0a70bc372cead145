"""OpenAI CLIP (and CLIP-architecture checkpoints) through transformers.

Loading is exactly what a user with internet runs: `CLIPModel.from_pretrained(name, revision=...)`
and `AutoTokenizer.from_pretrained(name, revision=...)`. Text is tokenised like the reference
(padding to the longest, truncation at the model's 77 tokens); images arrive already resized, cropped
and normalised by the framework, as the slow CLIPImageProcessor would produce them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import pooled, resolve_weights


class CLIPEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        super().__init__(meta, device, precision)
        from transformers import AutoTokenizer, CLIPModel

        from mieb.models.wrappers._common import dtype_kwarg  # (_common imports this module)

        source, revision = resolve_weights(meta)
        self.model = CLIPModel.from_pretrained(source, revision=revision, **dtype_kwarg(self.weights_dtype))
        self.model = self.model.eval().to(self.device)
        self.tokenizer = AutoTokenizer.from_pretrained(source, revision=revision)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        return pooled(self.model.get_image_features(pixel_values=images))

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        assert self.meta.text is not None
        tokens = self.tokenizer(
            list(texts),
            padding="max_length" if self.meta.text.padding == "max_length" else True,
            truncation=True,
            max_length=self.meta.text.max_length,
            return_tensors="pt",
        ).to(self.device)
        return pooled(self.model.get_text_features(input_ids=tokens["input_ids"],
                                                    attention_mask=tokens["attention_mask"]))


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> CLIPEncoder:
    if kwargs:
        raise TypeError(f"unexpected options for {meta.name}: {sorted(kwargs)}")
    return CLIPEncoder(meta, device=device, precision=precision)
