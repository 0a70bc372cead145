"""The colpali_engine families (the `colpali` extra): ColPali, ColQwen2, ColQwen2.5 and ColIdefics3 (ColSmol),
multi-vector outputs scored with MaxSim.

As the reference's `ColPaliEngineWrapper` (mteb `colpali_models.py`, `colqwen_models.py`,
`colsmol_models.py`): the card's `architecture` names colpali_engine's model and processor classes, loaded
in the run's precision (the card's "fp16": fp16 weights, as the reference's `torch_dtype=float16`); queries are the processor's `query_prefix` ("Query: ") + text + ten
`query_augmentation_token`s through `process_texts`, whatever the prompt type (the reference reads no
instruction); images go through `process_images` (the processor builds the checkpoint's prompt and image
budget); image+text inputs join the two token sets (card fusion "concat"). The models zero padded
positions; each item keeps only its attended tokens, returned as a `MultiVector`, so embeddings do not depend
on how items were batched (padding is masked and positions are mask-aware or rotary), and scores reproduce
the reference's zero padding by default (`maxsim`); `maxsim_padding="masked"` is the padding-independent
variant, recorded in the results' model card (loader_kwargs) when chosen.

Weights: a hub repository holding a PEFT adapter (adapter_config.json; ColPali, ColQwen2) is loaded as the
reference does, the adapter at the card's revision on its base model at the Hub's main branch (the adapter
config names no base revision); a full checkpoint is loaded at the card's revision (the reference passes no
revision there, so it reads the main branch; the published revision is what mieb pins).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mieb.models.encoder import EncodeContext, Encoder, MaxSimPadding, MultiVector
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import (
    check_no_options,
    dtype_kwarg,
    require,
    resolve_weights,
    to_device_inputs,
)


class Architecture:
    """colpali_engine's classes for one family, and how mieb runs them where the reference's defaults would
    make an item's embedding depend on its batch."""

    def __init__(self, model: str, processor: str, *, padding_side: str | None = None,
                 attention: str | None = None):
        self.model, self.processor = model, processor
        self.padding_side, self.attention = padding_side, attention


ARCHITECTURES: dict[str, Architecture] = {
    # PaliGemma numbers positions without the attention mask and its prefix attends bidirectionally: right
    # padding and eager attention keep a query's tokens unaffected by its batch's padding (transformers 5;
    # the reference keeps the defaults: docs/deviations.md D7).
    "ColPali": Architecture("ColPali", "ColPaliProcessor", padding_side="right", attention="eager"),
    # Qwen2-VL / Qwen2.5-VL derive M-RoPE positions from the attention mask, and Idefics3's Llama uses rotary
    # (relative) positions, so the processors' left padding is kept, as in the reference.
    "ColQwen2": Architecture("ColQwen2", "ColQwen2Processor"),
    "ColQwen2_5": Architecture("ColQwen2_5", "ColQwen2_5_Processor"),
    "ColIdefics3": Architecture("ColIdefics3", "ColIdefics3Processor"),
}


class ColPaliEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 architecture: str = "ColPali", query_prefix: str = "Query: ", augmentation_tokens: int = 10,
                 maxsim_padding: MaxSimPadding = "reference"):
        if architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {sorted(ARCHITECTURES)}, not {architecture!r}")
        if maxsim_padding not in ("reference", "masked"):
            raise ValueError(f"maxsim_padding must be 'reference' or 'masked', not {maxsim_padding!r}")
        super().__init__(meta, device, precision)
        self.maxsim_padding = maxsim_padding
        arch = ARCHITECTURES[architecture]
        models = require("colpali_engine.models", "colpali", f"model {meta.name}")
        source, revision = resolve_weights(meta)
        kwargs: dict[str, Any] = dtype_kwarg(self.weights_dtype)
        if arch.attention is not None:
            kwargs["attn_implementation"] = arch.attention
        model = getattr(models, arch.model).from_pretrained(source, **kwargs, **_weights_revision(source, revision))
        if architecture == "ColPali":
            # colpali_engine's ColPali overrides tie_weights, so under transformers 5 the (unused) LM head can
            # stay on the meta device; tie it to the embeddings as the PaliGemma checkpoint intends.
            model.model.tie_weights()
        self.model = model.eval().to(self.device)
        self.processor = getattr(models, arch.processor).from_pretrained(source, revision=revision)
        if arch.padding_side is not None:
            self.processor.tokenizer.padding_side = arch.padding_side
        self.query_prefix, self.augmentation_tokens = query_prefix, augmentation_tokens

    def _tokens(self, inputs: Any) -> MultiVector:
        inputs = to_device_inputs(inputs, self.device)
        out = self.model(**inputs)
        mask = inputs["attention_mask"].bool()
        return MultiVector.from_list([row[m] for row, m in zip(out, mask, strict=True)])

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> MultiVector:
        aug = self.processor.query_augmentation_token * self.augmentation_tokens
        return self._tokens(self.processor.process_texts([self.query_prefix + t + aug for t in texts]))

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> MultiVector:
        return self._tokens(self.processor.process_images(list(images)))


def _weights_revision(source: str, revision: str | None) -> dict[str, Any]:
    """from_pretrained's revision arguments: none for a local folder; for a hub adapter the adapter's revision
    (its base is read from the adapter config, at main); otherwise the checkpoint's revision."""
    if Path(source).is_dir():
        return {}
    from transformers.utils import find_adapter_config_file

    if find_adapter_config_file(source, revision=revision) is not None:
        return {"adapter_kwargs": {"revision": revision}}
    return {"revision": revision}


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> ColPaliEncoder:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("architecture", "query_prefix", "augmentation_tokens", "maxsim_padding"))
    if kwargs:  # options beyond the card's change the numbers: the card the results record must say so
        meta = meta.model_copy(update={"loader_kwargs": options})
    return ColPaliEncoder(meta, device=device, precision=precision, **options)
