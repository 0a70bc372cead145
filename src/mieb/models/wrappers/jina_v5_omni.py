"""Jina embeddings v5 omni (nano, small): sentence-transformers models with remote code (task LoRA
adapters), called as the reference does (mteb `jina_models.py`, JinaV5OmniWrapper): `encode` with
`task=` the adapter for the task type and the prompt "Query: " for queries, "Document: " otherwise; each
item is a text, an image, or a (text, image) tuple. Needs the `mllm` extra and trust_remote_code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mieb.models.cards.jina_v5_omni import ADAPTER_BY_TASK_TYPE
from mieb.models.encoder import EncodeContext
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options
from mieb.models.wrappers._instructions import SIMPLIFIED_TASK_TYPES
from mieb.models.wrappers.st_multimodal import SentenceTransformerEncoder

# The adapter for task types the table does not name, by the reference's simplified task type.
ADAPTER_BY_SIMPLIFIED_TYPE = {"retrieval": "retrieval", "clustering": "clustering",
                              "classification": "classification", "semantic-similarity": "text-matching",
                              "pair-classification": "text-matching"}


def adapter(ctx: EncodeContext) -> str:
    task_type = ctx.task_type or ""
    if task_type in ADAPTER_BY_TASK_TYPE:
        return ADAPTER_BY_TASK_TYPE[task_type]
    return ADAPTER_BY_SIMPLIFIED_TYPE.get(SIMPLIFIED_TASK_TYPES.get(task_type, ""), "retrieval")


class JinaV5OmniEncoder(SentenceTransformerEncoder):
    def prompt(self, ctx: EncodeContext) -> str | None:
        return "Query: " if ctx.prompt_type == "query" else "Document: "

    def method(self, ctx: EncodeContext) -> Callable[..., Any]:
        return self.model.encode

    def items(self, images: Sequence[Any] | None, texts: Sequence[str] | None, ctx: EncodeContext) -> list[Any]:
        if images is None:
            return list(texts or [])
        if texts is None:
            return list(images)
        return [(t, image) for image, t in zip(images, texts, strict=True)]

    def call_kwargs(self, ctx: EncodeContext) -> dict[str, Any]:
        return {"task": adapter(ctx)}


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> JinaV5OmniEncoder:
    assert trust_remote_code or not meta.trust_remote_code, "get_model refuses remote code without consent"
    check_no_options(meta, kwargs)
    return JinaV5OmniEncoder(meta, device=device, precision=precision)
