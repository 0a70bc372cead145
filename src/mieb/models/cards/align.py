"""ALIGN (kakaobrain/align-base) through transformers' `AlignModel`.

Facts are the reference's (mteb `align_models.py`) except embed_dim (see the card). The checkpoint's
EfficientNetImageProcessor resizes to 346 x 346 (bilinear), centre-crops 289 and rescales to [-1, 1]
(x / 127.5 - 1, i.e. mean = std = 0.5); text is BERT-tokenised with padding to the longest and truncation
at the tokenizer's limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.cards._folder import count_safetensors_parameters, read_json
from mieb.models.meta import HALF, ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.align:load"
# rgb="convert": the reference's EfficientNetImageProcessor does no RGB conversion and fails on any non-RGB
# image; mieb converts them instead (docs/deviations.md D2).
IMAGE = ImagePreprocessing(size=346, resize="square", crop_size=289, interpolation="bilinear", mean=HALF, std=HALF,
                           rgb="convert")

MODELS = [
    ModelMeta(
        name="kakaobrain/align-base",
        revision="e96a37facc7b1f59090ece82293226b817afd6ba",
        loader=LOADER,
        family="align",
        modalities=["image", "text"],
        n_parameters=172117841,
        # The checkpoint's projection_dim (text_projection 768 -> 640; the EfficientNet pooled state is 640).
        # The reference's card says 768, the text tower's hidden size, not the embedding size.
        embed_dim=640,
        image=IMAGE,
        text=TextPreprocessing(max_length=None, padding="longest"),
        license=None,
        release_date="2023-02-24",
        reference="https://huggingface.co/kakaobrain/align-base",
        framework=["PyTorch", "Transformers"],
        citation="""@misc{kakaobrain2022coyo-align,
    title         = {COYO-ALIGN},
    author        = {Yoon, Boogeo and Lee, Youhan and Baek, Woonhyuk},
    year          = {2022},
    howpublished  = {https://github.com/kakaobrain/coyo-align},
}""",
    )
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local `AlignModel.save_pretrained` folder (+ tokenizer, EfficientNet processor config)."""
    from mieb.models.registry import folder_revision

    cfg = read_json(path / "preprocessor_config.json")
    image = IMAGE
    if cfg:
        image = ImagePreprocessing(
            size=int(cfg["size"]["height"]), resize="square",
            crop_size=int(cfg["crop_size"]["height"]) if cfg.get("do_center_crop") else None,
            interpolation={0: "nearest", 2: "bilinear", 3: "bicubic"}[int(cfg.get("resample", 2))],
            mean=HALF, std=HALF, rgb="convert")
    return MODELS[0].model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path), embed_dim=config.get("projection_dim"), image=image,
        reference=str(path.resolve()), release_date=None, citation=None,
    ))
