"""Reading a local Hugging Face checkpoint folder into card fields, without loading the model."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from mieb.models.meta import ImagePreprocessing

# PIL resampling enum values as stored in Hugging Face preprocessor configs.
_PIL_RESAMPLE = {0: "nearest", 1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming"}


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.is_file() else {}


def image_preprocessing_from_folder(folder: Path, default: ImagePreprocessing) -> ImagePreprocessing:
    """The card's image settings from `preprocessor_config.json` (fields missing there keep `default`)."""
    cfg = read_json(folder / "preprocessor_config.json")
    if not cfg:
        return default
    upd: dict[str, Any] = {}
    size = cfg.get("size")
    if isinstance(size, dict) and "shortest_edge" in size:
        upd.update(size=int(size["shortest_edge"]), resize="shortest_edge")
    elif isinstance(size, dict) and "height" in size:
        upd.update(size=int(size["height"]), resize="square")
    elif isinstance(size, int):
        upd.update(size=size)
    if cfg.get("do_center_crop") is False:
        upd["crop_size"] = None
    else:
        crop = cfg.get("crop_size")
        if isinstance(crop, dict):
            upd["crop_size"] = int(crop.get("height", default.crop_size or 0))
        elif isinstance(crop, int):
            upd["crop_size"] = crop
    if "resample" in cfg:
        upd["interpolation"] = _PIL_RESAMPLE[int(cfg["resample"])]
    if "image_mean" in cfg:
        upd["mean"] = tuple(cfg["image_mean"])
    if "image_std" in cfg:
        upd["std"] = tuple(cfg["image_std"])
    return default.model_copy(update=upd)


def count_safetensors_parameters(folder: Path) -> int | None:
    """The number of parameters (elements of every tensor) in a folder's `*.safetensors` files, None if
    it has none. Only the files' headers are read (`safetensors.safe_open`), no tensor data."""
    from safetensors import safe_open

    files = sorted(folder.glob("*.safetensors"))
    if not files:
        return None
    total = 0
    for f in files:
        with safe_open(f, framework="numpy") as fh:
            for name in fh.keys():  # noqa: SIM118 - safe_open handles are not mappings
                total += math.prod(fh.get_slice(name).get_shape())
    return total
