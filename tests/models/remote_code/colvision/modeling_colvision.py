"""Stand-in remote-code model: colpali_engine's ColQwen3_5 (zero-masked, L2-normalised token vectors) whose
forward returns an output object with `.embeddings`, as Argus's `ArgusOutput` does (`output_object=False`
returns the bare tensor, as ColVec1 and Granite Vision do)."""

from dataclasses import dataclass

import torch
from colpali_engine.models import ColQwen3_5
from transformers.utils import ModelOutput

from .configuration_colvision import ColVisionConfig


@dataclass
class ColVisionOutput(ModelOutput):
    embeddings: torch.Tensor | None = None


class ColVisionModel(ColQwen3_5):
    config_class = ColVisionConfig

    def forward(self, *args, **kwargs):
        proj = super().forward(*args, **kwargs)
        return ColVisionOutput(embeddings=proj) if getattr(self.config, "output_object", True) else proj
