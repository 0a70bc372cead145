"""webAI ColVec1 (ColQwen3.5-based, multi-vector, MaxSim) through the checkpoint's remote code
(`trust_remote_code`, refused unless the user allows it).

As the reference (mteb `ColVec1Wrapper`): `AutoModel` in bf16 and `AutoProcessor` at the card's revision,
queries through `process_queries`, pages (RGB) through `process_images`, Qwen's cached rope offsets cleared
before every forward. The reference adds the text and image token tensors of image+text inputs element-wise,
which is no fusion: mieb refuses such inputs instead (docs/deviations.md D18).
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta


def _colvec1(name: str, revision: str, n_parameters: int, embed_dim: int) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader="mieb.models.wrappers.colprocessor:load",
        family="webai-colvec1",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        similarity="max_sim",
        precision="bf16",  # the reference loads the weights with torch_dtype=bfloat16
        fusion=None,
        # rgb="convert": the reference calls convert("RGB"), then the same processor.process_images as mieb's
        # wrapper (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="convert"),
        loader_kwargs={"model_class": "transformers:AutoModel", "processor_class": "transformers:AutoProcessor"},
        license="multiple",
        release_date="2026-04-05",
        reference=f"https://huggingface.co/{name}",
        languages=["eng-Latn", "fra-Latn"],
        framework=["PyTorch", "Transformers", "safetensors"],
        trust_remote_code=True,
        extra="colqwen3",  # Qwen3.5's processor builds a video processor, which needs torchvision
    )


MODELS = [
    _colvec1("webAI-Official/webAI-ColVec1-4b", "dce73882e6b89a01e702891a593f775dc5711929", 4_540_904_576, 640),
    _colvec1("webAI-Official/webAI-ColVec1-9b", "3767539920b9132abb24cef2c88d42d81817e50b", 9_420_302_064, 2560),
]
