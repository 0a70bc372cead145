"""Qwen3-VL-Embedding (2B, 8B): sentence-transformers models on Qwen3-VL (no published MIEB results yet).

As the reference (mteb `qwen3_vl_embedding_models.py`): loaded by sentence-transformers at the card's
revision with an image processor bounded to 4 x 32 x 32 ... 1800 x 32 x 32 pixels (the official script's
bounds); `encode` with the task's instruction as the prompt on both sides (the task's prompt for the side,
else its task class's default, else "Represent the user's input.", with a full stop added); bfloat16
weights. Image+text items are one chat message whose parts follow the task dataset's column order. Video is
outside MIEB.
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

QWEN3_VL_EMBEDDING_CITATION = """@article{qwen3vlembedding,
  title={Qwen3-VL-Embedding and Qwen3-VL-Reranker: A Unified Framework for State-of-the-Art Multimodal Retrieval and Ranking},
  author={Li, Mingxin and Zhang, Yanzhao and Long, Dingkun and Chen Keqin and Song, Sibo and Bai, Shuai and Yang, Zhibo and Xie, Pengjun and Yang, An and Liu, Dayiheng and Zhou, Jingren and Lin, Junyang},
  journal={arXiv preprint arXiv:2601.04720},
  year={2026}
}"""

PIXEL_FACTOR = 32  # Qwen3-VL: 16-pixel patches merged 2 x 2


def _qwen3_vl(size: str, revision: str, n_parameters: int, embed_dim: int, memory_usage_mb: int) -> ModelMeta:
    name = f"Qwen/Qwen3-VL-Embedding-{size}"
    return ModelMeta(
        name=name,
        revision=revision,
        loader="mieb.models.wrappers.qwen3_vl_embedding:load",
        family="qwen3-vl-embedding",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        precision="bf16",  # the reference's output dtype
        fusion="joint",
        # rgb="keep": the reference hands the decoded image to the same sentence-transformers encode as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=None),
        loader_kwargs={"min_pixels": 4 * PIXEL_FACTOR**2, "max_pixels": 1800 * PIXEL_FACTOR**2},
        license="apache-2.0",
        release_date="2026-01-08",
        reference=f"https://huggingface.co/{name}",
        framework=["Sentence Transformers", "PyTorch", "Transformers"],
        uses_instructions=True,
        extra="mllm",
        memory_usage_mb=memory_usage_mb,  # the reference's
        citation=QWEN3_VL_EMBEDDING_CITATION,
    )


MODELS = [
    _qwen3_vl("2B", "9f2f7e710d6d81056aa5c0a4f04764fec6bb7bda", 2_127_532_032, 2048, 7629),
    _qwen3_vl("8B", "2c4565515e0f265c6511776e7193b22c0968ddc7", 8_144_793_840, 4096, 30518),
]
