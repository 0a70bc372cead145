"""API models: Cohere embed (v3, v4) and Voyage multimodal-3. Keys come from COHERE_API_KEY / VOYAGE_API_KEY.

Facts are the reference's (mteb `cohere_v.py`, `voyage_v.py`); "revision" is the reference's own label for
an API version. Images reach the wrappers as RGB PIL images, which they encode as data URIs: JPEG for
Cohere (as the reference does), PNG for Voyage (the reference sends the decoded image as it is:
docs/deviations.md D17).
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta

COHERE_LOADER = "mieb.models.wrappers.cohere:load"
VOYAGE_LOADER = "mieb.models.wrappers.voyage:load"


def _cohere(name: str, api_name: str, release_date: str, embed_dim: int, embedding_type: str = "float",
            languages: list[str] | None = None, reference: str | None = None) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision="1",
        loader=COHERE_LOADER,
        family="cohere",
        modalities=["image", "text"],
        embed_dim=embed_dim,
        image=ImagePreprocessing(input="pil", rgb="convert"),
        text=None,
        loader_kwargs={"model_api_name": api_name, "embedding_type": embedding_type},
        license=None,
        release_date=release_date,
        reference=reference or f"https://huggingface.co/{name}",
        languages=languages if languages is not None else ["eng-Latn"],
        framework=["API"],
        open_weights=False,
    )


MODELS = [
    _cohere("cohere/embed-multilingual-v3.0", "embed-multilingual-v3.0", "2024-10-24", 1024, languages=[],
            reference="https://huggingface.co/Cohere/Cohere-embed-multilingual-v3.0"),
    _cohere("cohere/embed-english-v3.0", "embed-english-v3.0", "2024-10-24", 1024,
            reference="https://huggingface.co/Cohere/Cohere-embed-english-v3.0"),
    _cohere("Cohere/Cohere-embed-v4.0", "embed-v4.0", "2024-12-01", 1536, languages=[]),
    _cohere("Cohere/Cohere-embed-v4.0 (output_dtype=int8)", "embed-v4.0", "2024-12-01", 1536, "int8", languages=[],
            reference="https://huggingface.co/Cohere/Cohere-embed-v4.0"),
    ModelMeta(
        name="voyageai/voyage-multimodal-3",
        revision="1",
        loader=VOYAGE_LOADER,
        family="voyage",
        modalities=["image", "text"],
        embed_dim=1024,
        fusion="joint",
        image=ImagePreprocessing(input="pil", rgb="convert"),
        text=None,
        loader_kwargs={"model_api_name": "voyage-multimodal-3"},
        license="mit",
        release_date="2024-11-10",
        reference="https://huggingface.co/voyageai/voyage-multimodal-3",
        languages=[],
        framework=["API"],
        open_weights=False,
    ),
]
