"""BGE-VL-MLLM-S1: BAAI's MegaPairs-trained multimodal-LLM retriever (remote code; no published MIEB
results yet).

As the reference (mteb `bge_vl_models.py`): the generic sentence-transformers call, loaded at the card's
revision with the checkpoint's code (trust_remote_code) and its own prompts, pooling and normalisation;
queries and documents through `encode_query` / `encode_document`; float16 weights (the reference's output
dtype). The authors' own usage goes through the model's custom `encode` with per-query task instructions
(`set_processor`, `data_process`), which the reference's generic call does not use.
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

MEGAPAIRS_CITATION = """@article{zhou2024megapairs,
  title={MegaPairs: Massive Data Synthesis For Universal Multimodal Retrieval},
  author={Zhou, Junjie and Liu, Zheng and Liu, Ze and Xiao, Shitao and Wang, Yueze and Zhao, Bo and Zhang, Chen Jason and Lian, Defu and Xiong, Yongping},
  journal={arXiv preprint arXiv:2412.14475},
  year={2024}
}"""

MODELS = [
    ModelMeta(
        name="BAAI/BGE-VL-MLLM-S1",
        revision="455ac20c111813fbb263dd0f22d47d173a971582",
        loader="mieb.models.wrappers.st_multimodal:load",
        family="bge-vl-mllm",
        modalities=["image", "text"],
        n_parameters=7_566_264_320,
        embed_dim=4096,
        precision="fp16",  # the reference's output dtype
        fusion="joint",
        # rgb="keep": the reference hands the decoded image to the same sentence-transformers encode as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=None),
        license="mit",
        release_date="2025-03-04",
        reference="https://huggingface.co/BAAI/BGE-VL-MLLM-S1",
        framework=["Sentence Transformers", "PyTorch", "Transformers"],
        uses_instructions=True,
        trust_remote_code=True,
        extra="mllm",
        memory_usage_mb=14432,  # the reference's (float16 weights)
        citation=MEGAPAIRS_CITATION,
    )
]
