"""Test stand-in for the `ebind` package (see ../README.md): the public surface of EBindModel and
EBindProcessor around a tiny patch-embedding image tower and a bag-of-bytes text tower."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from safetensors.torch import load_file, save_file
from torch import nn

CONFIG = "config.json"
WEIGHTS = "model.safetensors"


class _Towers(nn.Module):
    def __init__(self, image_size: int, dim: int) -> None:
        super().__init__()
        self.patch = nn.Conv2d(3, dim, kernel_size=8, stride=8)
        self.image_proj = nn.Linear(dim, dim)
        self.text_embed = nn.EmbeddingBag(257, dim, mode="mean", padding_idx=256)
        self.text_proj = nn.Linear(dim, dim)


class EBindModel(nn.Module):
    """`forward(image=..., text=...)` -> {modality: (B, dim) unit vectors}, under bf16 autocast as ebind's
    PE backbones run."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.config = config
        self.towers = _Towers(config["image_size"], config["dim"])

    @classmethod
    def from_pretrained(cls, path: str, revision: str | None = "main", **kwargs: Any) -> EBindModel:
        folder = Path(path)
        model = cls(json.loads((folder / CONFIG).read_text()))
        model.towers.load_state_dict(load_file(folder / WEIGHTS))
        return model

    def save_pretrained(self, path: str | Path) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CONFIG).write_text(json.dumps(self.config))
        save_file(self.towers.state_dict(), folder / WEIGHTS)

    def forward(self, **modalities: torch.Tensor) -> dict[str, torch.Tensor]:
        out = {}
        for modality, x in modalities.items():
            with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):
                if modality == "image":
                    h = self.towers.image_proj(self.towers.patch(x).flatten(2).mean(-1))
                elif modality == "text":
                    h = self.towers.text_proj(self.towers.text_embed(x))
                else:
                    raise ValueError(f"stand-in has no {modality} tower")
            out[modality] = F.normalize(h, dim=-1)
        return out


class _ImageProcessor:
    """torchvision's Resize(size, BILINEAR) + CenterCrop(size) + ToTensor + Normalize(0.5, 0.5) on PIL input."""

    def __init__(self, size: int) -> None:
        self.model_image_size = size

    def transform(self, image: Image.Image) -> torch.Tensor:
        w, h = image.size
        short, long = min(w, h), max(w, h)
        size = self.model_image_size
        new = (size, int(size * long / short)) if w <= h else (int(size * long / short), size)
        image = image.resize(new, Image.Resampling.BILINEAR)
        left, top = round((new[0] - size) / 2.0), round((new[1] - size) / 2.0)
        image = image.crop((left, top, left + size, top + size)).convert("RGB")
        x = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1)
        return (x - 0.5) / 0.5


class EBindProcessor:
    def __init__(self, config: dict[str, Any]) -> None:
        self.context_length = config["context_length"]
        self.processors: dict[str, Any] = {"image": _ImageProcessor(config["image_size"])}
        self.device: torch.device | None = None

    @classmethod
    def from_pretrained(cls, path: str, revision: str | None = "main", **kwargs: Any) -> EBindProcessor:
        return cls(json.loads((Path(path) / CONFIG).read_text()))

    def _tokens(self, text: str) -> torch.Tensor:
        ids = list(text.encode())[: self.context_length]
        return torch.tensor(ids + [256] * (self.context_length - len(ids)))

    def __call__(self, inputs: dict[str, Any], return_tensors: str | None = None) -> dict[str, Any]:
        batch = {"text": torch.stack([self._tokens(t) for t in inputs["text"]])}
        return {k: v.to(self.device) for k, v in batch.items()} if self.device is not None else batch

    def to(self, device: torch.device | str) -> EBindProcessor:
        self.device = torch.device(device)
        return self


def make_tiny(folder: Path, *, image_size: int = 32, context_length: int = 16, dim: int = 16, seed: int = 0) -> Path:
    torch.manual_seed(seed)
    EBindModel({"model_type": "ebind", "image_size": image_size, "context_length": context_length,
                "dim": dim}).save_pretrained(folder)
    return folder
