"""BLIP-2 Q-Former features as the reference computes them with LAVIS's `Blip2ITM` (see cards/blip2.py), on
transformers' `Blip2ForImageTextRetrieval` ports of the same checkpoints.

Image: query token 0 of the Q-Former over the ViT's (output-normed) patch features. Text: the [CLS] state of
the Q-Former on the text alone (its text feed-forward, no cross-attention). Image+text: query token 0 with
the text appended to the 32 query tokens (queries attend to the image, text tokens to the queries and each
other). No projection, no normalisation: 768-d raw states, as LAVIS's `forward_image`, `forward_text` and
`extract_features(mode="multimodal")` return them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, check_preprocessing, dtype_kwarg, tokenizer_kwargs

logger = logging.getLogger(__name__)

# LAVIS's LayerNorm epsilons: EVA ViT-g blocks 1e-6, `ln_vision` (the ViT's output norm) torch's default 1e-5.
VIT_BLOCK_EPS = 1e-6
VIT_OUTPUT_EPS = 1e-5


class Blip2Encoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 itm_weights: str, itm_revision: str | None):
        super().__init__(meta, device, precision)
        from transformers import AutoTokenizer, Blip2ForImageTextRetrieval

        if itm_revision is None:
            logger.warning("model %s: weights %s are not pinned to a revision; the repository's current files are "
                           "used", meta.name, itm_weights)
        # The card's default is float32, as the reference casts LAVIS's model (`.float()`); transformers keeps
        # the Q-Former and query tokens in float32 whatever the dtype.
        model = Blip2ForImageTextRetrieval.from_pretrained(itm_weights, revision=itm_revision,
                                                           **dtype_kwarg(self.weights_dtype))
        for layer in model.vision_model.encoder.layers:
            layer.layer_norm1.eps = layer.layer_norm2.eps = VIT_BLOCK_EPS
        model.vision_model.post_layernorm.eps = VIT_OUTPUT_EPS
        self.model = model.eval().to(self.device)
        self.tokenizer = AutoTokenizer.from_pretrained(itm_weights, revision=itm_revision)
        check_preprocessing(meta)  # the card's image settings are the named repo's Blip2Processor's

    def _image_states(self, images: torch.Tensor) -> torch.Tensor:
        """The ViT's normed patch features, in the Q-Former's dtype (float32)."""
        states = self.model.vision_model(pixel_values=images).last_hidden_state
        return states.to(self.model.query_tokens.dtype)

    def _queries(self, image_states: torch.Tensor) -> torch.Tensor:
        return self.model.query_tokens.expand(image_states.shape[0], -1, -1)

    def _image_mask(self, image_states: torch.Tensor) -> torch.Tensor:
        return torch.ones(image_states.shape[:-1], dtype=torch.long, device=image_states.device)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        """(B, 3, S, S) normalised images -> (B, 768) query-token-0 states."""
        states = self._image_states(images)
        out = self.model.qformer(query_embeds=self._queries(states), encoder_hidden_states=states,
                                 encoder_attention_mask=self._image_mask(states))
        return out.last_hidden_state[:, 0]

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        """Texts -> (B, 768) [CLS] states (32 tokens, padded and truncated, as LAVIS's max_txt_len)."""
        tokens = self.tokenizer(list(texts), **tokenizer_kwargs(self.meta)).to(self.device)
        embeds = self.model.embeddings(input_ids=tokens["input_ids"])
        out = self.model.qformer(query_embeds=embeds, query_length=0, attention_mask=tokens["attention_mask"])
        return out.last_hidden_state[:, 0]

    def encode_fused(self, images: torch.Tensor, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        """Image+text pairs -> (B, 768) query-token-0 states of the joint Q-Former pass. Texts are padded to
        the longest in the batch; LAVIS does not truncate them, mieb stops at the tokenizer's limit (512,
        the Q-Former's position table, where LAVIS fails)."""
        # LAVIS's extract_features runs the ViT under fp16 autocast whenever it is not on the CPU (at the
        # card's float32; another precision asked for is kept).
        fp16 = (torch.autocast(device_type="cuda", dtype=torch.float16)
                if self.device.type == "cuda" and self.precision == "fp32" else contextlib.nullcontext())
        with fp16:
            states = self._image_states(images)
        tokens = self.tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt").to(self.device)
        queries = self._queries(states)
        embeds = self.model.embeddings(input_ids=tokens["input_ids"], query_embeds=queries)
        mask = torch.cat([torch.ones(queries.shape[:-1], dtype=torch.long, device=self.device),
                          tokens["attention_mask"]], dim=1)
        out = self.model.qformer(query_embeds=embeds, query_length=queries.shape[1], attention_mask=mask,
                                 encoder_hidden_states=states, encoder_attention_mask=self._image_mask(states))
        return out.last_hidden_state[:, 0]


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> Blip2Encoder:
    check_no_options(meta, kwargs)
    return Blip2Encoder(meta, device=device, precision=precision, **meta.loader_kwargs)
