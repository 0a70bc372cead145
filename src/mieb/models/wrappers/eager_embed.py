"""eager-embed-v1 (eagerworks; Qwen3-VL-4B, single vector, cosine) through transformers'
`Qwen3VLForConditionalGeneration` and `qwen-vl-utils` (the `qwen-vl` extra).

As the reference (mteb `EagerEmbedV1Wrapper`): fp16 weights (the card's precision); every input is one user turn of Qwen's chat
template, its text ("Query: " + text for queries, the text or "" for documents) followed by the image
resized by qwen-vl-utils to 784 x 784 (`resized_height` / `resized_width`), then "<|endoftext|>"; the
processor pads to the longest; the embedding is the last layer's hidden state at the last token,
L2-normalised. The reference reads position -1 of the padded batch, the last token under left padding; mieb
reads each row's last attended token, the same there and independent of how items were batched. The reference
loads the checkpoint without a revision (the hub's latest); mieb pins the published one (docs/deviations.md D19).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import (
    check_no_options,
    dtype_kwarg,
    require,
    resolve_weights,
    to_device_inputs,
)


def last_attended(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """(B, T, d) -> (B, d): each row's state at its last position with attention_mask 1 (left or right padding)."""
    positions = torch.arange(attention_mask.shape[1], device=attention_mask.device)
    last = (attention_mask.bool() * positions).argmax(dim=1)
    return hidden[torch.arange(hidden.shape[0], device=hidden.device), last]


class EagerEmbedEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 image_size: int = 784):
        super().__init__(meta, device, precision)
        from transformers import AutoProcessor, Qwen3VLForConditionalGeneration

        self.vision = require("qwen_vl_utils", meta.extra, f"model {meta.name}")
        source, revision = resolve_weights(meta)
        self.model = Qwen3VLForConditionalGeneration.from_pretrained(
            source, revision=revision, **dtype_kwarg(self.weights_dtype)).eval().to(self.device)
        self.processor = AutoProcessor.from_pretrained(source, revision=revision)
        self.image_size = image_size

    def _embed(self, texts: Sequence[str], images: Sequence[Any] | None, ctx: EncodeContext) -> torch.Tensor:
        prefix = "Query: " if ctx.prompt_type == "query" else ""
        messages = []
        for i, text in enumerate(texts):
            content: list[dict[str, Any]] = [{"type": "text", "text": prefix + text}]
            if images is not None:
                content.append({"type": "image", "image": images[i], "resized_height": self.image_size,
                                "resized_width": self.image_size})
            messages.append([{"role": "user", "content": content}])
        prompts = [self.processor.apply_chat_template(m, tokenize=False, add_generation_prompt=False)
                   + "<|endoftext|>" for m in messages]
        vision = self.vision.process_vision_info(messages)[0] if images is not None else None
        inputs = to_device_inputs(self.processor(text=prompts, images=vision, videos=None, padding="longest",
                                                 return_tensors="pt"), self.device, self.weights_dtype)
        out = self.model(**inputs, return_dict=True, output_hidden_states=True, logits_to_keep=1)
        pooled = last_attended(out.hidden_states[-1], inputs["attention_mask"]).float()
        return torch.nn.functional.normalize(pooled, p=2, dim=-1)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._embed(texts, None, ctx)

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> torch.Tensor:
        return self._embed([""] * len(images), images, ctx)

    def encode_fused(self, images: Any, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._embed(texts, images, ctx)


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> EagerEmbedEncoder:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("image_size",))
    if kwargs:
        meta = meta.model_copy(update={"loader_kwargs": options})
    return EagerEmbedEncoder(meta, device=device, precision=precision, **options)
