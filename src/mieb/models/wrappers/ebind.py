"""EBind through the `ebind` package (the `ebind` extra): `EBindModel` and `EBindProcessor` from the card's
repository at its revision. Images arrive prepared by the framework as the processor's image transform
makes them; text goes through the processor's tokenizer as given. Every output is the L2-normalised sum of
the model's per-modality embeddings, as the reference combines them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, require, resolve_weights


class EBindEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        super().__init__(meta, device, precision)
        ebind = require("ebind", meta.extra, f"model {meta.name}")
        source, revision = resolve_weights(meta)
        self.model = ebind.EBindModel.from_pretrained(source, revision=revision).to(self.device).eval()
        self.processor = ebind.EBindProcessor.from_pretrained(source, revision=revision).to(self.device)

    def _embed(self, **inputs: torch.Tensor) -> torch.Tensor:
        outputs = self.model(**inputs)
        return F.normalize(sum(outputs.values()), p=2, dim=-1).float()

    def _tokens(self, texts: Sequence[str]) -> torch.Tensor:
        return self.processor({"text": list(texts)}, return_tensors="pt")["text"]

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        """(B, 3, 336, 336) normalised images -> (B, 1024) unit vectors."""
        return self._embed(image=images)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        """Texts -> (B, 1024) unit vectors."""
        return self._embed(text=self._tokens(texts))

    def encode_fused(self, images: torch.Tensor, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        """Image+text pairs -> (B, 1024) unit vectors: normalise(image embedding + text embedding)."""
        return self._embed(text=self._tokens(texts), image=images)


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> EBindEncoder:
    check_no_options(meta, kwargs)
    return EBindEncoder(meta, device=device, precision=precision)
