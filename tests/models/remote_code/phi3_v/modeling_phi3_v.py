"""Stand-in for microsoft/Phi-3.5-vision-instruct's modeling_phi3_v.py (see ../README.md): the real model's
interface (`Phi3VForCausalLM(input_ids, attention_mask, pixel_values, image_sizes)`, image placeholders as
negative ids in `input_ids`, a causal LM's output with hidden states) over a tiny Phi-3 text model and a
linear crop embedding instead of Phi-3.5-V's CLIP tower."""

from __future__ import annotations

from typing import Any

import torch
from transformers import Phi3Config, Phi3Model, PreTrainedModel
from transformers.modeling_outputs import CausalLMOutputWithPast

from .configuration_phi3_v import Phi3VConfig


class Phi3VForCausalLM(PreTrainedModel):
    config_class = Phi3VConfig
    base_model_prefix = "phi3_v"

    def __init__(self, config: Phi3VConfig):
        super().__init__(config)
        text = Phi3Config(**config.text_config)
        self.model = Phi3Model(text)
        self.crop_embed = torch.nn.Linear(3 * config.crop_size**2, config.tokens_per_crop * text.hidden_size)
        self.lm_head = torch.nn.Linear(text.hidden_size, text.vocab_size, bias=False)
        self.post_init()

    def image_features(self, pixel_values: torch.Tensor, image_sizes: torch.Tensor) -> list[torch.Tensor]:
        """Per image, (tokens, hidden): the tokens of its global view and of the crops its size uses."""
        n, crops = pixel_values.shape[:2]
        tokens = self.crop_embed(pixel_values.reshape(n, crops, -1).to(self.crop_embed.weight.dtype))
        tokens = tokens.reshape(n, crops * self.config.tokens_per_crop, -1)
        used = 1 + (image_sizes[:, 1] // self.config.crop_size)
        return [tokens[i, : int(used[i]) * self.config.tokens_per_crop] for i in range(n)]

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                pixel_values: torch.Tensor | None = None, image_sizes: torch.Tensor | None = None,
                output_hidden_states: bool = False, return_dict: bool = True, **kwargs: Any) -> CausalLMOutputWithPast:
        embeds = self.model.embed_tokens(input_ids.clamp(min=0))
        if pixel_values is not None and image_sizes is not None:
            for row, feats in enumerate(self.image_features(pixel_values, image_sizes)):
                embeds[row, input_ids[row] < 0] = feats.to(embeds.dtype)
        out = self.model(inputs_embeds=embeds, attention_mask=attention_mask, output_hidden_states=True)
        return CausalLMOutputWithPast(logits=self.lm_head(out.last_hidden_state),
                                      hidden_states=out.hidden_states if output_hidden_states else None)
