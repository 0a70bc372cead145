"""ColQwen3.5 retrievers through colpali_engine's `ColQwen3_5` (Qwen3.5 backbone, multi-vector, MaxSim):
athrael-soju/colqwen3.5-4.5B-v3 and vultr's VultronRetriever Flash / Core / Prime.

As the reference (mteb `ColQwen3_5Wrapper`): bf16 weights, queries through the processor's `process_queries`
(its own prefix and ten `<|endoftext|>` augmentation tokens), pages through `process_images` (the processor
resizes, so images reach the wrapper as PIL images); for image+text inputs the image alone is encoded.
Revisions are the published results' (the reference's cards name later commits: docs/deviations.md D19).
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta

LOADER = "mieb.models.wrappers.colprocessor:load"
VULTRON_LANGUAGES = ["eng-Latn", "fra-Latn", "deu-Latn", "spa-Latn", "ita-Latn", "por-Latn"]


def _colqwen35(name: str, revision: str, release_date: str, n_parameters: int, embed_dim: int,
               languages: list[str]) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="colqwen3.5",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        similarity="max_sim",
        precision="bf16",  # the reference loads the weights with torch_dtype=bfloat16
        fusion="joint",
        # rgb="convert": the reference calls convert("RGB"), then the same processor.process_images as mieb's
        # wrapper (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="convert"),
        loader_kwargs={"model_class": "colpali_engine.models:ColQwen3_5",
                       "processor_class": "colpali_engine.models:ColQwen3_5Processor",
                       "fused": "image"},
        license="apache-2.0",
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        languages=languages,
        framework=["PyTorch", "ColPali", "safetensors"],
        extra="colpali",
    )


MODELS = [
    _colqwen35("athrael-soju/colqwen3.5-4.5B-v3", "fe68094c22e6e956190086d610b058263e562002", "2026-03-15",
               4_600_000_000, 128, ["eng-Latn"]),
    _colqwen35("vultr/VultronRetrieverFlash-Qwen3.5-0.8B", "5d1a696e8e62f12508045a93543dfd0488ea3b77",
               "2026-06-21", 853_341_916, 320, VULTRON_LANGUAGES),
    _colqwen35("vultr/VultronRetrieverCore-Qwen3.5-4.5B", "5b63301ce5a49993f9ec1cf36645840b8cbd8120",
               "2026-06-22", 4_540_085_056, 320, VULTRON_LANGUAGES),
    _colqwen35("vultr/VultronRetrieverPrime-Qwen3.5-8B", "e8f3104b743a04b0d5f715b67117d687ae99ce51",
               "2026-06-18", 8_394_006_064, 320, VULTRON_LANGUAGES),
]
