"""DINOv3 ViTs through transformers: `AutoModel` and the checkpoint's `AutoImageProcessor` at the card's
revision, the CLS token of the last (layer-normed) hidden state, unnormalised, as the reference. Image only:
text raises ModalityError through the base class."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from PIL import Image

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, dtype_kwarg, resolve_weights


class Dinov3Encoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        super().__init__(meta, device, precision)
        from transformers import AutoImageProcessor, AutoModel

        source, revision = resolve_weights(meta)
        self.model = AutoModel.from_pretrained(source, revision=revision, **dtype_kwarg(self.weights_dtype))
        self.model = self.model.eval().to(self.device)
        self.processor = AutoImageProcessor.from_pretrained(source, revision=revision)

    def encode_images(self, images: Sequence[Image.Image], ctx: EncodeContext) -> torch.Tensor:
        """RGB PIL images -> (B, hidden_size) CLS states."""
        pixels = self.processor(images=list(images), return_tensors="pt")["pixel_values"]
        pixels = pixels.to(self.device, dtype=self.weights_dtype)
        return self.model(pixel_values=pixels).last_hidden_state[:, 0]


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> Dinov3Encoder:
    check_no_options(meta, kwargs)
    return Dinov3Encoder(meta, device=device, precision=precision)
