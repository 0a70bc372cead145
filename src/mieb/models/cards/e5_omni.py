"""e5-omni (3B, 7B): sentence-transformers models on Qwen2.5-Omni thinkers (remote code).

As the reference (mteb `e5_omni_models.py`): loaded by sentence-transformers at the card's revision with
the checkpoint's own modules, prompts and pooling; text-only inputs truncated at 512 tokens, inputs with an
image untruncated; queries and documents through `encode_query` / `encode_document`; bfloat16 weights (the
reference's output dtype). Image+text items are one chat message whose parts follow the task dataset's
column order. Audio and video, which the model also reads, are outside MIEB.
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.e5_omni:load"

E5_OMNI_CITATION = """@article{chen2026e5omni,
    title={e5-omni: Explicit Cross-modal Alignment for Omni-modal Embeddings},
    author={Chen, Haonan and Gao, Sicheng and Radu, Timofte and Tetsuya, Sakai and Dou, Zhicheng},
    journal={arXiv preprint arXiv:2601.03666},
    year={2026}
}"""


def _e5_omni(size: str, revision: str, n_parameters: int, embed_dim: int, memory_usage_mb: int) -> ModelMeta:
    name = f"Haon-Chen/e5-omni-{size}"
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="e5-omni",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        precision="bf16",  # the reference keeps the checkpoint's dtype (bfloat16)
        fusion="joint",
        # rgb="keep": the reference hands the decoded image to the same sentence-transformers encode as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=512),  # text-only inputs; with an image, none
        license="mit",
        release_date="2026-01-06",
        reference=f"https://huggingface.co/{name}",
        framework=["Sentence Transformers", "PyTorch", "Transformers"],
        uses_instructions=True,
        trust_remote_code=True,
        extra="mllm",
        memory_usage_mb=memory_usage_mb,  # the reference's (weights in the checkpoint's dtype)
        citation=E5_OMNI_CITATION,
    )


MODELS = [
    _e5_omni("3B", "bc2c24d7596ea578d08adffd96146ed47b1e5f72", 4_703_464_448, 2048, 8971),
    _e5_omni("7B", "ffea4ae1382fc26dc9fc337a89ced3fab58e408b", 8_931_813_888, 3584, 17036),
]
