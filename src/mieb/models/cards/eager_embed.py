"""eager-embed-v1 (eagerworks; Qwen3-VL-4B fine-tuned with Tevatron; single vector, cosine). Facts are the
reference's (mteb `eagerworks_models.py`). See `mieb.models.wrappers.eager_embed`."""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

MODELS = [
    ModelMeta(
        name="eagerworks/eager-embed-v1",
        revision="a6bec272729c5056e2c26618ce085205c82a3b3c",
        loader="mieb.models.wrappers.eager_embed:load",
        family="eager-embed",
        modalities=["image", "text"],
        n_parameters=4_437_815_808,
        embed_dim=2560,
        similarity="cosine",
        precision="fp16",  # the reference loads the weights with dtype=float16
        fusion="joint",
        # rgb="keep": the reference hands the decoded image to the same qwen-vl-utils fetch_image as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=None),
        loader_kwargs={"image_size": 784},
        license="apache-2.0",
        release_date="2025-11-20",
        reference="https://huggingface.co/eagerworks/eager-embed-v1",
        languages=["fra-Latn", "spa-Latn", "eng-Latn", "deu-Latn"],
        framework=["PyTorch", "Transformers", "safetensors"],
        # Queries are prefixed "Query: ": the embedding cache keys on the prompt type.
        uses_instructions=True,
        extra="qwen-vl",
    )
]
