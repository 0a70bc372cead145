"""OpenCLIP and EVA-02-CLIP through `open_clip` (the `openclip` extra).

Hub checkpoints: the repo's `open_clip_config.json` and weights are fetched at the card's revision and
loaded with `open_clip.create_model_and_transforms("local-dir:<snapshot>")` (open_clip's "hf-hub:" form
cannot pin a revision). EVA-02-CLIP cards name an open_clip architecture (`EVA02-*`, timm vision tower) and
the reference's own checkpoint file in `QuanSun/EVA-CLIP`, fetched at the card's revision and converted
(`load_eva_clip_checkpoint`; docs/deviations.md D6). Local folders load as "local-dir:". Text goes through
open_clip's own tokenizer (77 tokens, zero-padded);
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


def eva_clip_file(meta: ModelMeta, filename: str) -> str:
    """The card's EVA-CLIP checkpoint file: in its local folder, or downloaded at the card's revision."""
    source, revision = resolve_weights(meta)
    if Path(source).is_dir():
        return str(Path(source) / filename)
    from huggingface_hub import hf_hub_download

    return hf_hub_download(source, filename, revision=revision)


def load_eva_clip_checkpoint(model: torch.nn.Module, path: str) -> None:
    """Load a checkpoint in BAAI's EVA-CLIP layout (`visual.*` EVA vision transformer, `text.*` text
    transformer, `logit_scale`) into open_clip's EVA02 architecture: the vision keys through timm's EVA
    converter, the text keys as they are. Strict: raises RuntimeError naming every key that does not fit,
    so a checkpoint that does not match the architecture never loads partly."""
    from timm.models.eva import checkpoint_filter_fn

    state = torch.load(path, map_location="cpu", weights_only=True)
    for key in ("model", "module", "state_dict"):  # training checkpoints nest the weights
        state = state.get(key, state) if isinstance(state, dict) else state
    trunk = model.visual.trunk
    trunk.load_state_dict(checkpoint_filter_fn({k: v for k, v in state.items() if k.startswith("visual.")}, trunk))
    model.text.load_state_dict({k.removeprefix("text."): v for k, v in state.items()
                                if k.startswith("text.")})
    with torch.no_grad():
        model.logit_scale.copy_(state["logit_scale"].reshape(model.logit_scale.shape))


class OpenCLIPEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 open_clip_model: str | None = None, checkpoint: str | None = None):
        super().__init__(meta, device, precision)
        open_clip = require("open_clip", "openclip", f"model {meta.name}")
        if open_clip_model is not None:  # an open_clip architecture + an EVA-CLIP checkpoint file
            if checkpoint is None:
                raise TypeError(f"{meta.name}: open_clip_model needs the checkpoint file to load into it")
            name = open_clip_model
            model = open_clip.create_model(name)
            load_eva_clip_checkpoint(model, eva_clip_file(meta, checkpoint))
        else:
            source, revision = resolve_weights(meta)
            name = "local-dir:" + (source if Path(source).is_dir() else hub_snapshot(source, revision))
            model = open_clip.create_model(name)
        self.model = model.to(device=self.device, dtype=self.weights_dtype).eval()
        self.tokenizer = open_clip.get_tokenizer(name)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        return self.model.encode_image(images)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self.model.encode_text(self.tokenizer(list(texts)).to(self.device))


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> OpenCLIPEncoder:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("open_clip_model", "checkpoint"))
    return OpenCLIPEncoder(meta, device=device, precision=precision, **options)
