"""Visualized BGE (see cards/visualized_bge.py): BGE's embeddings and encoder from transformers (architecture
from the BGE repository's config, weights from the VISTA checkpoint), the EVA02 tower from timm (the
checkpoint's EVA-CLIP weights through timm's own conversion), and `Visualized_BGE`'s encode_text /
encode_mm computation. Needs the `timm` extra."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from mieb.errors import UsageError
from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, require, resolve_weights

# Keys of the checkpoint mieb does not use: BGE's pooler, EVA-CLIP's logit scale and projection head.
UNUSED_PREFIXES = ("bge_pooler.", "model_visual.logit_scale", "visual.head.")
# The reference's additive attention mask: Visualized_BGE builds it as (1 - mask) * float16's minimum.
MASKED = torch.finfo(torch.float16).min


class VisualizedBge(nn.Module):
    """The checkpoint's modules under its own names (`bge_embeddings`, `bge_encoder`, `visual_proj`), with
    the EVA tower as `visual`."""

    def __init__(self, text_config: Any, visual: nn.Module):
        super().__init__()
        from transformers import AutoModel

        bge = AutoModel.from_config(text_config)  # architecture only: every weight is in the checkpoint
        self.bge_embeddings, self.bge_encoder = bge.embeddings, bge.encoder
        self.visual_proj = nn.Linear(text_config.hidden_size, text_config.hidden_size)
        self.visual = visual

    def load_checkpoint(self, state: dict[str, torch.Tensor], eva_filter: Any, source: str) -> None:
        """Load a `Visualized_BGE.state_dict()` read from `source`; raises UsageError naming the weights that
        do not fit."""
        eva = {k.removeprefix("model_visual."): v for k, v in state.items() if k.startswith("model_visual.visual.")}
        ours = {k: v for k, v in state.items() if not k.startswith("model_visual.")}
        ours.update({f"visual.{k}": v for k, v in eva_filter(eva, self.visual).items()})
        ours = {k: v for k, v in ours.items() if not k.startswith(UNUSED_PREFIXES)}
        missing, unexpected = self.load_state_dict(ours, strict=False)
        # Buffers older transformers saved (position / token type ids) are rebuilt by the modules.
        unexpected = [k for k in unexpected if not k.endswith(("position_ids", "token_type_ids"))]
        missing = [k for k in missing if not k.endswith(("position_ids", "token_type_ids"))]
        if missing or unexpected:
            raise UsageError(f"{source}: not a Visualized BGE checkpoint for this configuration (missing "
                             f"{missing[:5]}, unexpected {unexpected[:5]})")


class VisualizedBgeEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 weights_file: str, text_model: str, text_revision: str | None, timm_model: str,
                 timm_kwargs: dict[str, Any] | None = None):
        super().__init__(meta, device, precision)
        timm = require("timm", meta.extra, f"model {meta.name}")
        from timm.models.eva import checkpoint_filter_fn
        from transformers import AutoConfig, AutoTokenizer

        source, revision = resolve_weights(meta)
        if Path(source).is_dir():
            path = str(Path(source) / weights_file)
        else:
            from huggingface_hub import hf_hub_download

            path = hf_hub_download(source, weights_file, revision=revision)
        state = torch.load(path, map_location="cpu", weights_only=True)
        visual = timm.create_model(timm_model, pretrained=False, num_classes=0, **(timm_kwargs or {}))
        model = VisualizedBge(AutoConfig.from_pretrained(text_model, revision=text_revision), visual)
        model.load_checkpoint(state, checkpoint_filter_fn, path)
        self.model = model.eval().to(self.device, dtype=self.weights_dtype)
        self.tokenizer = AutoTokenizer.from_pretrained(text_model, revision=text_revision)
        grid = visual.patch_embed.grid_size
        self.image_tokens = grid[0] * grid[1]
        # Room left for text beside the image tokens (the reference's max_text_len_with_image).
        self.joint_text_length = self.tokenizer.model_max_length - self.image_tokens

    def _encode(self, embeddings: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        additive = (1.0 - mask[:, None, None, :].to(embeddings.dtype)) * MASKED
        hidden = self.model.bge_encoder(embeddings, attention_mask=additive)[0]
        return F.normalize(hidden[:, 0], dim=-1)

    def _tokens(self, texts: Sequence[str], max_length: int | None = None) -> dict[str, torch.Tensor]:
        kwargs: dict[str, Any] = {"padding": True, "truncation": True, "return_tensors": "pt"}
        if max_length is not None:
            kwargs["max_length"] = max_length
        return self.tokenizer(list(texts), **kwargs).to(self.device)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        """Texts -> (B, hidden) unit vectors: the CLS state of BGE on the text alone."""
        tokens = self._tokens(texts)
        ids = tokens["input_ids"]
        embeddings = self.model.bge_embeddings(input_ids=ids, token_type_ids=torch.zeros_like(ids))
        return self._encode(embeddings, tokens["attention_mask"])

    def _joint(self, images: torch.Tensor, tokens: dict[str, torch.Tensor]) -> torch.Tensor:
        emb = self.model.bge_embeddings
        # The last block's patch tokens, before EVA's final norm and without its CLS token (unused).
        (patches,) = self.model.visual.forward_intermediates(images, indices=1, norm=False, output_fmt="NLC",
                                                             intermediates_only=True)
        image = self.model.visual_proj(patches)
        n = image.shape[1]
        positions = torch.arange(1, 1 + n, device=self.device)
        image = emb.LayerNorm(image + emb.position_embeddings(positions))
        ids = tokens["input_ids"]
        text_positions = torch.cat([torch.zeros(1, dtype=torch.long, device=self.device),
                                    torch.arange(1 + n, n + ids.shape[1], device=self.device)])
        text = emb(input_ids=ids, position_ids=text_positions[None], token_type_ids=torch.zeros_like(ids))
        joint = torch.cat([text[:, :1], image, text[:, 1:]], dim=1)
        mask = torch.cat([torch.ones(ids.shape[0], n, dtype=tokens["attention_mask"].dtype, device=self.device),
                          tokens["attention_mask"]], dim=1)
        return self._encode(joint, mask)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        """(B, 3, 224, 224) normalised images -> (B, hidden) unit vectors (joint input with an empty text)."""
        return self._joint(images, self._tokens([""] * images.shape[0]))

    def encode_fused(self, images: torch.Tensor, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        """Image+text pairs -> (B, hidden) unit vectors of the joint input."""
        return self._joint(images, self._tokens(texts, self.joint_text_length))


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None,
         **kwargs: Any) -> VisualizedBgeEncoder:
    check_no_options(meta, kwargs)
    return VisualizedBgeEncoder(meta, device=device, precision=precision, **meta.loader_kwargs)
