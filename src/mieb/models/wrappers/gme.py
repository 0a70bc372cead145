"""GME through transformers' Qwen2-VL classes (see `mieb.models.cards.gme`).

The reference builds the language model's input embeddings itself (token embeddings, image features
written over the image placeholders) and calls the language model without position ids, so positions are
sequential; transformers 5 keeps that model as `model.model.language_model`. Needs the `mllm` extra
(torchvision, for transformers 5's Qwen2-VL processor).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, dtype_kwarg, resolve_weights, to_device_inputs
from mieb.models.wrappers._instructions import task_instruction

DEFAULT_INSTRUCTION = "You are a helpful assistant."
IMAGE = "<|vision_start|><|image_pad|><|vision_end|>"
FACTOR = 28  # Qwen2-VL: 14-pixel patches merged 2 x 2
MAX_RATIO = 200


def grid_size(height: int, width: int, min_pixels: int, max_pixels: int) -> tuple[int, int]:
    """(height, width) as multiples of 28 px, the aspect ratio kept and the area within [min, max] pixels:
    qwen-vl-utils' `smart_resize` rule (Python's round, floor when shrinking, ceil when growing); an aspect
    ratio above 200 is cut to 200."""
    h = max(FACTOR, round(height / FACTOR) * FACTOR)
    w = max(FACTOR, round(width / FACTOR) * FACTOR)
    if h * w > max_pixels:
        scale = math.sqrt(height * width / max_pixels)
        h, w = math.floor(height / scale / FACTOR) * FACTOR, math.floor(width / scale / FACTOR) * FACTOR
    elif h * w < min_pixels:
        scale = math.sqrt(min_pixels / (height * width))
        h, w = math.ceil(height * scale / FACTOR) * FACTOR, math.ceil(width * scale / FACTOR) * FACTOR
    if max(h, w) / min(h, w) > MAX_RATIO:
        h, w = (w * MAX_RATIO, w) if h > w else (h, h * MAX_RATIO)
    return h, w


def fetch_image(image: Any) -> Any:
    """The reference's image preparation before the processor: RGB, resized to the 28-px grid within
    4 ... 16384 x 28 x 28 pixels with PIL's default filter."""
    image = image.convert("RGB")
    h, w = grid_size(image.height, image.width, 4 * FACTOR**2, 16384 * FACTOR**2)
    return image.resize((w, h))


def instruction(ctx: EncodeContext) -> str:
    if ctx.prompt_type == "document":
        return DEFAULT_INSTRUCTION
    return task_instruction(ctx) or DEFAULT_INSTRUCTION


class GMEEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 min_image_tokens: int, max_image_tokens: int):
        super().__init__(meta, device, precision)
        from transformers import AutoProcessor, Qwen2VLForConditionalGeneration

        source, revision = resolve_weights(meta)
        self.processor = AutoProcessor.from_pretrained(source, revision=revision)
        self.processor.tokenizer.padding_side = "right"
        # transformers 5's Qwen2-VL image processors read the pixel bounds from `size`
        self.processor.image_processor.size = {"shortest_edge": min_image_tokens * FACTOR**2,
                                               "longest_edge": max_image_tokens * FACTOR**2}
        self.model = Qwen2VLForConditionalGeneration.from_pretrained(
            source, revision=revision, **dtype_kwarg(self.weights_dtype)).to(self.device).eval()
        assert meta.text is not None
        self.max_length = meta.text.max_length

    def prompt(self, text: str | None, image: bool, ctx: EncodeContext) -> str:
        user = (IMAGE if image else "") + (text if text is not None else "")
        return (f"<|im_start|>system\n{instruction(ctx)}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n"
                "<|im_start|>assistant\n<|endoftext|>")

    def _encode(self, prompts: list[str], images: list[Any] | None) -> torch.Tensor:
        inputs = self.processor(text=prompts, images=images, padding=True, truncation=True, max_length=self.max_length,
                                return_tensors="pt")
        inputs = to_device_inputs(inputs, self.device)
        vlm = self.model.model
        ids, mask = inputs["input_ids"], inputs["attention_mask"]
        embeds = vlm.get_input_embeddings()(ids)
        if images is not None:
            pixels = inputs["pixel_values"].type(vlm.visual.dtype)
            features = vlm.visual(pixels, grid_thw=inputs["image_grid_thw"]).pooler_output
            embeds[ids == self.model.config.image_token_id] = features.to(embeds.device, embeds.dtype)
        hidden = vlm.language_model(inputs_embeds=embeds, attention_mask=mask).last_hidden_state
        last = hidden[torch.arange(len(hidden), device=hidden.device), mask.sum(dim=1) - 1]  # right padding
        return F.normalize(last, p=2, dim=1).float()

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._encode([self.prompt(t, False, ctx) for t in texts], None)

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> torch.Tensor:
        return self._encode([self.prompt(None, True, ctx)] * len(images), [fetch_image(i) for i in images])

    def encode_fused(self, images: Sequence[Any], texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._encode([self.prompt(t, True, ctx) for t in texts], [fetch_image(i) for i in images])


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> GMEEncoder:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("min_image_tokens", "max_image_tokens"))
    return GMEEncoder(meta, device=device, precision=precision, **options)
