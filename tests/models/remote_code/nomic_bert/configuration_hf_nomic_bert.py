"""Stand-in for nomic-ai/nomic-bert-2048's configuration_hf_nomic_bert.py (see ../README.md)."""

from __future__ import annotations

from typing import Any

from transformers import PretrainedConfig


class NomicBertConfig(PretrainedConfig):
    model_type = "nomic_bert"

    def __init__(
        self,
        vocab_size: int = 64,
        n_embd: int = 32,
        n_layer: int = 2,
        n_head: int = 2,
        n_inner: int = 64,
        n_positions: int = 64,
        img_size: int = 32,
        patch_size: int = 8,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.vocab_size, self.n_embd, self.n_layer, self.n_head = vocab_size, n_embd, n_layer, n_head
        self.n_inner, self.n_positions, self.img_size, self.patch_size = (
            n_inner,
            n_positions,
            img_size,
            patch_size,
        )

    def tower(self) -> dict[str, int]:
        """The sizes of the tiny BERT / ViT this stand-in is made of."""
        return dict(
            hidden_size=self.n_embd,
            num_hidden_layers=self.n_layer,
            num_attention_heads=self.n_head,
            intermediate_size=self.n_inner,
        )
