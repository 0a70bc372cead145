"""DINOv2 through transformers: `AutoModel` at the card's revision, the CLS token of the last hidden state
(unnormalised, as the reference). Image only: text raises ModalityError through the base class."""

from __future__ import annotations

from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, check_preprocessing, dtype_kwarg, resolve_weights


class Dinov2Encoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        super().__init__(meta, device, precision)
        from transformers import AutoModel

        source, revision = resolve_weights(meta)
        self.model = AutoModel.from_pretrained(source, revision=revision, **dtype_kwarg(self.weights_dtype))
        self.model = self.model.eval().to(self.device)
        check_preprocessing(meta)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        return self.model(pixel_values=images).last_hidden_state[:, 0]


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> Dinov2Encoder:
    check_no_options(meta, kwargs)
    return Dinov2Encoder(meta, device=device, precision=precision)
