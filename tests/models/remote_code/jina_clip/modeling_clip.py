"""Stand-in for jinaai/jina-clip-implementation's modeling_clip.py (see ../README.md): the real model's
public encode_text / encode_image surface over a tiny BERT text tower (mean-pooled) and ViT image tower."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from transformers import (
    AutoImageProcessor,
    AutoTokenizer,
    BertConfig,
    BertModel,
    PreTrainedModel,
    ViTConfig,
    ViTModel,
)

from .configuration_clip import JinaCLIPConfig


class JinaCLIPModel(PreTrainedModel):
    config_class = JinaCLIPConfig
    base_model_prefix = "jina_clip"

    def __init__(self, config: JinaCLIPConfig):
        super().__init__(config)
        self.text_model = BertModel(BertConfig(**config.text_config), add_pooling_layer=False)
        self.vision_model = ViTModel(ViTConfig(**config.vision_config), add_pooling_layer=False)
        self.text_projection = torch.nn.Linear(
            self.text_model.config.hidden_size, config.projection_dim, bias=False
        )
        self.visual_projection = torch.nn.Linear(
            self.vision_model.config.hidden_size, config.projection_dim, bias=False
        )
        self.tokenizer: Any = None
        self.preprocess: Any = None
        self.post_init()

    def get_tokenizer(self) -> Any:
        if self.tokenizer is None:
            self.tokenizer = AutoTokenizer.from_pretrained(self.config._name_or_path, trust_remote_code=True)
        return self.tokenizer

    def get_preprocess(self) -> Any:
        if self.preprocess is None:
            self.preprocess = AutoImageProcessor.from_pretrained(
                self.config._name_or_path, trust_remote_code=True
            )
        return self.preprocess

    def get_text_features(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        tokens = self.text_model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
        return self.text_projection((tokens * mask).sum(1) / mask.sum(1))

    def get_image_features(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.visual_projection(self.vision_model(pixel_values=pixel_values).last_hidden_state[:, 0])

    def encode_text(
        self,
        sentences: str | list[str],
        batch_size: int = 32,
        show_progress_bar: bool | None = None,
        convert_to_numpy: bool = True,
        convert_to_tensor: bool = False,
        device: torch.device | None = None,
        normalize_embeddings: bool = True,
        **tokenizer_kwargs: Any,
    ) -> Any:
        single = isinstance(sentences, str)
        sentences = [sentences] if single else list(sentences)
        tokenizer_kwargs = {"padding": True, "max_length": 512, "truncation": True, **tokenizer_kwargs}
        order = np.argsort([-len(s) for s in sentences], kind="stable")

        def embed(chunk: list[str]) -> torch.Tensor:
            t = self.get_tokenizer()(chunk, return_tensors="pt", **tokenizer_kwargs).to(device or self.device)
            return self.get_text_features(t["input_ids"], t["attention_mask"])

        return self._encode(
            [sentences[i] for i in order],
            order,
            embed,
            batch_size,
            single,
            convert_to_numpy,
            convert_to_tensor,
            normalize_embeddings,
        )

    def encode_image(
        self,
        images: Any,
        batch_size: int = 32,
        show_progress_bar: bool | None = None,
        convert_to_numpy: bool = True,
        convert_to_tensor: bool = False,
        device: torch.device | None = None,
        normalize_embeddings: bool = True,
    ) -> Any:
        single = not isinstance(images, list)
        images = [images] if single else images
        order = np.arange(len(images))

        def embed(chunk: list[Any]) -> torch.Tensor:
            pixels = self.get_preprocess()(chunk, return_tensors="pt")["pixel_values"].to(
                device or self.device
            )
            return self.get_image_features(pixels)

        return self._encode(
            images,
            order,
            embed,
            batch_size,
            single,
            convert_to_numpy,
            convert_to_tensor,
            normalize_embeddings,
        )

    @torch.inference_mode()
    def _encode(
        self,
        items: list[Any],
        order: np.ndarray,
        embed: Any,
        batch_size: int,
        single: bool,
        convert_to_numpy: bool,
        convert_to_tensor: bool,
        normalize: bool,
    ) -> Any:
        out: list[torch.Tensor] = [torch.empty(0)] * len(items)
        for start in range(0, len(items), batch_size):
            emb = embed(items[start : start + batch_size])
            if normalize:
                emb = F.normalize(emb, p=2, dim=1)
            for j, row in enumerate(emb):
                out[int(order[start + j])] = row.cpu() if convert_to_numpy else row
        if convert_to_tensor:
            result: Any = torch.stack(out)
        elif convert_to_numpy:
            result = np.asarray([row.numpy() for row in out])
        else:
            result = out
        return result[0] if single else result
