"""DINOv3 ViTs (image only): the CLS token of the last hidden state, as the reference's DINOModel takes it.

Facts (names, revisions, sizes, dates) are the reference's (mteb `dino_models.py`); it has no published
MIEB results for them. Images go through the checkpoint's own `DINOv3ViTImageProcessor` as the reference
sends them (`input="pil"`): that processor exists only with a torchvision backend and resizes the
rescaled float image (224 x 224, bilinear, antialiased, no crop) before ImageNet normalisation, which the
framework's uint8 PIL pipeline would not reproduce exactly; hence the `dinov3` extra. The authors'
evaluation transform resizes to 256 x 256 instead; the reference (and so mieb) uses the Hub processor's
224 (docs/deviations.md D24). The processor does no RGB conversion (the reference fails on images that are
not RGB); mieb composites transparency onto white first (docs/deviations.md D2). The checkpoints are gated:
accept the DINOv3 licence on the Hub and log in before the first run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.cards._folder import count_safetensors_parameters
from mieb.models.meta import IMAGENET_MEAN, IMAGENET_STD, ImagePreprocessing, ModelMeta

LOADER = "mieb.models.wrappers.dinov3:load"
# What the checkpoints' preprocessor_config.json says; recorded with results (the wrapper runs the processor).
IMAGE = ImagePreprocessing(input="pil", size=224, resize="square", crop_size=None, interpolation="bilinear",
                           mean=IMAGENET_MEAN, std=IMAGENET_STD)
LICENSE = "https://ai.meta.com/resources/models-and-libraries/dinov3-license/"

DINOV3_CITATION = """@misc{simeoni2025dinov3,
      title={DINOv3},
      author={Oriane Siméoni and Huy V. Vo and Maximilian Seitzer and Federico Baldassarre and Maxime Oquab and Cijo Jose and Vasil Khalidov and Marc Szafraniec and Seungeun Yi and Michaël Ramamonjisoa and Francisco Massa and Daniel Haziza and Luca Wehrstedt and Jianyuan Wang and Timothée Darcet and Théo Moutakanni and Leonel Sentana and Claire Roberts and Andrea Vedaldi and Jamie Tolan and John Brandt and Camille Couprie and Julien Mairal and Hervé Jégou and Patrick Labatut and Piotr Bojanowski},
      year={2025},
      eprint={2508.10104},
      archivePrefix={arXiv},
      primaryClass={cs.CV}
}"""


def _dinov3(size: str, revision: str, n_parameters: int, embed_dim: int, release_date: str,
            memory_usage_mb: int) -> ModelMeta:
    name = f"facebook/dinov3-{size}-pretrain-lvd1689m"
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="dinov3",
        modalities=["image"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        fusion=None,
        image=IMAGE,
        text=None,
        license=LICENSE,
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers"],
        extra="dinov3",
        citation=DINOV3_CITATION,
        memory_usage_mb=memory_usage_mb,
    )


MODELS = [
    _dinov3("vits16", "114c1379950215c8b35dfcd4e90a5c251dde0d32", 21596544, 384, "2025-08-05", 82),
    _dinov3("vits16plus", "c93d816fc9e567563bc068f01475bec89cc634a6", 28692864, 384, "2025-08-06", 109),
    _dinov3("vitb16", "5931719e67bbdb9737e363e781fb0c67687896bc", 85660416, 768, "2025-08-05", 327),
    _dinov3("vitl16", "ea8dc2863c51be0a264bab82070e3e8836b02d51", 303129600, 1024, "2025-08-06", 1156),
    _dinov3("vith16plus", "c807c9eeea853df70aec4069e6f56b28ddc82acc", 840592640, 1280, "2025-08-06", 3207),
    _dinov3("vit7b16", "b80367753773648a6793235ab9c65cdbb029506f", 6716035072, 4096, "2025-08-04", 25620),
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local DINOv3 ViT folder (`DINOv3ViTModel.save_pretrained` + its image processor)."""
    from mieb.models.registry import folder_revision

    return MODELS[0].model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path), embed_dim=config.get("hidden_size"),
        reference=str(path.resolve()), license=None, release_date=None, citation=None, memory_usage_mb=None,
    ))
