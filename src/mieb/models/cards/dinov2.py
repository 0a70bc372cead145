"""DINOv2 (image only): the CLS token of the last hidden state, as the reference's DINOModel takes it (the
authors' linear probes add the mean patch token: docs/deviations.md D15).

Facts are the reference's (mteb `dino_models.py`); preprocessing is the checkpoints' BitImageProcessor
config: shortest edge 256 (bicubic), centre crop 224, ImageNet mean/std.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.cards._folder import count_safetensors_parameters, image_preprocessing_from_folder
from mieb.models.meta import IMAGENET_MEAN, IMAGENET_STD, ImagePreprocessing, ModelMeta

LOADER = "mieb.models.wrappers.dinov2:load"
IMAGE = ImagePreprocessing(size=256, crop_size=224, interpolation="bicubic", mean=IMAGENET_MEAN, std=IMAGENET_STD)

DINOV2_CITATION = """@misc{oquab2023dinov2,
      title={DINOv2: Learning Robust Visual Features without Supervision},
      author={Maxime Oquab and Timothée Darcet and Théo Moutakanni and Huy Vo and Marc Szafraniec and Vasil Khalidov and Pierre Fernandez and Daniel Haziza and Francisco Massa and Alaaeldin El-Nouby and Mahmoud Assran and Nicolas Ballas and Wojciech Galuba and Russell Howes and Po-Yao Huang and Shang-Wen Li and Ishan Misra and Michael Rabbat and Vasu Sharma and Gabriel Synnaeve and Hu Xu and Hervé Jegou and Julien Mairal and Patrick Labatut and Armand Joulin and Piotr Bojanowski},
      year={2023},
      eprint={2304.07193},
      archivePrefix={arXiv},
      primaryClass={cs.CV}
}"""


def _dinov2(name: str, revision: str, n_parameters: int, embed_dim: int) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="dinov2",
        modalities=["image"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        fusion=None,
        image=IMAGE,
        text=None,
        license="apache-2.0",
        release_date="2023-07-18",
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers"],
        citation=DINOV2_CITATION,
    )


MODELS = [
    _dinov2("facebook/dinov2-small", "ed25f3a31f01632728cabb09d1542f84ab7b0056", 22056576, 384),
    _dinov2("facebook/dinov2-base", "f9e44c814b77203eaa57a6bdbbd535f21ede1415", 86580480, 768),
    _dinov2("facebook/dinov2-large", "47b73eefe95e8d44ec3623f8890bd894b6ea2d6c", 304368640, 1024),
    _dinov2("facebook/dinov2-giant", "611a9d42f2335e0f921f1e313ad3c1b7178d206d", 1136480768, 1536),
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local DINOv2 checkpoint folder (`Dinov2Model.save_pretrained` + image processor)."""
    from mieb.models.registry import folder_revision

    return MODELS[0].model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path), embed_dim=config.get("hidden_size"),
        image=image_preprocessing_from_folder(path, IMAGE), reference=str(path.resolve()), license=None,
        release_date=None, citation=None,
    ))
