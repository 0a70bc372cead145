"""Qwen3-VL-Embedding (2B, 8B): sentence-transformers models on Qwen3-VL, called as the reference does
(mteb `qwen3_vl_embedding_models.py`, an InstructSentenceTransformerModel): `encode` with the task's
instruction as the prompt, for queries and documents alike (the reference's default instruction lookup, else
"Represent the user's input.", ending in a full stop unless it ends in punctuation); images sized between
`min_pixels` and `max_pixels` (the official script's bounds, not the checkpoint processor's). Needs the `mllm`
extra.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from mieb.models.encoder import EncodeContext
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, resolve_weights
from mieb.models.wrappers._instructions import task_instruction
from mieb.models.wrappers.st_multimodal import SentenceTransformerEncoder

DEFAULT_INSTRUCTION = "Represent the user's input."


def instruction(ctx: EncodeContext) -> str:
    text = (task_instruction(ctx) or DEFAULT_INSTRUCTION).strip()
    if text and not unicodedata.category(text[-1]).startswith("P"):
        text += "."
    return text


class Qwen3VLEmbeddingEncoder(SentenceTransformerEncoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 min_pixels: int, max_pixels: int):
        from transformers import AutoImageProcessor

        source, revision = resolve_weights(meta)
        image_processor = AutoImageProcessor.from_pretrained(
            source, revision=revision, trust_remote_code=meta.trust_remote_code, min_pixels=min_pixels,
            max_pixels=max_pixels)
        super().__init__(meta, device, precision, processor_kwargs={"image_processor": image_processor})

    def prompt(self, ctx: EncodeContext) -> str | None:
        return instruction(ctx)

    def method(self, ctx: EncodeContext) -> Callable[..., Any]:
        return self.model.encode


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None,
         **kwargs: Any) -> Qwen3VLEmbeddingEncoder:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("min_pixels", "max_pixels"))
    return Qwen3VLEmbeddingEncoder(meta, device=device, precision=precision, **options)
