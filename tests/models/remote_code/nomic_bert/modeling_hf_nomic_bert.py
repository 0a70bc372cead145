"""Stand-in for nomic-ai/nomic-bert-2048's modeling_hf_nomic_bert.py (see ../README.md): `NomicBertModel`
(nomic-embed-text; token states first in its output, the caller mean-pools) and `NomicVisionModel`
(nomic-embed-vision; `last_hidden_state` with the CLS token first), over a tiny BERT and ViT."""

from __future__ import annotations

import torch
from transformers import BertConfig, BertModel, PreTrainedModel, ViTConfig, ViTModel
from transformers.modeling_outputs import BaseModelOutput

from .configuration_hf_nomic_bert import NomicBertConfig


class NomicBertModel(PreTrainedModel):
    config_class = NomicBertConfig
    base_model_prefix = "nomic_bert"

    def __init__(self, config: NomicBertConfig):
        super().__init__(config)
        self.bert = BertModel(
            BertConfig(
                vocab_size=config.vocab_size, max_position_embeddings=config.n_positions, **config.tower()
            ),
            add_pooling_layer=False,
        )
        self.post_init()

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> BaseModelOutput:
        return self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)


class NomicVisionModel(PreTrainedModel):
    config_class = NomicBertConfig
    base_model_prefix = "nomic_bert"
    main_input_name = "pixel_values"

    def __init__(self, config: NomicBertConfig):
        super().__init__(config)
        self.vit = ViTModel(
            ViTConfig(image_size=config.img_size, patch_size=config.patch_size, **config.tower()),
            add_pooling_layer=False,
        )
        self.post_init()

    def forward(self, pixel_values: torch.Tensor) -> BaseModelOutput:
        return BaseModelOutput(last_hidden_state=self.vit(pixel_values=pixel_values).last_hidden_state)
