"""SigLIP and SigLIP2 (fixed-resolution checkpoints) through transformers.

Facts (names, revisions, sizes, dates) are the reference's (mteb `siglip_models.py`). SigLIP was trained
on text padded to the full context ("max_length", 64 tokens; 16 for so400m-patch14-224) and scores
collapse with "longest" padding, so the cards say `padding="max_length"`. Images are resized to a square
without cropping, normalised with mean = std = 0.5; the resampling filter is the checkpoints' own
(`preprocessor_config.json`): bicubic for SigLIP, bilinear for SigLIP2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.cards._folder import count_safetensors_parameters, image_preprocessing_from_folder, read_json
from mieb.models.meta import HALF, ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.siglip:load"

SIGLIP_CITATION = """@misc{zhai2023sigmoid,
      title={Sigmoid Loss for Language Image Pre-Training},
      author={Xiaohua Zhai and Basil Mustafa and Alexander Kolesnikov and Lucas Beyer},
      year={2023},
      eprint={2303.15343},
      archivePrefix={arXiv},
      primaryClass={cs.CV}
}"""

SIGLIP2_CITATION = """@misc{tschannen2025siglip2multilingualvisionlanguage,
      title={SigLIP 2: Multilingual Vision-Language Encoders with Improved Semantic Understanding, Localization, and Dense Features},
      author={Michael Tschannen and Alexey Gritsenko and Xiao Wang and Muhammad Ferjad Naeem and Ibrahim Alabdulmohsin and Nikhil Parthasarathy and Talfan Evans and Lucas Beyer and Ye Xia and Basil Mustafa and Olivier Hénaff and Jeremiah Harmsen and Andreas Steiner and Xiaohua Zhai},
      year={2025},
      eprint={2502.14786},
      archivePrefix={arXiv},
      primaryClass={cs.CV}
}"""


def square_half(size: int, interpolation: str = "bicubic") -> ImagePreprocessing:
    # rgb="convert_white": the reference's SigLIP wrapper calls img.convert("RGB") before the processor,
    # whose own convert_to_rgb then runs on the result.
    return ImagePreprocessing(size=size, resize="square", crop_size=None, interpolation=interpolation,
                              mean=HALF, std=HALF, rgb="convert_white")


def _siglip(name: str, revision: str, n_parameters: int, embed_dim: int, image_size: int,
            max_tokens: int = 64) -> ModelMeta:
    """A fixed-resolution SigLIP (v1) or SigLIP2 card; `image_size` is the checkpoint's square input side
    (its `preprocessor_config.json` size), given rather than read from the name."""
    v2 = name.startswith("google/siglip2")  # SigLIP2 text is not lower-cased, as the reference (deviations.md D10)
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="siglip",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        image=square_half(image_size, "bilinear" if v2 else "bicubic"),
        text=TextPreprocessing(max_length=max_tokens, padding="max_length"),
        license="apache-2.0",
        release_date="2025-02-17" if v2 else "2024-01-08",
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers"],
        # SigLIP's own tokenizer is sentencepiece-based; SigLIP2 uses Gemma's (tokenizers).
        extra=None if v2 else "siglip",
        citation=SIGLIP2_CITATION if v2 else SIGLIP_CITATION,
    )


MODELS = [
    _siglip("google/siglip-so400m-patch14-224", "d04cf29fca7b6374f74d8bea1969314492266b5e", 877360306, 1152, 224, max_tokens=16),
    _siglip("google/siglip-so400m-patch14-384", "9fdffc58afc957d1a03a25b10dba0329ab15c2a3", 877960498, 1152, 384),
    _siglip("google/siglip-so400m-patch16-256-i18n", "365d321c0cfdea96bc28e3a29787a11a062681a1", 1128758962, 1152, 256),
    _siglip("google/siglip-base-patch16-256-multilingual", "8952a4eafcde3cb7ab46b1dd629b33f8784ca9c6", 370626050, 768, 256),
    _siglip("google/siglip-base-patch16-256", "b078df89e446d623010d890864d4207fe6399f61", 203202050, 768, 256),
    _siglip("google/siglip-base-patch16-512", "753a949581523b60257d93e18391e8c27f72eb22", 203791874, 768, 512),
    _siglip("google/siglip-base-patch16-384", "41aec1c83b32e0a6fca20ad88ba058aa5b5ea394", 203447810, 768, 384),
    _siglip("google/siglip-base-patch16-224", "7fd15f0689c79d79e38b1c2e2e2370a7bf2761ed", 203155970, 768, 224),
    _siglip("google/siglip-large-patch16-256", "d0da9f876e7d66b4e250cd2450c3ba2ce735e447", 652150786, 1024, 256),
    _siglip("google/siglip-large-patch16-384", "ce005573a40965dfd21fd937fbdeeebf2439fc35", 652478466, 1024, 384),
    _siglip("google/siglip2-base-patch32-256", "94dffa8cb1179de3e03f091dbc3917e5d5a9ae84", 376856066, 768, 256),
    _siglip("google/siglip2-base-patch16-224", "75de2d55ec2d0b4efc50b3e9ad70dba96a7b2fa2", 375187970, 768, 224),
    _siglip("google/siglip2-base-patch16-256", "3f9f96cb90da5dbc758b01813f2f6f1aee24c1ab", 375234050, 768, 256),
    _siglip("google/siglip2-base-patch16-384", "f775b65a79762255128c981547af89addcfe0f88", 375479810, 768, 384),
    _siglip("google/siglip2-base-patch16-512", "a89f5c5093f902bf39d3cd4d81d2c09867f0724b", 375823874, 768, 512),
    _siglip("google/siglip2-large-patch16-256", "787800c8990e6f058423089178e718139608408c", 881526786, 1024, 256),
    _siglip("google/siglip2-large-patch16-384", "1b426889ea62b5a72bf9839009a1b184bfc9c178", 881854466, 1024, 384),
    _siglip("google/siglip2-large-patch16-512", "49488218e80259885f3be61d7a9455faf833b7a8", 882313218, 1024, 512),
    _siglip("google/siglip2-so400m-patch14-224", "78e403963a4f6a3640d07803284752326fdf4edf", 1135463602, 1152, 224),
    _siglip("google/siglip2-so400m-patch14-384", "e8e487298228002f3d8a82e0cd5c8ea9c567f57f", 1136008498, 1152, 384),
    _siglip("google/siglip2-so400m-patch16-256", "e8708ab72d125807e45b36fb7d4e0aacbb59f379", 1135670962, 1152, 256),
    _siglip("google/siglip2-so400m-patch16-384", "dd658faac399427308559e2c3ac1e99cbe43845d", 1136039602, 1152, 384),
    _siglip("google/siglip2-so400m-patch16-512", "ceea1cba8130d8271436da4828633198c176a775", 1136555698, 1152, 512),
    _siglip("google/siglip2-giant-opt-patch16-256", "46d7129e1aa1527cc5a44d86fb35250df3abf0aa", 1871393906, 1536, 256),
    _siglip("google/siglip2-giant-opt-patch16-384", "a713301b217d38485fb2204c808367d10bc3cc40", 1871885426, 1536, 384),
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local SigLIP checkpoint folder (`SiglipModel.save_pretrained` + tokenizer + processor)."""
    from mieb.models.registry import folder_revision

    vision = config.get("vision_config", {})
    text_cfg = config.get("text_config", {})
    image = image_preprocessing_from_folder(path, square_half(int(vision.get("image_size", 224))))
    max_len = int(text_cfg.get("max_position_embeddings", 64))
    tok = read_json(path / "tokenizer_config.json")
    max_len = min(max_len, int(tok.get("model_max_length", max_len)))
    return ModelMeta(
        name=f"local/{path.resolve().name}",
        revision=folder_revision(path),
        loader=LOADER,
        family="siglip",
        modalities=["image", "text"],
        weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path),
        embed_dim=text_cfg.get("hidden_size"),
        image=image,
        text=TextPreprocessing(max_length=max_len, padding="max_length"),
        reference=str(path.resolve()),
        framework=["PyTorch", "Transformers"],
    )
