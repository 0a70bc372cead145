"""E5-V through transformers' LLaVA-NeXT classes: the final hidden state of the last prompt token.

Prompts are the reference's (see the card). Prompts are left-padded so that the last position is every
item's own last token whatever the batch (the reference relies on the tokenizer's padding side).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, dtype_kwarg, resolve_weights, to_device_inputs

TEMPLATE = "<|start_header_id|>user<|end_header_id|>\n\n{}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n \n"
TEXT_PROMPT = TEMPLATE.format("<sent>\nSummary above sentence in one word: ")
IMAGE_PROMPT = TEMPLATE.format("<image>\nSummary above image in one word: ")
COMPOSED_PROMPT = TEMPLATE.format('[INST] <image> Modify this image with "{}" Describe modified image in one word: [/INST]')


class E5VEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        super().__init__(meta, device, precision)
        from transformers import LlavaNextForConditionalGeneration, LlavaNextProcessor

        source, revision = resolve_weights(meta)
        self.processor = LlavaNextProcessor.from_pretrained(source, revision=revision)
        # Left padding, as E5-V's authors: the last position is every sequence's last token (deviations.md D11).
        self.processor.tokenizer.padding_side = "left"
        self.model = LlavaNextForConditionalGeneration.from_pretrained(source, revision=revision,
                                                                       **dtype_kwarg(self.weights_dtype))
        self.model = self.model.eval().to(self.device)

    def _last_token(self, prompts: list[str], images: list[Any] | None) -> torch.Tensor:
        inputs = self.processor(text=prompts, images=images, return_tensors="pt", padding=True)
        out = self.model(**to_device_inputs(inputs, self.device, self.weights_dtype), output_hidden_states=True, return_dict=True)
        return out.hidden_states[-1][:, -1, :]

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._last_token([TEXT_PROMPT.replace("<sent>", t) for t in texts], None)

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> torch.Tensor:
        return self._last_token([IMAGE_PROMPT] * len(images), list(images))

    def encode_fused(self, images: Sequence[Any], texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._last_token([COMPOSED_PROMPT.format(t) for t in texts], list(images))


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> E5VEncoder:
    check_no_options(meta, kwargs)
    return E5VEncoder(meta, device=device, precision=precision)
