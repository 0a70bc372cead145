"""VLM2Vec-V2.0: Qwen2-VL base + the LoRA adapter at the card's revision (peft, merged), last-token pooling.

As the reference: processor from the adapter repo with the checkpoint's image budget (`max_pixels`
overrides it; results then record it), one prompt per item
"<|image_pad|> {instruction} {text}" (parts present only), the model's own per-task instruction for the query
or document side (empty for tasks it defines none for), the last attended token's final state (left padding
here; the reference pools the last attended token whichever side pads), L2-normalised. Needs the `vlm2vec`
extra (peft; torchvision, which transformers 5's Qwen2-VL processor requires).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from mieb.models.cards.vlm2vec import TASK_PROMPTS
from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import (
    check_no_options,
    dtype_kwarg,
    require,
    resolve_weights,
    to_device_inputs,
)

IMAGE_TOKEN = "<|image_pad|>"


def instruction(ctx: EncodeContext) -> str:
    side = "query" if ctx.prompt_type == "query" else "document"
    return TASK_PROMPTS.get(ctx.task_name or "", {}).get(side, "")


def set_pixel_budget(image_processor: Any, max_pixels: int) -> None:
    """A budget other than the checkpoint's: `image_processor.max_pixels` for transformers 4's processors;
    those of transformers 5 have no such attribute (setting one sends every call down a deprecated path) and
    read `size["longest_edge"]` instead."""
    if getattr(image_processor, "max_pixels", None) is not None:
        image_processor.max_pixels = max_pixels
    size = getattr(image_processor, "size", None)
    if size is not None and "longest_edge" in dict(size):
        image_processor.size = type(size)(**{**dict(size), "longest_edge": max_pixels})


class VLM2VecEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 base_model: str, max_pixels: int | None = None):
        super().__init__(meta, device, precision)
        peft = require("peft", "vlm2vec", f"model {meta.name}")
        from transformers import AutoProcessor, Qwen2VLForConditionalGeneration

        source, revision = resolve_weights(meta)
        self.processor = AutoProcessor.from_pretrained(source, revision=revision)
        self.processor.tokenizer.padding_side = "left"
        if max_pixels is not None:
            set_pixel_budget(self.processor.image_processor, max_pixels)
        base = Qwen2VLForConditionalGeneration.from_pretrained(base_model, **dtype_kwarg(self.weights_dtype))
        self.model = peft.PeftModel.from_pretrained(base, source, revision=revision).merge_and_unload()
        self.model = self.model.eval().to(self.device)

    def _encode(self, prompts: list[str], images: list[Any] | None) -> torch.Tensor:
        inputs = to_device_inputs(self.processor(text=prompts, images=images, padding=True, return_tensors="pt"),
                                  self.device)
        hidden = self.model(**inputs, return_dict=True, output_hidden_states=True).hidden_states[-1]
        return F.normalize(hidden[:, -1, :].float(), p=2, dim=-1)  # left padding: the last token

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        ins = instruction(ctx)
        return self._encode([f"{ins} {t}".strip() for t in texts], None)

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> torch.Tensor:
        return self._encode([f"{IMAGE_TOKEN} {instruction(ctx)}".strip()] * len(images), list(images))

    def encode_fused(self, images: Sequence[Any], texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        ins = instruction(ctx)
        return self._encode([f"{IMAGE_TOKEN} {ins} {t}".strip() for t in texts], list(images))


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> VLM2VecEncoder:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("base_model", "max_pixels"))
    if kwargs:  # options beyond the card's change the numbers: the card the results record must say so
        meta = meta.model_copy(update={"loader_kwargs": options})
    return VLM2VecEncoder(meta, device=device, precision=precision, **options)
