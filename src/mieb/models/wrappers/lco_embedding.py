"""LCO-Embedding-Omni through transformers' Qwen2.5-Omni classes (see `mieb.models.cards.lco_embedding`).

Each item becomes one chat turn, rendered by the checkpoint's own chat template with the generation prompt:
[image] [text cut to the card's `text.max_length` tokens] "\\nSummarize the above {image|text} in one word:".
Needs the `mllm` extra (transformers 5's Qwen2.5-Omni processor builds a video processor, which needs
torchvision).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, dtype_kwarg, resolve_weights, to_device_inputs


class LCOEmbeddingEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        super().__init__(meta, device, precision)
        from transformers import Qwen2_5OmniProcessor, Qwen2_5OmniThinkerForConditionalGeneration

        source, revision = resolve_weights(meta)
        self.processor = Qwen2_5OmniProcessor.from_pretrained(source, revision=revision)
        self.processor.tokenizer.padding_side = "left"  # the last position is every item's own last token
        self.model = Qwen2_5OmniThinkerForConditionalGeneration.from_pretrained(
            source, revision=revision, **dtype_kwarg(self.weights_dtype)).to(self.device).eval()
        # Only hidden states are read: run the vocabulary projection on the last position alone (memory).
        self.model.lm_head.register_forward_pre_hook(lambda _module, args: (args[0][:, -1:, :],))
        assert meta.text is not None and meta.text.max_length is not None
        self.max_text_tokens = meta.text.max_length

    def _cut(self, text: str) -> str:
        """The text's first `max_text_tokens` tokens, decoded back (unchanged when it is shorter)."""
        ids = self.processor.tokenizer(text).input_ids
        return text if len(ids) <= self.max_text_tokens else self.processor.tokenizer.decode(ids[: self.max_text_tokens])

    def prompt(self, text: str | None, image: bool) -> str:
        """The chat-templated prompt of one item: an image placeholder and/or the text, then the instruction."""
        content: list[dict[str, str]] = []
        if image:
            content.append({"type": "image", "image": "placeholder"})
        if text is not None:
            content.append({"type": "text", "text": self._cut(text)})
        content.append({"type": "text", "text": f"\nSummarize the above {'image' if image else 'text'} in one word:"})
        return self.processor.apply_chat_template([{"role": "user", "content": content}], tokenize=False,
                                                  add_generation_prompt=True)

    def _encode(self, prompts: list[str], images: list[Any] | None) -> torch.Tensor:
        inputs = self.processor(text=prompts, images=images, padding=True, return_tensors="pt")
        hidden = self.model(**to_device_inputs(inputs, self.device), output_hidden_states=True,
                            return_dict=True).hidden_states[-1]
        return F.normalize(hidden[:, -1, :], p=2, dim=-1).float()  # normalised in the model's dtype, as the reference

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._encode([self.prompt(t, image=False) for t in texts], None)

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> torch.Tensor:
        return self._encode([self.prompt(None, image=True)] * len(images), list(images))

    def encode_fused(self, images: Sequence[Any], texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._encode([self.prompt(t, image=True) for t in texts], list(images))


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None,
         **kwargs: Any) -> LCOEmbeddingEncoder:
    check_no_options(meta, kwargs)
    return LCOEmbeddingEncoder(meta, device=device, precision=precision)
