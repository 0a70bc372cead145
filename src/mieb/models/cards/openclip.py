"""OpenCLIP checkpoints (LAION-2B, DataComp-1B) and EVA-02-CLIP, through `open_clip`.

LAION / DataComp facts are the reference's (mteb `openclip_models.py`); the weights are the hub repos'
own open_clip files, fetched at the card's revision. EVA-02-CLIP: the reference loads QuanSun's EVA-CLIP
checkpoints with the separate `eva_clip` package; these cards load the same files, at the revision the
reference records, into open_clip's `EVA02-*` architectures (timm towers; docs/deviations.md D6).
open_clip's preprocessing: shortest edge to the image size (bicubic),
torchvision's centre crop (offsets rounded, not floored), OpenAI CLIP mean/std; text is tokenised to 77
tokens, padded to full length.
"""

from __future__ import annotations

import json
from pathlib import Path

from mieb.models.meta import CLIP_MEAN, CLIP_STD, ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.openclip:load"
# The repository the reference's EVA-CLIP loader downloads from, at the revision its cards record.
EVA_CLIP_REPO = "QuanSun/EVA-CLIP"
EVA_CLIP_REVISION = "11afd202f2ae80869d6cef18b1ec775e79bd8d12"
TEXT = TextPreprocessing(max_length=77, padding="max_length")

OPENCLIP_CITATION = """@inproceedings{cherti2023reproducible,
    title={Reproducible scaling laws for contrastive language-image learning},
    author={Cherti, Mehdi and Beaumont, Romain and Wightman, Ross and Wortsman, Mitchell and Ilharco, Gabriel and Gordon, Cade and Schuhmann, Christoph and Schmidt, Ludwig and Jitsev, Jenia},
    booktitle={Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition},
    pages={2818--2829},
    year={2023}
}"""

EVA_CLIP_CITATION = """@article{EVA-CLIP,
      title={EVA-CLIP: Improved Training Techniques for CLIP at Scale},
      author={Sun, Quan and Fang, Yuxin and Wu, Ledell and Wang, Xinlong and Cao, Yue},
      journal={arXiv preprint arXiv:2303.15389},
      year={2023}
}"""


def torchvision_image(size: int = 224, mean: tuple[float, float, float] = CLIP_MEAN,
                      std: tuple[float, float, float] = CLIP_STD, interpolation: str = "bicubic") -> ImagePreprocessing:
    # rgb="convert_last": open_clip's transform converts to RGB after Resize and CenterCrop.
    return ImagePreprocessing(size=size, crop_size=size, interpolation=interpolation,
                              crop_rounding="round", mean=mean, std=std, rgb="convert_last")


def _laion(name: str, revision: str, release_date: str, n_parameters: int, embed_dim: int) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="openclip",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        precision="fp16-mixed",  # the reference encodes under torch.cuda.amp.autocast()
        image=torchvision_image(),
        text=TEXT,
        license="mit",
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "open_clip"],
        extra="openclip",
        citation=OPENCLIP_CITATION,
    )


def _eva(name: str, n_parameters: int, embed_dim: int, open_clip_model: str, checkpoint: str) -> ModelMeta:
    """The reference's weights: `checkpoint` in QuanSun/EVA-CLIP at the revision its cards record (its
    eva_clip loader downloads that repository's files), in open_clip's architecture (docs/deviations.md D6)."""
    return ModelMeta(
        name=name,
        revision=EVA_CLIP_REVISION,
        weights=EVA_CLIP_REPO,
        loader=LOADER,
        family="evaclip",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        precision="fp16-mixed",  # the reference encodes under torch.cuda.amp.autocast()
        image=torchvision_image(),
        text=TEXT,
        loader_kwargs={"open_clip_model": open_clip_model, "checkpoint": checkpoint},
        license="mit",
        release_date="2023-04-26",
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "open_clip", "timm"],
        extra="openclip",
        citation=EVA_CLIP_CITATION,
    )


