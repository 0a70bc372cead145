"""ColPali through `colpali_engine` (the `colpali` extra): multi-vector outputs scored with MaxSim.

Loading is the reference's: `ColPali.from_pretrained(name, adapter_kwargs={"revision": ...})` (the hub repo
is a LoRA adapter on its PaliGemma base) in the run's precision (the card's: fp16 weights, as the reference's
`torch_dtype=float16`), and `ColPaliProcessor`. Queries are
"Query: " + text + ten pad tokens ("query augmentation"), documents images with PaliGemma's prompt. The
model zeroes padded positions; each item keeps only its attended tokens, returned as a `MultiVector`, and
texts are right-padded, so embeddings do not depend on how items were batched. Scores reproduce the
reference's zero padding by default (`maxsim`); `maxsim_padding="masked"` is the padding-independent variant,
recorded in the results' model card (loader_kwargs) when chosen.
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


class ColPaliEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 query_prefix: str = "Query: ", augmentation_tokens: int = 10,
                 maxsim_padding: MaxSimPadding = "reference"):
        super().__init__(meta, device, precision)
        if maxsim_padding not in ("reference", "masked"):
            raise ValueError(f"maxsim_padding must be 'reference' or 'masked', not {maxsim_padding!r}")
        self.maxsim_padding = maxsim_padding
        models = require("colpali_engine.models", "colpali", f"model {meta.name}")
        source, revision = resolve_weights(meta)
        extra: dict[str, Any] = {} if Path(source).is_dir() else {"adapter_kwargs": {"revision": revision}}
        # Eager attention: with transformers 5's SDPA path, PaliGemma's bidirectional prefix lets a query's
        # tokens see its batch's padding (outputs change with the batch); eager masks it exactly.
        model = models.ColPali.from_pretrained(source, **dtype_kwarg(self.weights_dtype),
                                               attn_implementation="eager", **extra)
        # colpali_engine's ColPali overrides tie_weights, so under transformers 5 the (unused) LM head can stay
        # on the meta device; tie it to the embeddings as the PaliGemma checkpoint intends.
        model.model.tie_weights()
        self.model = model.eval().to(self.device)
        self.processor = models.ColPaliProcessor.from_pretrained(source, revision=revision)
        # PaliGemma numbers positions without looking at the attention mask, so with left padding (Gemma's
        # tokenizer default under transformers 5) a query's embedding would shift with its batch's longest
        # query; right padding keeps every query's tokens where they are whatever the batch.
        self.processor.tokenizer.padding_side = "right"
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


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> ColPaliEncoder:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("query_prefix", "augmentation_tokens", "maxsim_padding"))
    if kwargs:  # options beyond the card's change the numbers: the card the results record must say so
        meta = meta.model_copy(update={"loader_kwargs": options})
    return ColPaliEncoder(meta, device=device, precision=precision, **options)
