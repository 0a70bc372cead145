"""IBM Granite Vision 3.3 2B embedding (multi-vector, MaxSim) through the checkpoint's remote code
(`trust_remote_code`, refused unless the user allows it).

As the reference (mteb `GraniteVisionEmbeddingWrapper`): `AutoModel` in fp16 and `AutoProcessor` at the
card's revision, queries through `process_queries`, pages through `process_images`. The reference adds the
text and image token tensors of image+text inputs element-wise, which is no fusion: mieb refuses such inputs
(docs/deviations.md D18).
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta

GRANITE_VISION_CITATION = """@article{karlinsky2025granitevision,
  title={Granite Vision: a lightweight, open-source multimodal model for enterprise Intelligence},
  author={Granite Vision Team and Karlinsky, Leonid and others},
  journal={arXiv preprint arXiv:2502.09927},
  year={2025}
}"""

MODELS = [
    ModelMeta(
        name="ibm-granite/granite-vision-3.3-2b-embedding",
        revision="cee615db64d89d1552a4ee39c50f25c0fc5c66ca",
        loader="mieb.models.wrappers.colprocessor:load",
        family="granite-vision",
        modalities=["image", "text"],
        n_parameters=2_980_000_000,
        embed_dim=128,
        similarity="max_sim",
        precision="fp16",  # the reference loads the weights with torch_dtype=float16
        fusion=None,
        # rgb="keep": the reference hands the decoded image to the same processor.process_images as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        loader_kwargs={"model_class": "transformers:AutoModel", "processor_class": "transformers:AutoProcessor"},
        license="apache-2.0",
        release_date="2025-06-11",
        reference="https://huggingface.co/ibm-granite/granite-vision-3.3-2b-embedding",
        framework=["PyTorch", "Transformers", "safetensors"],
        trust_remote_code=True,
        citation=GRANITE_VISION_CITATION,
    )
]
