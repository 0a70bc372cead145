"""Late-interaction retrievers driven by a ColPali-style processor: `process_queries(texts)` and
`process_images(images)` build the model inputs, the model's forward returns one (B, T, d) token matrix per
batch with padded positions zeroed (`proj * attention_mask`, the colpali_engine convention).

One wrapper serves every family whose reference wrapper has that shape (mteb 2.26.24: `ColQwen3_5Wrapper`,
`ArgusColQwen35Wrapper` / `OpsColQwen3Wrapper`, `ColVec1Wrapper`, `SLMBaseWrapper`,
`GraniteVisionEmbeddingWrapper`); the card's loader_kwargs name the classes and options:

- `model_class` / `processor_class`: "module:attr" of the classes whose `from_pretrained` loads the checkpoint
  at the card's revision; "transformers:AutoModel" / "transformers:AutoProcessor" mean the checkpoint's own
  remote code (the card then says trust_remote_code, and mieb loads it only with the user's consent).
- `processor_kwargs`: extra `from_pretrained` options of the processor (Argus: max_num_visual_tokens=2048).
- `local_snapshot`: download the checkpoint at the card's revision first and hand the classes the folder, for
  packages whose loaders drop the revision (SauerkrautLM's ColLFM2 downloads the hub's latest itself and its
  ColMinistral3 processor ignores it).
The weights load in the run's precision (the card's on CUDA: the dtype the reference's wrapper loads).
- `fused`: how image+text inputs are encoded. "image" (ColQwen3.5's reference wrapper encodes the image and
  ignores the text); None: refused, because the other reference wrappers add the text and image token
  tensors element-wise, which fails for different token counts and has no meaning as a fusion.

Each item keeps its attended tokens (a `MultiVector`), so embeddings do not depend on batching; scores are
MaxSim with the reference's zero padding (`mieb.models.encoder.maxsim`): the reference pads every encode call
with zeros (`pad_sequence`) and scores with colpali_engine's `score_multi_vector` (or its copy in the
checkpoint's processor), so a page shorter than the longest one encoded with it has zero tokens that floor
each query token's best match at 0.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import torch

from mieb.models.encoder import EncodeContext, Encoder, MaxSimPadding, MultiVector
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import (
    check_no_options,
    dtype_kwarg,
    require,
    resolve_weights,
    to_device_inputs,
)

REMOTE_CODE_CLASSES = ("transformers:AutoModel", "transformers:AutoProcessor")


def import_class(path: str, extra: str | None, purpose: str) -> Any:
    """The class named by "module:attr", importing an optional backend with a pip hint when it is missing."""
    module, attr = path.split(":")
    return getattr(require(module, extra, purpose) if extra else importlib.import_module(module), attr)


def with_component_signature(cls: Any) -> Any:
    """transformers 5's ProcessorMixin finds a processor's parts (tokenizer, image and video processors) in
    its `__init__` signature. A subclass whose `__init__` takes only *args / **kwargs (SauerkrautLM's
    ColQwen3Processor, written for transformers 4) is then built without them and fails; give such a class
    the signature of the processor it extends. Other classes are returned as they are."""
    from transformers import ProcessorMixin

    if not (isinstance(cls, type) and issubclass(cls, ProcessorMixin)):
        return cls
    init: Any = next(vars(b)["__init__"] for b in cls.__mro__ if "__init__" in vars(b))  # cls.__init__
    if not any(p.kind is p.VAR_POSITIONAL for p in inspect.signature(init).parameters.values()):
        return cls
    base = next(b for b in cls.__mro__[1:] if "__init__" in vars(b) and issubclass(b, ProcessorMixin))

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)

    __init__.__signature__ = inspect.signature(vars(base)["__init__"])  # type: ignore[attr-defined]
    return type(cls.__name__, (cls,), {"__init__": __init__, "__module__": cls.__module__})


def model_output_tokens(out: Any) -> torch.Tensor:
    """The (B, T, d) token matrix of a forward: the tensor itself, `.embeddings` (Argus's ArgusOutput), or the
    first field of a model output (the reference's ColQwen3 fallback)."""
    if isinstance(out, torch.Tensor):
        return out
    embeddings = getattr(out, "embeddings", None)
    return embeddings if embeddings is not None else out[0]


def reset_rope_deltas(model: torch.nn.Module) -> None:
    """Qwen-VL models cache multimodal rope offsets in `rope_deltas` and reuse them when set: a stale value from
    the previous batch would shift this batch's positions (the reference clears it before every forward)."""
    for module in model.modules():
        if getattr(module, "rope_deltas", None) is not None:
            module.rope_deltas = None


class ColProcessorEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 model_class: str, processor_class: str, processor_kwargs: dict[str, Any] | None = None,
                 fused: Literal["image"] | None = None, local_snapshot: bool = False,
                 maxsim_padding: MaxSimPadding = "reference"):
        super().__init__(meta, device, precision)
        if maxsim_padding not in ("reference", "masked"):
            raise ValueError(f"maxsim_padding must be 'reference' or 'masked', not {maxsim_padding!r}")
        if fused not in ("image", None):
            raise ValueError(f"fused must be 'image' or None, not {fused!r}")
        self.maxsim_padding, self.fused = maxsim_padding, fused
        purpose = f"model {meta.name}"
        remote = {"trust_remote_code": True} if meta.trust_remote_code else {}
        model_cls = import_class(model_class, meta.extra, purpose)
        processor_cls = with_component_signature(import_class(processor_class, meta.extra, purpose))
        source, revision = resolve_weights(meta)
        if local_snapshot and not Path(source).is_dir():
            from huggingface_hub import snapshot_download

            source, revision = snapshot_download(source, revision=revision), None
        # The weights in the run's precision (the card's on CUDA: the reference's dtype for the family).
        self.model = model_cls.from_pretrained(source, revision=revision, **dtype_kwarg(self.weights_dtype),
                                               **remote)
        self.model = self.model.eval().to(self.device)
        self.processor = processor_cls.from_pretrained(source, revision=revision, **remote,
                                                       **(processor_kwargs or {}))

    def _tokens(self, inputs: Any) -> MultiVector:
        inputs = to_device_inputs(inputs, self.device, self.weights_dtype)
        reset_rope_deltas(self.model)
        out = model_output_tokens(self.model(**inputs))
        mask = inputs["attention_mask"].bool()
        return MultiVector.from_list([row[m] for row, m in zip(out, mask, strict=True)])

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> MultiVector:
        return self._tokens(self.processor.process_queries(list(texts)))

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> MultiVector:
        return self._tokens(self.processor.process_images(list(images)))

    def encode_fused(self, images: Any, texts: Sequence[str], ctx: EncodeContext) -> MultiVector:
        if self.fused != "image":  # the card then declares no fusion and the Embedder refuses first
            return super().encode_fused(images, texts, ctx)
        return self.encode_images(images, ctx)


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> ColProcessorEncoder:
    """`get_model` loader. `trust_remote_code` is the consent `get_model` checked against the card."""
    assert trust_remote_code or not meta.trust_remote_code, "get_model refuses remote code without consent"
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("model_class", "processor_class", "processor_kwargs", "fused",
                                     "local_snapshot", "maxsim_padding"))
    if kwargs:  # options beyond the card's change the numbers: the card the results record must say so
        meta = meta.model_copy(update={"loader_kwargs": options})
    return ColProcessorEncoder(meta, device=device, precision=precision, **options)
