"""Stand-in for the ColQwen3 checkpoints' configuration code (see ../README.md): TomoroAI's `colqwen3` and
OpenSearch-AI's `ops_colqwen3` model types, a Qwen3-VL configuration plus the projection's size."""

from __future__ import annotations

from typing import Any

from transformers import PretrainedConfig


class ColQwen3Config(PretrainedConfig):
    model_type = "colqwen3"

    def __init__(self, text_config: dict[str, Any] | None = None, vision_config: dict[str, Any] | None = None,
                 embed_dim: int = 320, image_token_id: int = 151655, video_token_id: int = 151656,
                 vision_start_token_id: int = 151652, vision_end_token_id: int = 151653, **kwargs: Any):
        super().__init__(**kwargs)
        self.text_config = dict(text_config or {})
        self.vision_config = dict(vision_config or {})
        self.embed_dim = embed_dim
        self.image_token_id, self.video_token_id = image_token_id, video_token_id
        self.vision_start_token_id, self.vision_end_token_id = vision_start_token_id, vision_end_token_id

    def qwen3_vl(self) -> Any:
        from transformers import Qwen3VLConfig

        return Qwen3VLConfig(text_config=self.text_config, vision_config=self.vision_config,
                             image_token_id=self.image_token_id, video_token_id=self.video_token_id,
                             vision_start_token_id=self.vision_start_token_id,
                             vision_end_token_id=self.vision_end_token_id)


class OpsColQwen3Config(ColQwen3Config):
    model_type = "ops_colqwen3"
