"""VLM2Vec v1 (Full, LoRA): Phi-3.5-vision-instruct fine-tuned for embeddings (remote code), the MIEB paper's
headline MLLM embedders.

As the reference (mteb `vlm2vec_models.py`, VLM2VecWrapper): the base's configuration and processor
(microsoft/Phi-3.5-vision-instruct, 4 crops per image); VLM2Vec-Full's weights, or the base with the LoRA
adapter merged; bfloat16; one prompt per item: the text as is, "<|image_1|> Represent the given image." for
images, "<|image_1|> Represent the given image with the following question: {text}" for image+text,
processed one item at a time (at most 256 tokens), right-padded, the last attended token's final state,
L2-normalised. Departures from the reference, both toward the authors' setup: the card's revision is
pinned (the reference loads the main branch), and attention is flash-attention 2 only where it is installed
on CUDA (the reference requires it; elsewhere eager attention, equal up to float rounding). The base is
loaded from its main branch, as in the reference. The published scores were computed by mteb 1.x.
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

VLM2VEC_V1_CITATION = """@article{jiang2024vlm2vec,
  title={VLM2Vec: Training Vision-Language Models for Massive Multimodal Embedding Tasks},
  author={Jiang, Ziyan and Meng, Rui and Yang, Xinyi and Yavuz, Semih and Zhou, Yingbo and Chen, Wenhu},
  journal={arXiv preprint arXiv:2410.05160},
  year={2024}
}"""

BASE_MODEL = "microsoft/Phi-3.5-vision-instruct"


def _vlm2vec(kind: str, revision: str, n_parameters: int, memory_usage_mb: int | None) -> ModelMeta:
    name = f"TIGER-Lab/VLM2Vec-{kind}"
    return ModelMeta(
        name=name,
        revision=revision,
        loader="mieb.models.wrappers.vlm2vec_v1:load",
        family="vlm2vec",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=3072,
        precision="bf16",  # the reference loads and merges in bfloat16
        fusion="joint",
        image=ImagePreprocessing(input="pil"),
        text=TextPreprocessing(max_length=256),
        loader_kwargs={"base_model": BASE_MODEL, "adapter": kind == "LoRA", "num_crops": 4},
        license="apache-2.0",
        release_date="2024-10-08",
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers", *(["PEFT"] if kind == "LoRA" else [])],
        # The prompts are fixed per modality (no task instructions): embeddings are cached across tasks.
        uses_instructions=False,
        trust_remote_code=True,
        extra="vlm2vec",
        memory_usage_mb=memory_usage_mb,  # the reference's (none given for LoRA)
        citation=VLM2VEC_V1_CITATION,
    )


MODELS = [
    _vlm2vec("Full", "e9afa98002097ac2471827ba23ea1f2ddd229480", 4_146_621_440, 7909),
    _vlm2vec("LoRA", "7403b6327958071c1e33c822c7453adadccc7298", 4_161_891_328, None),
]
