"""Stand-in for microsoft/Phi-3.5-vision-instruct's configuration_phi3_v.py (see ../README.md)."""

from __future__ import annotations

from typing import Any

from transformers import PretrainedConfig


class Phi3VConfig(PretrainedConfig):
    model_type = "phi3_v"

    def __init__(self, text_config: dict[str, Any] | None = None, crop_size: int = 16, tokens_per_crop: int = 2,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.text_config = dict(text_config or {})
        self.crop_size = crop_size
        self.tokens_per_crop = tokens_per_crop
