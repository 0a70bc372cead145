"""Stand-in for jinaai/jina-clip-implementation's configuration_clip.py (see ../README.md)."""

from __future__ import annotations

from typing import Any

from transformers import PretrainedConfig


class JinaCLIPConfig(PretrainedConfig):
    model_type = "jina_clip"

    def __init__(
        self,
        text_config: dict[str, Any] | None = None,
        vision_config: dict[str, Any] | None = None,
        projection_dim: int = 16,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.text_config = dict(text_config or {})
        self.vision_config = dict(vision_config or {})
        self.projection_dim = projection_dim
