"""Nomic Embed Vision v1.5 with Nomic Embed Text v1.5 (both remote code, `trust_remote_code`).

As the reference (mteb `nomic_models_vision.py`): images go through the checkpoint's own image processor
(so they reach the wrapper as PIL images) and the CLS state, L2-normalised; texts are mean-pooled over the
attention mask, layer-normed and L2-normalised, with no task prefix (the model's authors prefix queries with
"search_query: "; docs/deviations.md D12).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from mieb.errors import UsageError
from mieb.models.cards._folder import count_safetensors_parameters
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.nomic_vision:load"

NOMIC_EMBED_VISION_CITATION = """@article{nussbaum2024nomicembedvision,
      title={Nomic Embed Vision: Expanding the Latent Space},
      author={Nussbaum, Zach and Duderstadt, Brandon and Mulyar, Andriy},
      journal={arXiv preprint arXiv:2406.18587},
      year={2024},
      eprint={2406.18587},
      archivePrefix={arXiv},
      url={https://arxiv.org/abs/2406.18587}
}"""

MODELS = [
    ModelMeta(
        name="nomic-ai/nomic-embed-vision-v1.5",
        revision="af2246fffdab78d8458418480e4886a8e48b70a7",
        loader=LOADER,
        family="nomic-vision",
        modalities=["image", "text"],
        n_parameters=92946688,
        embed_dim=768,
        image=ImagePreprocessing(input="pil"),
        text=TextPreprocessing(max_length=None),
        loader_kwargs={"text_model": "nomic-ai/nomic-embed-text-v1.5",
                       "text_revision": "a03db6748c80237063eb0546ac6b627eca2318cb"},
        license="apache-2.0",
        release_date="2024-06-08",
        reference="https://huggingface.co/nomic-ai/nomic-embed-vision-v1.5",
        framework=["PyTorch", "Transformers"],
        trust_remote_code=True,
        citation=NOMIC_EMBED_VISION_CITATION,
    )
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local vision checkpoint folder (model_type "nomic_bert", `NomicVisionModel` remote code).
    Its text model is the folder's `text/` subfolder if there is one, else the card's (from the hub); the
    revision hashes the weights of both folders, so either changing gives new results and cache entries."""
    from mieb.models.registry import folder_revision

    if not str(config.get("auto_map", {}).get("AutoModel", "")).endswith("NomicVisionModel"):
        raise UsageError(f"{path}: a nomic_bert checkpoint without NomicVisionModel (auto_map) is a "
                         "text-only model; mieb loads Nomic Embed Vision folders")
    text = path / "text"
    loader_kwargs = dict(MODELS[0].loader_kwargs)
    revision = folder_revision(path)
    if text.is_dir():
        loader_kwargs = {"text_model": str(text.resolve()), "text_revision": None}
        revision = hashlib.sha256(f"{revision}+{folder_revision(text)}".encode()).hexdigest()[:16]
    return MODELS[0].model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=revision, weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path), embed_dim=config.get("n_embd"),
        loader_kwargs=loader_kwargs,
        reference=str(path.resolve()), license=None, release_date=None, citation=None,
    ))
