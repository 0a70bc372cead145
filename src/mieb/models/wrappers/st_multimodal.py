"""sentence-transformers models (multimodal since sentence-transformers 5.4), called as the reference calls
them (mteb `SentenceTransformerEncoderWrapper`), and the base of the families that tune that call.

Loading: `SentenceTransformer(name, revision=card revision, trust_remote_code=card's)`, the weights in the
run's precision. The checkpoint's own modules (processor, chat template, pooling, normalisation) do the rest.
Encoding, per batch:
- prompt: the model's own prompt table (`config_sentence_transformers.json`), looked up as the reference
  does (task name + side, task name, task type + side, task type, side);
- method: `encode_query` / `encode_document` for typed sides, `encode` otherwise;
- inputs: texts as strings; images as `{"image": PIL}`; image+text as `{"image", "text"}` dicts in the
  task dataset's column order (`EncodeContext.text_first`), which becomes the order of the chat message's
  parts.
Subclasses change what differs per family (`prompt`, `method`, `items`, `configure`, `call_kwargs`).
Needs the `mllm` extra.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, dtype_kwarg, require, resolve_weights
from mieb.models.wrappers.sentence_transformers import prompt_by_priority


class SentenceTransformerEncoder(Encoder):
    """Dense embeddings of a sentence-transformers model; `model_kwargs` / `processor_kwargs` go to
    `SentenceTransformer` (the weights' dtype is the run's precision unless `model_kwargs` names one)."""

    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 model_kwargs: dict[str, Any] | None = None, processor_kwargs: dict[str, Any] | None = None):
        super().__init__(meta, device, precision)
        st = require("sentence_transformers", meta.extra, f"model {meta.name}")
        source, revision = self.source()
        self.model = st.SentenceTransformer(
            source, revision=revision, device=str(self.device), trust_remote_code=meta.trust_remote_code,
            model_kwargs={**dtype_kwarg(self.weights_dtype), **(model_kwargs or {})}, processor_kwargs=processor_kwargs or None,
        )
        self.model.eval()
        self.prompts: dict[str, str] = {k: v for k, v in (self.model.prompts or {}).items() if v is not None}

    def source(self) -> tuple[str, str | None]:
        """(what SentenceTransformer loads, revision)."""
        return resolve_weights(self.meta)

    # -- what the reference hands the model; subclasses override ----------------------------------------
    def prompt(self, ctx: EncodeContext) -> str | None:
        return prompt_by_priority(self.prompts, ctx)

    def method(self, ctx: EncodeContext) -> Callable[..., Any]:
        if ctx.prompt_type == "query":
            return self.model.encode_query
        if ctx.prompt_type == "document":
            return self.model.encode_document
        return self.model.encode

    def items(self, images: Sequence[Any] | None, texts: Sequence[str] | None, ctx: EncodeContext) -> list[Any]:
        if images is None:
            return list(texts or [])
        if texts is None:
            return [{"image": image} for image in images]
        if ctx.text_first:
            return [{"text": t, "image": image} for image, t in zip(images, texts, strict=True)]
        return [{"image": image, "text": t} for image, t in zip(images, texts, strict=True)]

    def configure(self, text_only: bool) -> None:
        """Settings the reference changes between text-only and multimodal inputs (none by default)."""

    def call_kwargs(self, ctx: EncodeContext) -> dict[str, Any]:
        return {}

    # -- encoding ------------------------------------------------------------------------------------------
    def _encode(self, images: Sequence[Any] | None, texts: Sequence[str] | None, ctx: EncodeContext) -> torch.Tensor:
        self.configure(text_only=images is None)
        items = self.items(images, texts, ctx)
        out = self.method(ctx)(items, prompt=self.prompt(ctx), batch_size=len(items), convert_to_tensor=True,
                               show_progress_bar=False, **self.call_kwargs(ctx))
        return out.float()

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._encode(None, texts, ctx)

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> torch.Tensor:
        return self._encode(images, None, ctx)

    def encode_fused(self, images: Sequence[Any], texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self._encode(images, texts, ctx)


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> SentenceTransformerEncoder:
    assert trust_remote_code or not meta.trust_remote_code, "get_model refuses remote code without consent"
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("model_kwargs", "processor_kwargs"))
    return SentenceTransformerEncoder(meta, device=device, precision=precision, **options)
