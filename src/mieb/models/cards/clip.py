"""OpenAI CLIP through transformers, and the bundled tiny CLIP trained on the offline world."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.cards._folder import count_safetensors_parameters, image_preprocessing_from_folder, read_json
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

CLIP_CITATION = """@article{radford2021learning,
  title={Learning Transferable Visual Models From Natural Language Supervision},
  author={Radford, Alec and Kim, Jong Wook and Hallacy, Chris and Ramesh, Aditya and Goh, Gabriel and Agarwal, Sandhini and Sastry, Girish and Askell, Amanda and Mishkin, Pamela and Clark, Jack and Krueger, Gretchen and Sutskever, Ilya},
  journal={arXiv preprint arXiv:2103.00020},
  year={2021}
}"""

LOADER = "mieb.models.wrappers.clip:load"


def _openai(name: str, revision: str, n_parameters: int, embed_dim: int, size: int = 224) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="clip",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        image=ImagePreprocessing(size=size, crop_size=size),
        text=TextPreprocessing(max_length=77),
        license="mit",
        release_date="2021-02-26",
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers"],
        citation=CLIP_CITATION,
    )


TINY_CLIP = ModelMeta(
    name="mieb/tiny-clip-shapes",
    # the first 12 hex digits of model.safetensors' sha256 (see training.json)
    revision="08f81adb1774",
    loader=LOADER,
    family="clip",
    modalities=["image", "text"],
    weights="bundled:tiny-clip-shapes",
    n_parameters=1_776_001,
    embed_dim=128,
    image=ImagePreprocessing(size=64, crop_size=64),
    text=TextPreprocessing(max_length=32),
    license="apache-2.0",
    release_date="2026-11-22",
    reference="scripts/train_tiny_clip.py",
    framework=["PyTorch", "Transformers", "safetensors"],
)

MODELS = [
    _openai("openai/clip-vit-base-patch32", "3d74acf9a28c67741b2f4f2ea7635f0aaf6f0268", 151_277_313, 512),
    _openai("openai/clip-vit-base-patch16", "57c216476eefef5ab752ec549e440a49ae4ae5f3", 149_620_737, 512),
    _openai("openai/clip-vit-large-patch14", "32bd64288804d66eefd0ccbe215aa642df71cc41", 427_616_513, 768),
    _openai(
        "openai/clip-vit-large-patch14-336", "ce19dc912ca5cd21c8a653c79e251e808ccabcd1", 427_944_193, 768, size=336
    ),
    TINY_CLIP,
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local CLIP checkpoint folder (as written by `CLIPModel.save_pretrained`)."""
    from mieb.models.registry import folder_revision

    vision = config.get("vision_config", {})
    size = int(vision.get("image_size", 224))
    image = image_preprocessing_from_folder(path, ImagePreprocessing(size=size, crop_size=size))
    tok = read_json(path / "tokenizer_config.json")
    max_len = int(tok.get("model_max_length", config.get("text_config", {}).get("max_position_embeddings", 77)))
    max_len = min(max_len, int(config.get("text_config", {}).get("max_position_embeddings", max_len)))
    return ModelMeta(
        name=f"local/{path.resolve().name}",
        revision=folder_revision(path),
        loader=LOADER,
        family="clip",
        modalities=["image", "text"],
        weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path),
        embed_dim=config.get("projection_dim"),
        image=image,
        text=TextPreprocessing(max_length=max_len),
        reference=str(path.resolve()),
        framework=["PyTorch", "Transformers"],
    )
