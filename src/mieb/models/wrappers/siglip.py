"""SigLIP / SigLIP2 through transformers: `AutoModel` + `AutoTokenizer` at the card's revision.

Text is padded to the card's full length (`padding="max_length"`, as SigLIP was trained and as the
reference does), and every tensor the tokenizer returns is passed on, so the text tower sees exactly the
reference's inputs. Images arrive resized to a square and normalised by the framework.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import (
    check_no_options,
    check_preprocessing,
    dtype_kwarg,
    pooled,
    require,
    resolve_weights,
    tokenizer_kwargs,
)


class SiglipEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        super().__init__(meta, device, precision)
        if meta.extra == "siglip":
            require("sentencepiece", "siglip", f"the tokenizer of {meta.name}")
        from transformers import AutoModel, AutoTokenizer

        source, revision = resolve_weights(meta)
        self.model = AutoModel.from_pretrained(source, revision=revision, **dtype_kwarg(self.weights_dtype))
        self.model = self.model.eval().to(self.device)
        self.tokenizer = AutoTokenizer.from_pretrained(source, revision=revision)
        check_preprocessing(meta)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        return pooled(self.model.get_image_features(pixel_values=images))

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        tokens = self.tokenizer(list(texts), **tokenizer_kwargs(self.meta)).to(self.device)
        return pooled(self.model.get_text_features(**tokens))


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> SiglipEncoder:
    check_no_options(meta, kwargs)
    return SiglipEncoder(meta, device=device, precision=precision)
