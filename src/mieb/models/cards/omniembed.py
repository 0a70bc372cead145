"""Tevatron OmniEmbed v0.1: a LoRA adapter (sentence-transformers layout, remote code) on
Tevatron/Qwen2.5-Omni-7B-Thinker.

As the reference (mteb `tevatron_omni_embed_models.py`): the adapter at the card's revision on the base at
`base_revision` (its adapter_config.json names the base without a revision); the checkpoint's own prompts
and pooling through `encode_query` / `encode_document`; text-only inputs truncated at 512 tokens, inputs with
an image untruncated; bfloat16 weights. Image+text items are one chat message whose parts follow the task
dataset's column order. Audio and video are outside MIEB.
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

OMNIEMBED_CITATION = """@misc{zhuang2025tevatron,
  archiveprefix = {arXiv},
  author = {Xueguang Ma and Luyu Gao and Shengyao Zhuang and Jiaqi Samantha Zhan and Jamie Callan and Jimmy Lin},
  eprint = {2505.02466},
  title = {Tevatron 2.0: Unified Document Retrieval Toolkit across Scale, Language, and Modality},
  url = {https://arxiv.org/abs/2505.02466},
  year = {2025},
}"""

MODELS = [
    ModelMeta(
        name="Tevatron/OmniEmbed-v0.1",
        revision="fa8be315e74d07f563b07c0d053525de6dc7eda8",
        loader="mieb.models.wrappers.omniembed:load",
        family="omniembed",
        modalities=["image", "text"],
        n_parameters=8_931_813_888,
        embed_dim=3584,
        precision="bf16",  # the reference passes torch_dtype="bfloat16"
        fusion="joint",
        # rgb="keep": the reference hands the decoded image to the same sentence-transformers encode as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=512),  # text-only inputs; with an image, none
        loader_kwargs={"base_revision": "8876e9bc7e6af2ecbdfb14e0416e2c1105f0f7bb"},
        license="mit",
        release_date="2025-04-12",
        reference="https://huggingface.co/Tevatron/OmniEmbed-v0.1",
        framework=["Sentence Transformers", "PyTorch", "Transformers", "PEFT"],
        uses_instructions=True,
        trust_remote_code=True,
        extra="mllm",
        memory_usage_mb=17036,  # the reference's (bfloat16 weights)
        citation=OMNIEMBED_CITATION,
    )
]
