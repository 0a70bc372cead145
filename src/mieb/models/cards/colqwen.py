"""ColQwen2 / ColQwen2.5 retrievers (Qwen2-VL / Qwen2.5-VL + a 128-d projection) through `colpali_engine`:
vidore's ColQwen2 and ColQwen2.5, nomic's ColNomic and Alibaba Cloud's EvoQwen2.5-VL-Retriever.

As the reference (mteb `colqwen_models.py`, `ColQwen2Wrapper` / `ColQwen2_5Wrapper`, both the
`ColPaliEngineWrapper` of `colpali.py`): fp16 weights (card precision "fp16", the reference's
`torch_dtype=float16`); the reference's cards also name
flash_attention_2 for some of them, but its ColQwen2.5 wrapper drops that argument, so every one runs the
default attention. Queries "Query: " + text + ten "<|endoftext|>" through `process_texts`, pages through
`process_images` (the checkpoint's own prompt and image budget, as its processor config stores them);
late-interaction MaxSim with the reference's zero padding; image+text inputs join their token sets.
"""

from __future__ import annotations

from mieb.models.cards.colpali import COLPALI_CITATION, LOADER
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

COLNOMIC_LANGUAGES = ["deu-Latn", "spa-Latn", "eng-Latn", "fra-Latn", "ita-Latn"]


def _colqwen(name: str, revision: str, *, architecture: str, n_parameters: int, release_date: str,
             languages: tuple[str, ...] = ("eng-Latn",), citation: str | None = None) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="colqwen",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=128,
        similarity="max_sim",
        precision="fp16",  # the reference loads the weights with torch_dtype=float16
        fusion="concat",
        # colpali_engine's process_images calls convert("RGB"), then the processor's convert_to_rgb.
        image=ImagePreprocessing(input="pil", rgb="convert_white"),
        text=TextPreprocessing(max_length=None),
        loader_kwargs={"architecture": architecture, "query_prefix": "Query: "},
        license="apache-2.0",
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        languages=list(languages),
        framework=["PyTorch", "ColPali"],
        # A fixed query prefix, no task instructions (the reference's use_instructions=True notwithstanding):
        # embeddings do not depend on the task, so they are cached across tasks.
        uses_instructions=False,
        extra="colpali",
        citation=citation,
    )


MODELS = [
    _colqwen("vidore/colqwen2-v1.0", "530094e83a40ca4edcb5c9e5ddfa61a4b5ea0d2f", architecture="ColQwen2",
             n_parameters=2_210_000_000, release_date="2025-11-03", citation=COLPALI_CITATION),
    _colqwen("vidore/colqwen2.5-v0.2", "6f6fcdfd1a114dfe365f529701b33d66b9349014", architecture="ColQwen2_5",
             n_parameters=3_000_000_000, release_date="2025-01-31", citation=COLPALI_CITATION),
    _colqwen("nomic-ai/colnomic-embed-multimodal-3b", "86627b4a9b0cade577851a70afa469084f9863a4",
             architecture="ColQwen2_5", n_parameters=3_000_000_000, release_date="2025-03-31",
             languages=tuple(COLNOMIC_LANGUAGES)),
    _colqwen("nomic-ai/colnomic-embed-multimodal-7b", "09dbc9502b66605d5be56d2226019b49c9fd3293",
             architecture="ColQwen2_5", n_parameters=7_000_000_000, release_date="2025-03-31",
             languages=tuple(COLNOMIC_LANGUAGES)),
    _colqwen("ApsaraStackMaaS/EvoQwen2.5-VL-Retriever-3B-v1", "aeacaa2775f2758d82721eb1cf2f5daf1a392da9",
             architecture="ColQwen2_5", n_parameters=3_000_000_000, release_date="2025-11-04"),
    _colqwen("ApsaraStackMaaS/EvoQwen2.5-VL-Retriever-7B-v1", "8952ac6ee0e7de2e9211b165921518caf9202110",
             architecture="ColQwen2_5", n_parameters=7_000_000_000, release_date="2025-11-04"),
]
