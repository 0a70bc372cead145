"""Argus-ColQwen3.5 (DataScience-UIBK; Qwen3.5 backbone, region-aware mixture-of-experts, multi-vector,
MaxSim) through the checkpoint's remote code (`trust_remote_code`, refused unless the user allows it).

As the reference (mteb `ArgusColQwen35Wrapper`, an `OpsColQwen3Wrapper`): `AutoModel` / `AutoProcessor` at the
card's revision, the processor built with `max_num_visual_tokens=2048`, no dtype given, so transformers 5
loads the checkpoint's own ("auto"): the card's precision is that dtype, read from the reference's memory
figures (2 bytes a parameter for 4b and the -bf16 twins: bf16; 4 for 2b and 9b: fp32), queries through `process_queries`, pages through `process_images`, the
token matrix read from the forward's `.embeddings`. The reference adds the text and image token tensors of
image+text inputs element-wise, which is no fusion: mieb refuses such inputs instead (docs/deviations.md D18).
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta

ARGUS_KWARGS = {"model_class": "transformers:AutoModel", "processor_class": "transformers:AutoProcessor",
                "processor_kwargs": {"max_num_visual_tokens": 2048}}


def _argus(size: str, revision: str, release_date: str, n_parameters: int, precision: str,
           bf16: bool = False) -> ModelMeta:
    name = f"DataScience-UIBK/Argus-Colqwen3.5-{size}-v0" + ("-bf16" if bf16 else "")
    return ModelMeta(
        name=name,
        revision=revision,
        loader="mieb.models.wrappers.colprocessor:load",
        family="argus",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=1024,
        similarity="max_sim",
        precision=precision,
        fusion=None,
        # rgb="keep": the reference hands the decoded image to the same processor.process_images as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        loader_kwargs=ARGUS_KWARGS,
        license="apache-2.0",
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers", "safetensors"],
        trust_remote_code=True,
        extra="colqwen3",  # Qwen3.5's processor builds a video processor, which needs torchvision
    )


MODELS = [
    _argus("2b", "a1638ea873ae3e6b2e7be828331cb1a99aaab46f", "2026-05-03", 2_322_372_422, "fp32"),
    _argus("2b", "8bc3075844a050ea12ce02a5bd8a4919e2f8e9b4", "2026-05-03", 2_322_372_422, "bf16", bf16=True),
    _argus("4b", "fedffec17bc28034ce77f3e99500c6864c4d4b6b", "2026-04-29", 4_708_446_726, "bf16"),
    _argus("4b", "c88506c1bd05eb31ccf6a5c9b062bce0e8362520", "2026-05-03", 4_708_446_726, "bf16", bf16=True),
    _argus("9b", "1728b21a6790819d8db3009ea0e7eda6ae1fd0d6", "2026-05-05", 8_820_670_710, "fp32"),
    _argus("9b", "ebb3727a17d7741c50e64f67678dd25ebcc42191", "2026-05-05", 8_820_670_710, "bf16", bf16=True),
]
