"""Stand-in for the ColQwen3 checkpoints' modeling code (see ../README.md): a tiny Qwen3-VL whose last hidden
states go through a linear projection, are L2-normalised and multiplied by the attention mask.
`ColQwen3` returns an output with `embeddings` (TomoroAI's surface), `OpsColQwen3Model` the tensor itself
(OpenSearch-AI's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from transformers import PreTrainedModel, Qwen3VLModel
from transformers.modeling_outputs import ModelOutput

from .configuration_colqwen3 import ColQwen3Config, OpsColQwen3Config


@dataclass
class ColQwen3Output(ModelOutput):
    embeddings: torch.Tensor | None = None


class ColQwen3(PreTrainedModel):
    config_class = ColQwen3Config
    base_model_prefix = "colqwen3"

    def __init__(self, config: ColQwen3Config):
        super().__init__(config)
        self.vlm = Qwen3VLModel(config.qwen3_vl())
        self.embedding_proj_layer = torch.nn.Linear(self.vlm.config.text_config.hidden_size, config.embed_dim)
        self.post_init()

    def project(self, **inputs: Any) -> torch.Tensor:
        hidden = self.vlm(**inputs).last_hidden_state
        emb = self.embedding_proj_layer(hidden)
        emb = emb / emb.norm(dim=-1, keepdim=True)
        return emb * inputs["attention_mask"].unsqueeze(-1)

    def forward(self, **inputs: Any) -> ColQwen3Output:
        return ColQwen3Output(embeddings=self.project(**inputs))


class OpsColQwen3Model(ColQwen3):
    config_class = OpsColQwen3Config

    def forward(self, **inputs: Any) -> torch.Tensor:  # type: ignore[override]
        return self.project(**inputs)
