"""ColQwen3 retrievers whose model and processor code lives in their Hub repositories (`trust_remote_code`,
refused unless the user allows it; the `colqwen3` extra): TomoroAI's tomoro-colqwen3-embed and
OpenSearch-AI's Ops-Colqwen3. Multi-vector outputs, scored with MaxSim (`mieb.models.encoder.maxsim`, the
reference's zero padding by default).

As the reference (mteb `colqwen_models.py` `ColQwen3Wrapper`, `ops_colqwen3_models.py`
`OpsColQwen3Wrapper`), with weights in the run's precision (the card's: Tomoro bf16, Ops fp16):
- Tomoro: `AutoModel` and `AutoProcessor(max_num_visual_tokens=1280)`; every input goes through the processor's
  own call, `processor(images=..., text=...)`, which writes the page prompt (with the text after it for
  image+text inputs, card fusion "joint") or the query (its query prefix, the stripped text, ten pad tokens);
  the token embeddings are the output's `embeddings`.
- Ops: `AutoModel` and `AutoProcessor`; pages through `process_images`, texts through `process_queries`;
  the model returns the token embeddings. The reference adds image+text token tensors elementwise (it fails
  whenever their widths differ), so the card declares no fusion (docs/deviations.md D18). Deviations, both for
  pinning: mieb loads the processor at the card's revision (the reference at the Hub's main branch;
  docs/deviations.md D19) and uses transformers' default attention (the reference flash_attention_2 where that
  package is installed; docs/deviations.md D20).

Each item keeps only its attended tokens (the models zero the padding), as a `MultiVector`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder, MaxSimPadding, MultiVector
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, dtype_kwarg, resolve_weights, to_device_inputs


class _RemoteColQwen3(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None, precision: str | None, *,
                 maxsim_padding: MaxSimPadding, processor_kwargs: dict[str, Any]):
        if maxsim_padding not in ("reference", "masked"):
            raise ValueError(f"maxsim_padding must be 'reference' or 'masked', not {maxsim_padding!r}")
        super().__init__(meta, device, precision)
        self.maxsim_padding = maxsim_padding
        from transformers import AutoModel, AutoProcessor

        source, revision = resolve_weights(meta)
        self.model = AutoModel.from_pretrained(source, revision=revision, trust_remote_code=True,
                                               **dtype_kwarg(self.weights_dtype)).eval().to(self.device)
        self.processor = AutoProcessor.from_pretrained(source, revision=revision, trust_remote_code=True,
                                                       **processor_kwargs)

    def _tokens(self, inputs: Any) -> MultiVector:
        inputs = to_device_inputs(inputs, self.device)
        out = self.model(**inputs)
        if not isinstance(out, torch.Tensor):  # Tomoro's output object
            out = out.embeddings if getattr(out, "embeddings", None) is not None else out[0]
        mask = inputs["attention_mask"].bool()
        return MultiVector.from_list([row[m] for row, m in zip(out, mask, strict=True)])


class TomoroColQwen3Encoder(_RemoteColQwen3):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 max_num_visual_tokens: int = 1280, maxsim_padding: MaxSimPadding = "reference"):
        super().__init__(meta, device, precision, maxsim_padding=maxsim_padding,
                         processor_kwargs={"max_num_visual_tokens": max_num_visual_tokens})

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> MultiVector:
        return self._tokens(self.processor(images=None, text=list(texts)))

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> MultiVector:
        return self._tokens(self.processor(images=list(images), text=None))

    def encode_fused(self, images: Sequence[Any], texts: Sequence[str], ctx: EncodeContext) -> MultiVector:
        return self._tokens(self.processor(images=list(images), text=list(texts)))


class OpsColQwen3Encoder(_RemoteColQwen3):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 maxsim_padding: MaxSimPadding = "reference"):
        super().__init__(meta, device, precision, maxsim_padding=maxsim_padding, processor_kwargs={})

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> MultiVector:
        return self._tokens(self.processor.process_queries(list(texts)))

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> MultiVector:
        return self._tokens(self.processor.process_images(list(images)))


def _load(cls: type[_RemoteColQwen3], allowed: tuple[str, ...], meta: ModelMeta, device: str | None,
          precision: str | None, trust_remote_code: bool, kwargs: dict[str, Any]) -> _RemoteColQwen3:
    assert trust_remote_code, "get_model refuses remote code unless trust_remote_code=True"
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, allowed)
    if kwargs:  # options beyond the card's change the numbers: the card the results record must say so
        meta = meta.model_copy(update={"loader_kwargs": options})
    return cls(meta, device=device, precision=precision, **options)


def load_tomoro(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                trust_remote_code: bool = False, **kwargs: Any) -> _RemoteColQwen3:
    return _load(TomoroColQwen3Encoder, ("max_num_visual_tokens", "maxsim_padding"), meta, device,
                 precision, trust_remote_code, kwargs)


def load_ops(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
             trust_remote_code: bool = False, **kwargs: Any) -> _RemoteColQwen3:
    return _load(OpsColQwen3Encoder, ("maxsim_padding",), meta, device, precision, trust_remote_code,
                 kwargs)
