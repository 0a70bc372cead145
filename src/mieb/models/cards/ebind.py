"""EBind (Encord) image and text embeddings through its own package, as the reference's EBindWrapper runs it.

Facts (name, revision, sizes, date, licence) are the reference's (mteb `ebind_models.py`). EBind binds image,
video, audio, text and 3D points into one 1024-d space; MIEB uses images and text, both embedded by Meta's
Perception Encoder PE-Core-L14-336 (ebind downloads it at a revision its package pins). The reference loads
`EBindModel` / `EBindProcessor.from_pretrained(name, revision=...)`, prepares images with the processor's
own transform (shortest edge 336, bilinear, centre crop 336, mean = std = 0.5: the framework reproduces it
pixel for pixel from the card) and text with its CLIP BPE tokenizer (32 tokens), and L2-normalises the sum
of the per-modality outputs (each already normalised), so an image+text input is normalise(image + text).
The package runs both PE towers under bfloat16 autocast on any device, whatever precision is asked for.
The `ebind` package (PyPI) imports torchaudio and torchcodec: install it where builds of those exist for
your torch (`pip install 'mieb[ebind]'`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.meta import HALF, ImagePreprocessing, ModelMeta, TextPreprocessing

EBIND_CITATION = """@misc{broadbent2025ebindpracticalapproachspace,
      title={{EBind}: a practical approach to space binding},
      author={Jim Broadbent and Felix Cohen and Frederik Hvilshøj and Eric Landau and Eren Sasoglu},
      year={2025},
      eprint={2511.14229},
      archivePrefix={arXiv},
      primaryClass={cs.LG},
      url={https://arxiv.org/abs/2511.14229},
}"""

MODELS = [
    ModelMeta(
        name="encord-team/ebind-full",
        revision="482831d6cb97d3ffc970f933c614a03aa9891416",
        loader="mieb.models.wrappers.ebind:load",
        family="ebind",
        modalities=["image", "text"],
        # Backbones loaded at run time (PE-Core-L14-336, ImageBind audio, Uni3D) plus the projectors.
        n_parameters=1_790_000_000,
        embed_dim=1024,
        precision="bf16-mixed",
        fusion="joint",
        # rgb="convert_last": PE's image transform converts to RGB after Resize and CenterCrop.
        image=ImagePreprocessing(size=336, crop_size=336, interpolation="bilinear", crop_rounding="round",
                                 mean=HALF, std=HALF, rgb="convert_last"),
        # PE's own CLIP BPE tokenizer, 32-token context (not a transformers tokenizer).
        text=TextPreprocessing(max_length=32),
        license="cc-by-nc-sa-4.0",
        release_date="2025-11-19",
        reference="https://huggingface.co/encord-team/ebind-full",
        framework=["PyTorch"],
        extra="ebind",
        citation=EBIND_CITATION,
        memory_usage_mb=6828,
    ),
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local EBind snapshot (config.json with model_type "ebind": its projectors; the package
    fetches the backbones itself)."""
    from mieb.models.registry import folder_revision

    base = MODELS[0]
    return base.model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        reference=str(path.resolve()), license=None, release_date=None, citation=None, memory_usage_mb=None,
        n_parameters=None,
    ))
