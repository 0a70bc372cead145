"""jina-embeddings-v4 (Qwen2.5-VL backbone with task adapters) through the checkpoint's own remote code
(`trust_remote_code`, refused unless the user allows it): single-vector (default, cosine) or multi-vector
(`vector_type="multi_vector"`, MaxSim).

As the reference (mteb `JinaV4Wrapper`): `AutoModel.from_pretrained(..., revision, trust_remote_code=True,
dtype=bf16, attn_implementation="sdpa")`; the task adapter and prompt come from the card's `model_prompts`
looked up as mteb looks up prompt names (task name + side, task name, task type + side, task type, side):
the value's first part is the adapter ("retrieval.query" -> "retrieval"; none found: "retrieval"), its
"query"/"passage" the text prompt ("query" when it names neither). Texts go through `encode_text`, images
through `encode_image` one at a time with at most 37,788,800 pixels; image+text inputs are the normalised sum
(single) or the text tokens followed by the image tokens (multi). The reference switches to the "code" adapter
for tasks in programming languages; no MIEB task is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import torch

from mieb.models.encoder import EncodeContext, Encoder, MultiVector
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, dtype_kwarg, resolve_weights
from mieb.models.wrappers.sentence_transformers import prompt_by_priority

VectorType = Literal["single_vector", "multi_vector"]


def adapter_and_prompt(model_prompts: dict[str, str], ctx: EncodeContext) -> tuple[str, str]:
    """(task adapter, text prompt name) for this context, as the reference resolves them."""
    value = prompt_by_priority(model_prompts, ctx)
    prompt_name = "passage" if value and "passage" in value and "query" not in value else "query"
    return (value.split(".")[0] if value else "retrieval"), prompt_name


class JinaV4Encoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 model_prompts: dict[str, str], vector_type: VectorType = "single_vector",
                 attn_implementation: str = "sdpa", max_pixels: int = 37_788_800):
        super().__init__(meta, device, precision)
        from transformers import AutoModel

        if vector_type not in ("single_vector", "multi_vector"):
            raise ValueError(f"vector_type must be 'single_vector' or 'multi_vector', not {vector_type!r}")
        self.model_prompts, self.multi, self.max_pixels = model_prompts, vector_type == "multi_vector", max_pixels
        source, revision = resolve_weights(meta)
        self.model = AutoModel.from_pretrained(source, revision=revision, trust_remote_code=True,
                                               attn_implementation=attn_implementation,
                                               **dtype_kwarg(self.weights_dtype))
        self.model = self.model.eval().to(self.device)

    def _out(self, out: Any) -> torch.Tensor | MultiVector:
        if self.multi:
            return MultiVector.from_list([torch.as_tensor(t).float() for t in out])
        return torch.stack([torch.as_tensor(t) for t in out]).float() if isinstance(out, list) else out.float()

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor | MultiVector:
        task, prompt_name = adapter_and_prompt(self.model_prompts, ctx)
        return self._out(self.model.encode_text(texts=list(texts), task=task, prompt_name=prompt_name,
                                                batch_size=max(1, len(texts)), return_multivector=self.multi,
                                                return_numpy=False))

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> torch.Tensor | MultiVector:
        task, _ = adapter_and_prompt(self.model_prompts, ctx)
        return self._out(self.model.encode_image(images=list(images), task=task, batch_size=1,
                                                 max_pixels=self.max_pixels, return_multivector=self.multi,
                                                 return_numpy=False))


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> JinaV4Encoder:
    """`vector_type="multi_vector"` returns token sets scored by MaxSim: the card the results record then says
    similarity "max_sim" and fusion "concat"."""
    assert trust_remote_code, "get_model refuses remote code unless trust_remote_code=True"
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("model_prompts", "vector_type", "attn_implementation", "max_pixels"))
    if kwargs:
        update: dict[str, Any] = {"loader_kwargs": options}
        if options.get("vector_type") == "multi_vector":
            update.update(similarity="max_sim", fusion="concat")
        meta = meta.model_copy(update=update)
    return JinaV4Encoder(meta, device=device, precision=precision, **options)
