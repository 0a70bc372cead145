"""VLM2Vec v1 through the Phi-3.5-V remote code (see `mieb.models.cards.vlm2vec_v1`).

The processor takes one text (with its `<|image_1|>` placeholder) and its image per call, so items are
processed one by one and padded here, as the reference does: input ids right-padded with the tokenizer's pad
id, the attention mask where ids differ from it, crop tensors and image sizes concatenated. Needs the
`vlm2vec` extra (peft for the LoRA variant, torchvision for Phi-3.5-V's processor) and trust_remote_code.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, dtype_kwarg, require, resolve_weights

IMAGE_PROMPT = "<|image_1|> Represent the given image."
FUSED_PROMPT = "<|image_1|> Represent the given image with the following question: {}"


class VLM2VecV1Encoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 base_model: str, adapter: bool, num_crops: int):
        super().__init__(meta, device, precision)
        from transformers import AutoConfig, AutoModelForCausalLM, AutoProcessor

        source, revision = resolve_weights(meta)
        config = AutoConfig.from_pretrained(base_model, trust_remote_code=True)
        config.use_cache = False
        config.padding_side = "right"
        flash = self.device.type == "cuda" and importlib.util.find_spec("flash_attn") is not None
        load = dict(config=config, trust_remote_code=True, attn_implementation="flash_attention_2" if flash else "eager",
                    **dtype_kwarg(self.weights_dtype))
        if adapter:
            peft = require("peft", meta.extra, f"model {meta.name}")
            base = AutoModelForCausalLM.from_pretrained(base_model, **load)
            model = peft.PeftModel.from_pretrained(base, source, revision=revision).merge_and_unload()
        else:
            model = AutoModelForCausalLM.from_pretrained(source, revision=revision, **load)
        self.model = model.to(self.weights_dtype).eval().to(self.device)
        self.processor = AutoProcessor.from_pretrained(base_model, trust_remote_code=True, num_crops=num_crops)
        assert meta.text is not None
        self.max_length = meta.text.max_length

    def _encode(self, prompts: list[str], images: Sequence[Any] | None) -> torch.Tensor:
        pad = self.processor.tokenizer.pad_token_id
        items = [self.processor(p, None if images is None else images[i], return_tensors="pt",
                                max_length=self.max_length, truncation=True) for i, p in enumerate(prompts)]
        ids = torch.nn.utils.rnn.pad_sequence([x["input_ids"][0] for x in items], batch_first=True, padding_value=pad)
        inputs: dict[str, torch.Tensor] = {"input_ids": ids, "attention_mask": ids.ne(pad)}
        if images is not None:
            inputs["pixel_values"] = torch.cat([x["pixel_values"] for x in items]).to(self.weights_dtype)
            inputs["image_sizes"] = torch.cat([x["image_sizes"] for x in items])
        inputs = {k: v.to(self.device) for k, v in inputs.items()}
        hidden = self.model(**inputs, return_dict=True, output_hidden_states=True).hidden_states[-1]
        last = hidden[torch.arange(len(hidden), device=hidden.device), inputs["attention_mask"].sum(dim=1) - 1]
        return F.normalize(last, p=2, dim=-1).float()

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._encode(list(texts), None)

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> torch.Tensor:
        return self._encode([IMAGE_PROMPT] * len(images), images)

    def encode_fused(self, images: Sequence[Any], texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._encode([FUSED_PROMPT.format(t) for t in texts], images)


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> VLM2VecV1Encoder:
    assert trust_remote_code, "get_model refuses remote code without consent"
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("base_model", "adapter", "num_crops"))
    return VLM2VecV1Encoder(meta, device=device, precision=precision, **options)
