"""Jina-CLIP v1 / v2: remote code (`trust_remote_code`), `encode_text` / `encode_image` of the checkpoint.

The checkpoint's own code tokenises, preprocesses images and L2-normalises, so images reach the wrapper as
PIL images. Facts are the reference's (mteb `jina_clip.py`), which passes no task to jina-clip-v2's text
encoder (its authors pass "retrieval.query" for queries: docs/deviations.md D13).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.cards._folder import count_safetensors_parameters
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.jina_clip:load"

JINA_CLIP_CITATION = """@article{koukounas2024jinaclip,
  title={Jina CLIP: Your CLIP Model Is Also Your Text Retriever},
  author={Koukounas, Andreas and Mastrapas, Georgios and Günther, Michael and Wang, Bo and Martens, Scott and Mohr, Isabelle and Sturua, Saba and Akram, Mohammad Kalim and Martínez, Joan Fontanals and Ognawala, Saahil and Guzman, Susana and Werk, Maximilian and Wang, Nan and Xiao, Han},
  journal={arXiv preprint arXiv:2405.20204},
  year={2024}
}"""


def _jina(name: str, revision: str, release_date: str, n_parameters: int, embed_dim: int,
          license: str) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="jina-clip",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        # The checkpoint's own transform converts to RGB after resizing (open_clip-style): hand it the image
        # as decoded, as the reference does.
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=8192),
        license=license,
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers"],
        trust_remote_code=True,
        citation=JINA_CLIP_CITATION,
    )


MODELS = [
    _jina("jinaai/jina-clip-v1", "06150c7c382d7a4faedc7d5a0d8cdb59308968f4", "2024-05-30", 222647041, 768,
          "apache-2.0"),
    _jina("jinaai/jina-clip-v2", "344d954da76eb8ad47a7aaff42d012e30c15b8fe", "2024-10-09", 865278477, 1024,
          "cc-by-nc-4.0"),
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local folder with a Jina-CLIP config (model_type "jina_clip") and its remote code."""
    from mieb.models.registry import folder_revision

    return MODELS[0].model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path), embed_dim=config.get("projection_dim"),
        reference=str(path.resolve()), license=None, release_date=None, citation=None,
    ))
