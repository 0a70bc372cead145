"""OpenCLIP and EVA-02-CLIP through `open_clip` (the `openclip` extra).

Hub checkpoints: the repo's `open_clip_config.json` and weights are fetched at the card's revision and
loaded with `open_clip.create_model_and_transforms("local-dir:<snapshot>")` (open_clip's "hf-hub:" form
cannot pin a revision). EVA-02-CLIP cards name an open_clip config and pretrained tag instead. Local
folders load as "local-dir:". Text goes through open_clip's own tokenizer (77 tokens, zero-padded);
images arrive prepared by the framework exactly as open_clip's torchvision transform makes them.
The reference runs these under CUDA fp16 autocast: the cards' precision is "fp16-mixed" (fp32 off CUDA, where
the reference's `torch.cuda.amp.autocast()` does nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, require, resolve_weights

WEIGHT_FILES = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")


def hub_snapshot(repo: str, revision: str | None) -> str:
    """The folder holding the repo's open_clip config and weights at `revision` (downloaded if needed)."""
    from huggingface_hub import hf_hub_download

    config = hf_hub_download(repo, "open_clip_config.json", revision=revision)
    for name in WEIGHT_FILES:
        try:
            hf_hub_download(repo, name, revision=revision)
            break
        except Exception:  # noqa: BLE001 - try the next weights format
            continue
    else:
        raise FileNotFoundError(f"{repo}@{revision} has none of {WEIGHT_FILES}")
    return str(Path(config).parent)


class OpenCLIPEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 open_clip_model: str | None = None, pretrained: str | None = None):
        super().__init__(meta, device, precision)
        open_clip = require("open_clip", "openclip", f"model {meta.name}")
        if open_clip_model is not None:  # a built-in open_clip config + pretrained tag (EVA-02-CLIP)
            name, tag = open_clip_model, pretrained
        else:
            source, revision = resolve_weights(meta)
            name, tag = "local-dir:" + (source if Path(source).is_dir() else hub_snapshot(source, revision)), None
        model = open_clip.create_model(name, pretrained=tag, device=self.device)
        self.model = model.to(self.weights_dtype).eval()
        self.tokenizer = open_clip.get_tokenizer(name)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        return self.model.encode_image(images)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self.model.encode_text(self.tokenizer(list(texts)).to(self.device))


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> OpenCLIPEncoder:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("open_clip_model", "pretrained"))
    return OpenCLIPEncoder(meta, device=device, precision=precision, **options)
