"""Image-only timm models (family "timm"): the MoCo v3 ViTs, as the reference's MOCOv3Model loads them, and
local timm checkpoint folders (`config.json` naming an `architecture`, as timm's `save_for_hf` writes).

Facts (names, revisions, sizes, dates, licence) are the reference's (mteb `moco_models.py`). The reference
builds timm's `vit_base_patch16_224` / `vit_large_patch16_224` with the weights of the nyu-visionx repos
(`pretrained_cfg_overlay={"hf_hub_id": ...}`, no classifier) and embeds an image as the model's pooled
output: the CLS token after the final norm, unnormalised. Its preprocessing is the data config of those
timm architectures' default pretrained tags, not the checkpoints': shortest edge 248 (224 / crop_pct 0.9,
bicubic), centre crop 224 with torchvision's rounding, mean = std = 0.5. The MoCo v3 authors evaluate with
ImageNet's mean/std after a 256 resize; mieb keeps the reference's preprocessing, whose scores it must
reproduce (docs/deviations.md D24). timm's transform does no RGB conversion (the reference fails on images that
are not RGB); mieb composites transparency onto white first (docs/deviations.md D2). The reference runs these
models in float32 on the CPU whatever the device.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from mieb.errors import UsageError
from mieb.models.cards._folder import count_safetensors_parameters
from mieb.models.meta import HALF, ImagePreprocessing, ModelMeta

LOADER = "mieb.models.wrappers.timm_image:load"
IMAGE = ImagePreprocessing(size=248, resize="shortest_edge", crop_size=224, interpolation="bicubic",
                           crop_rounding="round", mean=HALF, std=HALF)

MOCOV3_CITATION = """@Article{chen2021mocov3,
    author  = {Xinlei Chen* and Saining Xie* and Kaiming He},
    title   = {An Empirical Study of Training Self-Supervised Vision Transformers},
    journal = {arXiv preprint arXiv:2104.02057},
    year    = {2021},
}"""


def _moco(name: str, revision: str, timm_model: str, n_parameters: int, embed_dim: int,
          memory_usage_mb: int) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="timm",
        modalities=["image"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        fusion=None,
        image=IMAGE,
        text=None,
        loader_kwargs={"timm_model": timm_model},
        license="cc-by-nc-4.0",
        release_date="2024-06-03",
        reference="https://github.com/facebookresearch/moco-v3",
        framework=["PyTorch", "timm"],
        extra="timm",
        citation=MOCOV3_CITATION,
        memory_usage_mb=memory_usage_mb,
    )


MODELS = [
    _moco("nyu-visionx/moco-v3-vit-b", "7d091cd70772c5c0ecf7f00b5f12ca609a99d69d", "vit_base_patch16_224",
          86_600_000, 768, 330),
    _moco("nyu-visionx/moco-v3-vit-l", "7bf75358d616f39b9716148bf4e3425f3bd35b47", "vit_large_patch16_224",
          304_000_000, 1024, 1161),
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local timm checkpoint folder (`config.json` with `architecture`, `pretrained_cfg` and
    usually `model_args`, plus `model.safetensors`), loaded by timm as "local-dir:"; its preprocessing is
    the folder's `pretrained_cfg`, which timm's own transform would use."""
    from mieb.models.registry import folder_revision

    cfg = config.get("pretrained_cfg", {})
    if cfg.get("crop_mode", "center") != "center":
        raise UsageError(f"{path}: timm crop_mode {cfg['crop_mode']!r} is not supported (only 'center')")
    size = int(cfg.get("input_size", [3, 224, 224])[-1])
    image = ImagePreprocessing(size=math.floor(size / float(cfg.get("crop_pct", 0.875))), resize="shortest_edge",
                               crop_size=size, interpolation=cfg.get("interpolation", "bicubic"),
                               crop_rounding="round", mean=tuple(cfg.get("mean", HALF)), std=tuple(cfg.get("std", HALF)))
    return MODELS[0].model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path), embed_dim=config.get("num_features"), image=image,
        loader_kwargs={"timm_model": config["architecture"]}, reference=str(path.resolve()), license=None,
        release_date=None, citation=None, memory_usage_mb=None,
    ))
