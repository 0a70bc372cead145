"""BLIP-2 as the reference scores it: the stage-1 Q-Former image-text matching models, not the OPT models the
card names suggest.

Facts (names, revisions, dates, licence) are the reference's (mteb `blip2_models.py`). Its loader takes from
the named repository only the image processor (`Blip2Processor` at the card's revision: 224 x 224 for
blip2-opt-2.7b, 364 x 364 for blip2-opt-6.7b-coco, bicubic, no crop, CLIP mean/std); the model is LAVIS's
`Blip2ITM` ("pretrain" for opt-2.7b, "coco" for the COCO-finetuned opt-6.7b), cast to float32:
- image: the first of the 32 query tokens after the Q-Former attends to the EVA ViT-g features;
- text: the Q-Former's [CLS] state on the text alone (padded to, and truncated at, 32 tokens);
- image+text: the first query token with the text in the Q-Former too (LAVIS's multimodal features; text
  padded to the longest in the batch, not truncated; on CUDA, LAVIS runs the ViT under fp16 autocast here).
All 768-d, unprojected and unnormalised (the ITC projections are not used). The reference scored its
published results with an earlier wrapper that summed the image and text embeddings for image+text inputs.

LAVIS pins transformers < 4.27 and cannot be installed beside mieb (nor beside the reference's own
transformers 5: its 2.26.24 loader also passes LAVIS a `revision` argument it does not take; docs/deviations.md
D21). mieb loads
the same weights from transformers' ports of those two LAVIS checkpoints (`Salesforce/blip2-itm-vit-g`,
`Salesforce/blip2-itm-vit-g-coco`, converted from LAVIS and checked against it by transformers' conversion
script) into `Blip2ForImageTextRetrieval`, and sets the ViT's output norm to LAVIS's epsilon (1e-5; the port
uses 1e-6). The pretrain port is pinned at a commit seen pinned in public code (520bf73f, a full snapshot);
no commit of the COCO port could be found offline, so it loads the repository's current files (logged).
Parameters and memory are those of the ITM models that run, not of the OPT models (3.74B / 7.75B).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.errors import UsageError
from mieb.models.cards._folder import count_safetensors_parameters, image_preprocessing_from_folder
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.blip2:load"

BLIP2_CITATION = """@inproceedings{li2023blip2,
    title={{BLIP-2:} Bootstrapping Language-Image Pre-training with Frozen Image Encoders and Large Language Models},
    author={Junnan Li and Dongxu Li and Silvio Savarese and Steven Hoi},
    year={2023},
    booktitle={ICML},
}"""


def _blip2(name: str, revision: str, image_size: int, itm_weights: str, itm_revision: str | None,
           n_parameters: int, release_date: str) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="blip2",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=768,
        fusion="joint",
        image=ImagePreprocessing(size=image_size, resize="square", crop_size=None, interpolation="bicubic"),
        # LAVIS's max_txt_len for the text-only features (the joint features pad to the longest, untruncated).
        text=TextPreprocessing(max_length=32, padding="max_length"),
        loader_kwargs={"itm_weights": itm_weights, "itm_revision": itm_revision},
        license="mit",
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers"],
        citation=BLIP2_CITATION,
        memory_usage_mb=round(n_parameters * 4 / 2**20),
    )


MODELS = [
    _blip2("Salesforce/blip2-opt-2.7b", "51572668da0eb669e01a189dc22abe6088589a24", 224,
           "Salesforce/blip2-itm-vit-g", "520bf73fd0ef6ccce791cd3f06908040aef2d8cc", 1172032258, "2024-03-22"),
    _blip2("Salesforce/blip2-opt-6.7b-coco", "0d580de59320a25a4d2c386387bcef310d5f286e", 364,
           "Salesforce/blip2-itm-vit-g-coco", None, 1172623618, "2024-03-31"),
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local `Blip2ForImageTextRetrieval.save_pretrained` folder (+ tokenizer and image processor
    config); other BLIP-2 heads (the OPT / Flan-T5 generators) have no Q-Former text path to embed with."""
    from mieb.models.registry import folder_revision

    architectures = config.get("architectures") or []
    if "Blip2ForImageTextRetrieval" not in architectures:
        raise UsageError(f"{path}: only Blip2ForImageTextRetrieval checkpoints can be embedded, not {architectures}")
    size = int(config.get("vision_config", {}).get("image_size", 224))
    base = MODELS[0]
    assert base.image is not None
    return base.model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path),
        embed_dim=config.get("qformer_config", {}).get("hidden_size", 768),
        image=image_preprocessing_from_folder(path, base.image.model_copy(update={"size": size})),
        loader_kwargs={"itm_weights": str(path.resolve()), "itm_revision": None},
        reference=str(path.resolve()), license=None, release_date=None, citation=None, memory_usage_mb=None,
    ))
