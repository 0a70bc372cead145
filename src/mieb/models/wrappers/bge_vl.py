"""BGE-VL (MegaPairs CLIP models) through transformers' `CLIPModel`: the authors' `encode` (see cards/bge_vl.py).
Text and image embeddings are the L2-normalised CLIP features; an image+text input is the L2-normalised
sum of its unnormalised image and text features."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from mieb.models.encoder import EncodeContext
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, check_preprocessing
from mieb.models.wrappers.clip import CLIPEncoder


class BgeVlEncoder(CLIPEncoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        super().__init__(meta, device, precision)
        check_preprocessing(meta)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        """(B, 3, 224, 224) normalised images -> (B, d) unit vectors."""
        return F.normalize(super().encode_images(images, ctx), dim=-1)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        """Texts, as given (no instruction) -> (B, d) unit vectors."""
        return F.normalize(super().encode_texts(texts, ctx), dim=-1)

    def encode_fused(self, images: torch.Tensor, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        """Image+text pairs -> (B, d) unit vectors of the summed raw features (the authors' encode_multimodal)."""
        return F.normalize(super().encode_images(images, ctx) + super().encode_texts(texts, ctx), dim=-1)


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> BgeVlEncoder:
    check_no_options(meta, kwargs)
    return BgeVlEncoder(meta, device=device, precision=precision)
