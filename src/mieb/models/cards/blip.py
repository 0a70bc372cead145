"""BLIP image-text retrieval (ITM) checkpoints through transformers' `BlipForImageTextRetrieval`.

Embeddings are the ITC heads: the CLS state of each tower, projected (`vision_proj` / `text_proj`) and
L2-normalised, as the reference's BLIPModel computes them. Facts are the reference's (mteb
`blip_models.py`); images are resized to 384 x 384 (bicubic, no crop) with CLIP's mean/std, the
checkpoints' BlipImageProcessor config. The reference's captioning and VQA checkpoints are left out: they
have no ITC projections, so the reference scores them with randomly initialised heads
(docs/deviations.md D9).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.cards._folder import count_safetensors_parameters, image_preprocessing_from_folder
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.blip:load"
IMAGE = ImagePreprocessing(size=384, resize="square", crop_size=None, interpolation="bicubic")

BLIP_CITATION = """@misc{https://doi.org/10.48550/arxiv.2201.12086,
    doi = {10.48550/ARXIV.2201.12086},
    url = {https://arxiv.org/abs/2201.12086},
    author = {Li, Junnan and Li, Dongxu and Xiong, Caiming and Hoi, Steven},
    title = {BLIP: Bootstrapping Language-Image Pre-training for Unified Vision-Language Understanding and Generation},
    publisher = {arXiv},
    year = {2022},
}"""


def _blip(name: str, revision: str, n_parameters: int) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="blip",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=256,
        image=IMAGE,
        # padding=True, truncation at the tokenizer's own limit (512), as the reference; BLIP's own retrieval
        # code truncates at 35 tokens (docs/deviations.md D14).
        text=TextPreprocessing(max_length=None, padding="longest"),
        license="bsd-3-clause",
        release_date="2023-08-01",
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers"],
        citation=BLIP_CITATION,
    )


MODELS = [
    _blip("Salesforce/blip-itm-base-coco", "7eaa90c11850c0b17fc38c6a11e7d88bd6ac231f", 223744258),
    _blip("Salesforce/blip-itm-large-coco", "fef05cafc05298067cbbca00b125749394a77a6f", 446128642),
    _blip("Salesforce/blip-itm-base-flickr", "1de29e660d91ae1786c1876212ea805a22eab251", 223744258),
    _blip("Salesforce/blip-itm-large-flickr", "bda12e6506758f54261b5ab174b2c55a3ba143fb", 446128642),
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local `BlipForImageTextRetrieval.save_pretrained` folder (+ tokenizer, processor)."""
    from mieb.models.registry import folder_revision

    size = int(config.get("vision_config", {}).get("image_size", 384))
    return MODELS[0].model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path), embed_dim=config.get("image_text_hidden_size", 256),
        image=image_preprocessing_from_folder(path, IMAGE.model_copy(update={"size": size})),
        reference=str(path.resolve()), license=None, release_date=None, citation=None,
    ))
