"""ColSmol (SmolVLM / Idefics3 + a 128-d projection) through `colpali_engine`'s ColIdefics3.

As the reference (mteb `colsmol_models.py`, `ColSmolWrapper`, the `ColPaliEngineWrapper` of `colpali.py`):
fp16 weights (card precision "fp16", the reference's `torch_dtype`; its wrapper drops the attn_implementation its 500M card names, so both run
the default attention); queries "Query: " + text + ten "<end_of_utterance>" through `process_texts`, pages
through `process_images` (the checkpoint's image splitting into 512-pixel tiles plus a global view);
late-interaction MaxSim with the reference's zero padding; image+text inputs join their token sets.
"""

from __future__ import annotations

from mieb.models.cards.colpali import COLPALI_CITATION, LOADER
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing


def _colsmol(name: str, revision: str, n_parameters: int) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="colsmol",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=128,
        similarity="max_sim",
        precision="fp16",  # the reference loads the weights with torch_dtype=float16
        fusion="concat",
        # colpali_engine's process_images calls convert("RGB"), then the processor's convert_to_rgb.
        image=ImagePreprocessing(input="pil", rgb="convert_white"),
        text=TextPreprocessing(max_length=None),
        loader_kwargs={"architecture": "ColIdefics3", "query_prefix": "Query: "},
        license="apache-2.0",
        release_date="2025-01-22",
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "ColPali"],
        uses_instructions=False,  # a fixed query prefix, not task instructions (see colqwen.py)
        extra="colpali",
        citation=COLPALI_CITATION,
    )


MODELS = [
    _colsmol("vidore/colSmol-256M", "a59110fdf114638b8018e6c9a018907e12f14855", 256_000_000),
    _colsmol("vidore/colSmol-500M", "1aa9325cba7ed2b3b9b97ede4d55026322504902", 500_000_000),
]
