"""NVIDIA (Llama) Nemotron ColEmbed retrievers through the checkpoint's own remote code (`trust_remote_code`,
refused unless the user allows it): multi-vector, MaxSim.

As the reference (mteb `NemotronColEmbedVL`): `AutoModel.from_pretrained(..., revision, trust_remote_code=True,
dtype=bf16)`; queries through the model's `forward_queries(texts, batch_size=...)`, page images through
`forward_images(images, batch_size=...)` (the card's precision "bf16"; the checkpoint's code adds its own query and passage prompts, tiles
and pads); image+text inputs are refused (the reference raises too). The reference asks for
`attn_implementation="flash_attention_2"`, which needs the flash-attn CUDA package; the card leaves it to
transformers' default (SDPA) unless `attn_implementation` is given (docs/deviations.md D20).

The checkpoint's outputs are zero-padded token matrices; each item keeps its non-zero token vectors (padding
rows are exactly zero, real token vectors never are), so embeddings do not depend on batching. Scores are
MaxSim with the reference's zero padding of the encode call (`mieb.models.encoder.maxsim`), the arithmetic of
the checkpoint's `get_scores`, which the reference calls on the padded tensors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder, MaxSimPadding, MultiVector
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, dtype_kwarg, resolve_weights


def nonzero_tokens(out: Any) -> MultiVector:
    """Per-item token sets of a zero-padded (B, T, d) tensor or a list of (T_i, d) tensors: the rows that are
    not all zero."""
    items = list(out) if not isinstance(out, torch.Tensor) or out.ndim == 3 else [out]
    kept = []
    for item in items:
        item = torch.as_tensor(item).float()
        kept.append(item[item.abs().sum(dim=-1) > 0])
    return MultiVector.from_list(kept)


class NemotronColEmbedEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 attn_implementation: str | None = None,
                 maxsim_padding: MaxSimPadding = "reference"):
        super().__init__(meta, device, precision)
        from transformers import AutoModel

        if maxsim_padding not in ("reference", "masked"):
            raise ValueError(f"maxsim_padding must be 'reference' or 'masked', not {maxsim_padding!r}")
        self.maxsim_padding = maxsim_padding
        source, revision = resolve_weights(meta)
        attn = {"attn_implementation": attn_implementation} if attn_implementation else {}
        self.model = AutoModel.from_pretrained(source, revision=revision, trust_remote_code=True,
                                               **dtype_kwarg(self.weights_dtype), **attn)
        self.model = self.model.eval().to(self.device)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> MultiVector:
        return nonzero_tokens(self.model.forward_queries(list(texts), batch_size=max(1, len(texts))))

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> MultiVector:
        return nonzero_tokens(self.model.forward_images(list(images), batch_size=max(1, len(images))))


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> NemotronColEmbedEncoder:
    assert trust_remote_code, "get_model refuses remote code unless trust_remote_code=True"
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("attn_implementation", "maxsim_padding"))
    if kwargs:
        meta = meta.model_copy(update={"loader_kwargs": options})
    return NemotronColEmbedEncoder(meta, device=device, precision=precision, **options)
