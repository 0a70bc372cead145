"""Stand-in for microsoft/Phi-3.5-vision-instruct's processing_phi3_v.py (see ../README.md): the real
processor's interface (one text with `<|image_1|>` placeholders and its image per call, `num_crops`,
`input_ids` with one negative id per image token, `pixel_values` (1, num_crops + 1, 3, S, S) with unused
crops zero, `image_sizes`, a `tokenizer` with `pad_token_id`) with a simplified crop layout: a global view
plus one or two crops depending on the image's orientation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoTokenizer, BatchFeature
from transformers.utils import cached_file

PLACEHOLDER = re.compile(r"<\|image_\d+\|>")


class Phi3VProcessor:
    def __init__(self, tokenizer: Any, crop_size: int, tokens_per_crop: int, num_crops: int, mean: float, std: float):
        self.tokenizer, self.crop_size, self.tokens_per_crop = tokenizer, crop_size, tokens_per_crop
        self.num_crops, self.mean, self.std = num_crops, mean, std

    @classmethod
    def register_for_auto_class(cls, auto_class: str = "AutoProcessor") -> None:
        """AutoProcessor calls this on remote-code processors (ProcessorMixin's); nothing to record here."""

    @classmethod
    def from_pretrained(cls, name: str, num_crops: int | None = None, revision: str | None = None,
                        **kwargs: Any) -> Phi3VProcessor:
        config = json.loads(Path(cached_file(name, "preprocessor_config.json", revision=revision)).read_text())
        return cls(AutoTokenizer.from_pretrained(name, revision=revision), config["crop_size"],
                   config["tokens_per_crop"], num_crops or config["num_crops"], config["image_mean"],
                   config["image_std"])

    def _pixels(self, image: Any) -> tuple[torch.Tensor, torch.Tensor, int]:
        s = self.crop_size
        used = min(self.num_crops, 2 if image.width > image.height else 1)
        views = [image.convert("RGB").resize((s, s))]
        wide = image.convert("RGB").resize((used * s, s))
        views += [wide.crop((k * s, 0, (k + 1) * s, s)) for k in range(used)]
        arr = (np.stack([np.asarray(v, dtype=np.float32) / 255.0 for v in views]) - self.mean) / self.std
        pixels = torch.zeros(self.num_crops + 1, 3, s, s)
        pixels[: len(views)] = torch.from_numpy(arr).permute(0, 3, 1, 2)
        return pixels[None], torch.tensor([[s, used * s]]), (1 + used) * self.tokens_per_crop

    def __call__(self, text: str, images: Any = None, return_tensors: str = "pt", max_length: int | None = None,
                 truncation: bool = False, **kwargs: Any) -> BatchFeature:
        chunks = [self.tokenizer(c, add_special_tokens=False).input_ids for c in PLACEHOLDER.split(text)]
        out: dict[str, Any] = {}
        image_ids: list[int] = []
        if images is not None:
            out["pixel_values"], out["image_sizes"], n_tokens = self._pixels(images)
            image_ids = [-1] * n_tokens
        ids = [self.tokenizer.bos_token_id, *chunks[0]]
        for chunk in chunks[1:]:
            ids += image_ids + chunk
        if truncation and max_length is not None:
            ids = ids[:max_length]
        out["input_ids"] = torch.tensor([ids])
        out["attention_mask"] = torch.ones_like(out["input_ids"])
        return BatchFeature(out)
