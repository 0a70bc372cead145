"""Jina-CLIP v1 / v2 through the checkpoint's own remote code (`trust_remote_code`, refused unless the
user allows it): `AutoModel.from_pretrained(..., trust_remote_code=True)`, then its `encode_text` /
`encode_image`, which tokenise, preprocess and L2-normalise themselves (as the reference calls them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, dtype_kwarg, resolve_weights


class JinaCLIPEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        super().__init__(meta, device, precision)
        from transformers import AutoModel

        source, revision = resolve_weights(meta)
        self.model = AutoModel.from_pretrained(source, revision=revision, trust_remote_code=True,
                                               **dtype_kwarg(self.weights_dtype))
        self.model = self.model.eval().to(self.device)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self.model.encode_text(list(texts), convert_to_numpy=False, convert_to_tensor=True).float()

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> torch.Tensor:
        return self.model.encode_image(list(images), convert_to_numpy=False, convert_to_tensor=True).float()


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> JinaCLIPEncoder:
    check_no_options(meta, kwargs)
    assert trust_remote_code, "get_model refuses remote code unless trust_remote_code=True"
    return JinaCLIPEncoder(meta, device=device, precision=precision)
