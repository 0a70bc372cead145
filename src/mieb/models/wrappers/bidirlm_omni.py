"""BidirLM-Omni: a sentence-transformers model with remote code (bidirectional Qwen3-based encoder with a
Qwen3-VL vision tower), called as the reference does (mteb `bidirlm_omni_models.py`): `encode` (no
query/document methods) with the model's per-task instruction as the prompt (`TASK_PROMPTS` on the card;
retrieval documents get none), every item a dict with its image before its text, texts truncated at 1024
tokens when the inputs are text only (32768 otherwise). Needs the `mllm` extra and trust_remote_code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mieb.models.cards.bidirlm_omni import TASK_PROMPTS
from mieb.models.encoder import EncodeContext
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options
from mieb.models.wrappers._instructions import SIMPLIFIED_TASK_TYPES
from mieb.models.wrappers.st_multimodal import SentenceTransformerEncoder


def instruction(ctx: EncodeContext) -> str | None:
    """The task's instruction; none for retrieval documents (the table defines no document sides)."""
    if SIMPLIFIED_TASK_TYPES.get(ctx.task_type or "") == "retrieval" and ctx.prompt_type == "document":
        return None
    return TASK_PROMPTS.get(ctx.task_name or "")


class BidirLMOmniEncoder(SentenceTransformerEncoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 max_text_length: int):
        super().__init__(meta, device, precision)
        self.max_text_length = max_text_length

    def prompt(self, ctx: EncodeContext) -> str | None:
        return instruction(ctx)

    def method(self, ctx: EncodeContext) -> Callable[..., Any]:
        return self.model.encode

    def items(self, images: Sequence[Any] | None, texts: Sequence[str] | None, ctx: EncodeContext) -> list[Any]:
        n = len(images) if images is not None else len(texts or [])
        return [{**({"image": images[i]} if images is not None else {}),
                 **({"text": texts[i]} if texts is not None else {})} for i in range(n)]

    def configure(self, text_only: bool) -> None:
        self.model.max_seq_length = self.max_text_length if text_only else 32768


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> BidirLMOmniEncoder:
    assert trust_remote_code or not meta.trust_remote_code, "get_model refuses remote code without consent"
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("max_text_length",))
    return BidirLMOmniEncoder(meta, device=device, precision=precision, **options)
