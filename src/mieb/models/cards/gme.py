"""GME (gme-Qwen2-VL 2B, 7B): Alibaba's universal multimodal retrievers on Qwen2-VL (no published MIEB
results yet).

As the reference (mteb `gme_v_models.py`, the authors' inference code): float16 weights; each item is
"<|im_start|>system\\n{instruction}<|im_end|>\\n<|im_start|>user\\n[<|vision_start|><|image_pad|><|vision_end|>]
[text]<|im_end|>\\n<|im_start|>assistant\\n<|endoftext|>", right-padded and cut at 1800 tokens; the instruction is
the task's for queries (its prompt for the side, else its task class's default) and "You are a helpful
assistant." for documents and where that is empty; images first resized to a multiple of 28 px within
4 ... 16384 x 28 x 28 pixels (qwen-vl-utils' rule, PIL's default filter), then the processor bounds them to
4 ... 1280 x 28 x 28; the final hidden state at the last token, L2-normalised. Positions are plain 1-D
(the language model is called on embeddings directly, as the authors do), not Qwen2-VL's M-RoPE.
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

GME_CITATION = """@misc{zhang2024gme,
      title={GME: Improving Universal Multimodal Retrieval by Multimodal LLMs},
      author={Zhang, Xin and Zhang, Yanzhao and Xie, Wen and Li, Mingxin and Dai, Ziqi and Long, Dingkun and Xie, Pengjun and Zhang, Meishan and Li, Wenjie and Zhang, Min},
      year={2024},
      eprint={2412.16855},
      archivePrefix={arXiv},
      primaryClass={cs.CL},
      url={http://arxiv.org/abs/2412.16855}
}"""


def _gme(size: str, revision: str, n_parameters: int, embed_dim: int, memory_usage_mb: int) -> ModelMeta:
    name = f"Alibaba-NLP/gme-Qwen2-VL-{size}-Instruct"
    return ModelMeta(
        name=name,
        revision=revision,
        loader="mieb.models.wrappers.gme:load",
        family="gme",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        precision="fp16",  # the reference loads with torch_dtype=float16
        fusion="joint",
        # rgb="keep": the reference's fetch_image converts the decoded image to RGB and resizes it, as mieb's
        # wrapper's fetch_image does (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=1800),
        loader_kwargs={"min_image_tokens": 4, "max_image_tokens": 1280},
        license="apache-2.0",
        release_date="2024-12-24",
        reference=f"https://huggingface.co/{name}",
        languages=["eng-Latn", "cmn-Hans"],
        framework=["PyTorch", "Transformers"],
        uses_instructions=True,
        extra="mllm",
        memory_usage_mb=memory_usage_mb,  # the reference's
        citation=GME_CITATION,
    )


MODELS = [
    _gme("2B", "ce765ae71b8cdb208203cd8fb64a170b1b84293a", 2_208_985_600, 1536, 8427),
    _gme("7B", "477027a6480f8630363be77751f169cc3434b673", 7_746_378_240, 3584, 31629),
]