MODELS = [
    _laion("laion/CLIP-ViT-L-14-DataComp.XL-s13B-b90K", "84c9828e63dc9a9351d1fe637c346d4c1c4db341", "2023-04-26",
           427616513, 768),
    _laion("laion/CLIP-ViT-B-32-DataComp.XL-s13B-b90K", "f0e2ffa09cbadab3db6a261ec1ec56407ce42912", "2023-04-26",
           151_000_000, 512),
    _laion("laion/CLIP-ViT-B-16-DataComp.XL-s13B-b90K", "d110532e8d4ff91c574ee60a342323f28468b287", "2023-04-26",
           150_000_000, 512),
    _laion("laion/CLIP-ViT-bigG-14-laion2B-39B-b160k", "bc7788f151930d91b58474715fdce5524ad9a189", "2023-01-23",
           2539567105, 1280),
    _laion("laion/CLIP-ViT-g-14-laion2B-s34B-b88K", "15efd0f6ac0c40c0f9da7becca03c974d7012604", "2023-03-06",
           1_367_000_000, 1024),
    _laion("laion/CLIP-ViT-H-14-laion2B-s32B-b79K", "de081ac0a0ca8dc9d1533eed1ae884bb8ae1404b", "2022-09-15",
           986109441, 1024),
    _laion("laion/CLIP-ViT-L-14-laion2B-s32B-b82K", "1627032197142fbe2a7cfec626f4ced3ae60d07a", "2022-09-15",
           427616513, 768),
    _laion("laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "08f73555f1b2fb7c82058aebbd492887a94968ef", "2022-09-15",
           151277313, 512),
    _eva("QuanSun/EVA02-CLIP-B-16", 149_000_000, 512, "EVA02-B-16", "EVA02_CLIP_B_psz16_s8B.pt"),
    _eva("QuanSun/EVA02-CLIP-L-14", 428_000_000, 768, "EVA02-L-14", "EVA02_CLIP_L_psz14_s4B.pt"),
    _eva("QuanSun/EVA02-CLIP-bigE-14", 4_700_000_000, 1024, "EVA02-E-14", "EVA02_CLIP_E_psz14_s4B.pt"),
    _eva("QuanSun/EVA02-CLIP-bigE-14-plus", 5_000_000_000, 1024, "EVA02-E-14-plus", "EVA02_CLIP_E_psz14_plus_s9B.pt"),
]


def card_for_folder(path: Path) -> ModelMeta:
    """A card for a local open_clip folder (`open_clip_config.json` + `open_clip_model.safetensors`)."""
    from mieb.models.cards._folder import count_safetensors_parameters
    from mieb.models.registry import folder_revision

    cfg = json.loads((path / "open_clip_config.json").read_text())
    model_cfg, pp = cfg["model_cfg"], cfg.get("preprocess_cfg", {})
    vision = model_cfg.get("vision_cfg", {})
    size = vision.get("image_size", 224)
    size = size[0] if isinstance(size, list) else int(size)
    image = torchvision_image(size, tuple(pp.get("mean", CLIP_MEAN)), tuple(pp.get("std", CLIP_STD)),
                              pp.get("interpolation", "bicubic"))
    family = "evaclip" if "eva" in str(vision.get("timm_model_name", "")).lower() else "openclip"
    return ModelMeta(
        name=f"local/{path.resolve().name}",
        revision=folder_revision(path),
        loader=LOADER,
        family=family,
        modalities=["image", "text"],
        weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path),
        embed_dim=model_cfg.get("embed_dim"),
        precision="fp16-mixed",
        image=image,
        text=TextPreprocessing(max_length=int(model_cfg.get("text_cfg", {}).get("context_length", 77)),
                               padding="max_length"),
        reference=str(path.resolve()),
        framework=["PyTorch", "open_clip"],
        extra="openclip",
    )
