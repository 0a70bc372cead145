"""Image-only timm models (MoCo v3): `timm.create_model(arch, pretrained=True, num_classes=0)` with the
weights of the card's Hub repo at its revision (timm reads "repo@revision"; the architecture's own
pretrained config, hence its preprocessing, is kept, as the reference does), or a local timm folder as
"local-dir:" (architecture, arguments and preprocessing from its config.json). The embedding is the model's
pooled output (`forward` without a classifier). Needs the `timm` extra.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, require, resolve_weights

logger = logging.getLogger(__name__)


class TimmImageEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 timm_model: str):
        super().__init__(meta, device, precision)
        timm = require("timm", meta.extra, f"model {meta.name}")
        source, revision = resolve_weights(meta)
        if Path(source).is_dir():
            model = timm.create_model(f"local-dir:{source}", pretrained=True, num_classes=0)
        else:
            hub_id = f"{source}@{revision}" if revision else source
            model = timm.create_model(timm_model, pretrained=True, num_classes=0,
                                      pretrained_cfg_overlay={"hf_hub_id": hub_id})
        self.model = model.eval().to(self.device, dtype=self.weights_dtype)
        self._check_preprocessing(timm.data.resolve_model_data_config(self.model))

    def _check_preprocessing(self, cfg: dict[str, Any]) -> None:
        """Warn when timm's data config for the architecture (what the reference builds its transform from)
        no longer says what the card does (the card wins: it is what results record)."""
        assert self.meta.image is not None
        size = cfg["input_size"][-1]
        found = {"size": math.floor(size / cfg["crop_pct"]), "crop_size": size, "interpolation": cfg["interpolation"],
                 "mean": tuple(cfg["mean"]), "std": tuple(cfg["std"])}
        diff = {k: (getattr(self.meta.image, k), v) for k, v in found.items() if getattr(self.meta.image, k) != v}
        if diff:
            logger.warning("model %s: card preprocessing differs from timm's data config (card, timm): %s",
                           self.meta.name, diff)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        """(B, 3, H, W) normalised images -> (B, num_features) pooled outputs."""
        return self.model(images)


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> TimmImageEncoder:
    check_no_options(meta, kwargs)
    return TimmImageEncoder(meta, device=device, precision=precision, **meta.loader_kwargs)
