"""ColPali (PaliGemma-3B + LoRA, 128-d token embeddings) through `colpali_engine`: multi-vector, MaxSim.

As the reference (mteb `colpali_models.py`): the adapter at the card's revision on its base model, with fp16
weights (its `torch_dtype`; the card's precision "fp16"), images through `process_images`, queries prefixed
"Query: " and followed by ten `<pad>` augmentation tokens through `process_texts`; scores are late-interaction MaxSim with the
reference's zero padding (a document shorter than the longest one encoded with it has zero tokens, which
floor every query token's best match at 0; `mieb.models.encoder.maxsim`); image+text inputs join their
token sets (fusion "concat"). The processor builds PaliGemma's prompt and resizes, so images
reach the wrapper as PIL images. `card_for_folder` serves every colpali_engine architecture (ColQwen2,
ColQwen2.5, ColSmol cards live in `colqwen.py` and `colsmol.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.cards._folder import count_safetensors_parameters
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.colpali:load"

COLPALI_CITATION = """@misc{faysse2024colpali,
  title={ColPali: Efficient Document Retrieval with Vision Language Models},
  author={Faysse, Manuel and Sibille, Hugues and Wu, Tony and Omrani, Bilel and Viaud, Gautier and Hudelot, C\\'eline and Colombo, Pierre},
  year={2024},
  eprint={2407.01449},
  archivePrefix={arXiv},
  primaryClass={cs.IR}
}"""


def _colpali(name: str, revision: str, release_date: str) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="colpali",
        modalities=["image", "text"],
        n_parameters=2_920_000_000,
        embed_dim=128,
        similarity="max_sim",
        precision="fp16",  # the reference loads the weights with torch_dtype=float16
        fusion="concat",
        # colpali_engine's process_images calls convert("RGB"), then PaliGemma's processor convert_to_rgb.
        image=ImagePreprocessing(input="pil", rgb="convert_white"),
        text=TextPreprocessing(max_length=None),
        loader_kwargs={"architecture": "ColPali", "query_prefix": "Query: "},
        license="apache-2.0",
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "ColPali"],
        # The reference's card says use_instructions=True, but the model reads a fixed query prefix, not task instructions: its
        # embeddings do not depend on the task, so they are cached across tasks.
        uses_instructions=False,
        extra="colpali",
        citation=COLPALI_CITATION,
    )


MODELS = [
    _colpali("vidore/colpali-v1.1", "a0f15e3bcf97110e7ac1bb4be4bcd30eeb31992a", "2024-08-21"),
    _colpali("vidore/colpali-v1.2", "6b89bc63c16809af4d111bfe412e2ac6bc3c9451", "2024-08-26"),
    _colpali("vidore/colpali-v1.3", "1b5c8929330df1a66de441a9b5409a878f0de5b0", "2024-11-01"),
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local colpali_engine checkpoint (`ColPali`, `ColQwen2`, `ColQwen2_5` or `ColIdefics3`
    `.save_pretrained` with its processor), from the published card of its architecture.

    Raises UsageError for a config naming another architecture."""
    from mieb.errors import UsageError
    from mieb.models.cards import colqwen, colsmol
    from mieb.models.registry import folder_revision

    templates = {"ColPali": MODELS[-1], "ColQwen2": colqwen.MODELS[0], "ColQwen2_5": colqwen.MODELS[1],
                 "ColIdefics3": colsmol.MODELS[0]}
    arch = next((a for a in config.get("architectures") or [] if a in templates), None)
    if arch is None and config.get("model_type") in ("paligemma", "colpali"):
        arch = "ColPali"  # a PaliGemma folder saved without architectures
    if arch is None:
        raise UsageError(f"{path}: architectures {config.get('architectures')} are not a colpali_engine model "
                         f"mieb runs ({sorted(templates)})")
    template = templates[arch]
    return template.model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path), embed_dim=None,
        reference=str(path.resolve()),
        release_date=None, citation=None,
    ))
