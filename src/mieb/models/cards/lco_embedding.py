"""LCO-Embedding-Omni (3B, 7B): Qwen2.5-Omni thinkers fine-tuned for embeddings, read at the last token.

As the reference (mteb `lco_embedding_models.py`): transformers' `Qwen2_5OmniProcessor` and
`Qwen2_5OmniThinkerForConditionalGeneration` at the card's revision, bfloat16 weights; each item is one user
turn of the checkpoint's chat template (with the generation prompt): the image (if any), the text (if any,
cut to its first 300 tokens, as the authors evaluate), then "\\nSummarize the above {image|text} in one
word:"; left padding, the last position's final hidden state, L2-normalised. Images keep the checkpoint
processor's own pixel budget. The prompts are fixed (no task instructions), so embeddings do not depend on
the task and are cached across tasks. Audio and video, which the model also reads, are outside MIEB.
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.lco_embedding:load"

LCO_CITATION = """@misc{xiao2025scalinglanguagecentricomnimodalrepresentation,
  title={Scaling Language-Centric Omnimodal Representation Learning},
  author={Chenghao Xiao and Hou Pong Chan and Hao Zhang and Weiwen Xu and Mahani Aljunied and Yu Rong},
  year={2025},
  eprint={2510.11693},
  archivePrefix={arXiv},
  primaryClass={cs.CL},
  url={https://arxiv.org/abs/2510.11693},
}"""


def _lco(size: str, revision: str, release_date: str, n_parameters: int, embed_dim: int,
         memory_usage_mb: int) -> ModelMeta:
    name = f"LCO-Embedding/LCO-Embedding-Omni-{size}"
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="lco-embedding",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        precision="bf16",  # the reference loads the thinker in bfloat16
        fusion="joint",
        # rgb="keep": the reference hands the decoded image to the same Qwen2.5-Omni processor as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=300),  # the wrapper cuts texts to 300 tokens before templating
        license="mit",
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers"],
        extra="mllm",
        memory_usage_mb=memory_usage_mb,  # the reference's (weights in the checkpoint's dtype)
        citation=LCO_CITATION,
    )


MODELS = [
    _lco("3B", "eea763cfaf673e955ae86c64968896a3fea70189", "2025-10-23", 4_703_464_448, 2048, 8978),
    _lco("7B", "3d38f58aae1253a4443b1270b0767f1e533936cf", "2025-10-15", 8_931_813_888, 3584, 17043),
]
