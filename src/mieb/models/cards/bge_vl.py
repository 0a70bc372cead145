"""BGE-VL base and large (MegaPairs): CLIP models embedding as their authors' `modeling_MMRet_CLIP.encode` does.

Facts (names, revisions, sizes, dates, licence) are the reference's (mteb `bge_vl_models.py`); it has no
published MIEB results for them. The checkpoints are CLIP ViT-B/16 and ViT-L/14 in transformers' `CLIPModel`
layout (their remote code is a copy of that class plus `encode`), so mieb loads them with `CLIPModel` at the
card's revision, without running remote code. Embeddings, as the authors' `encode`: text = normalised
`get_text_features`, image = normalised `get_image_features`, image+text = the normalised sum of the two
unnormalised features. Text is padded to the longest and truncated at CLIP's 77 tokens; images take the
repository's CLIPImageProcessor settings (shortest edge 224, bicubic, centre crop 224, CLIP mean/std).

Where the reference departs: it loads these through sentence-transformers (`trust_remote_code=True`) with
the sentence-transformers configuration the repositories carry at the pinned revisions, in bfloat16 (its
card's bf16 output dtype, hence this card's precision on CUDA), and marks them as using instructions.
That configuration (prompts, how an image+text input is combined) cannot be read offline; mieb sends no
instruction and follows the authors' combination (docs/deviations.md D22). Compare with the reference before
trusting a number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.cards._folder import count_safetensors_parameters, image_preprocessing_from_folder
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.bge_vl:load"

MEGAPAIRS_CITATION = """@article{zhou2024megapairs,
  title={MegaPairs: Massive Data Synthesis For Universal Multimodal Retrieval},
  author={Zhou, Junjie and Liu, Zheng and Liu, Ze and Xiao, Shitao and Wang, Yueze and Zhao, Bo and Zhang, Chen Jason and Lian, Defu and Xiong, Yongping},
  journal={arXiv preprint arXiv:2412.14475},
  year={2024}
}"""


def _bge_vl(name: str, revision: str, n_parameters: int, embed_dim: int, memory_usage_mb: int) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="bge-vl",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        precision="bf16",
        fusion="joint",
        image=ImagePreprocessing(size=224, crop_size=224),
        text=TextPreprocessing(max_length=77),
        license="mit",
        release_date="2025-02-25",
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers"],
        citation=MEGAPAIRS_CITATION,
        memory_usage_mb=memory_usage_mb,
    )


MODELS = [
    _bge_vl("BAAI/BGE-VL-base", "cc4c733ed997dbee4ac70ccffb911e70c9c24b93", 149_620_737, 512, 285),
    _bge_vl("BAAI/BGE-VL-large", "40fb48217f521df22a2a5bf15edd52ed1146ef05", 427_616_513, 768, 816),
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local BGE-VL CLIP snapshot (model_type "clip" whose auto_map names the MMRet remote code):
    embedded as the authors do, not as a plain CLIP; the remote code itself is not run."""
    from mieb.models.registry import folder_revision

    base = MODELS[0]
    assert base.image is not None and base.text is not None
    max_length = config.get("text_config", {}).get("max_position_embeddings", base.text.max_length)
    return base.model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path), embed_dim=config.get("projection_dim"),
        image=image_preprocessing_from_folder(path, base.image), text=base.text.model_copy(update={"max_length": max_length}),
        reference=str(path.resolve()), license=None,
        release_date=None, citation=None, memory_usage_mb=None,
    ))
