"""jina-embeddings-v4 (Jina AI; Qwen2.5-VL-3B with task adapters) through its remote code
(`trust_remote_code`). Single-vector by default, as the reference runs it; `get_model(name, vector_type="multi_vector",
trust_remote_code=True)` gives its late-interaction outputs. Facts are the
reference's (mteb `jina_models.py`); the revision is the published results' (docs/deviations.md D19). See
`mieb.models.wrappers.jina_v4`."""

from __future__ import annotations

from mieb.models.cards._languages import XLMR_LANGUAGES
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

JINA_V4_CITATION = """@misc{günther2025jinaembeddingsv4universalembeddingsmultimodal,
  title={jina-embeddings-v4: Universal Embeddings for Multimodal Multilingual Retrieval},
  author={Michael Günther and Saba Sturua and Mohammad Kalim Akram and Isabelle Mohr and Andrei Ungureanu and Sedigheh Eslami and Scott Martens and Bo Wang and Nan Wang and Han Xiao},
  year={2025},
  eprint={2506.18902},
  archivePrefix={arXiv},
  primaryClass={cs.AI},
  url={https://arxiv.org/abs/2506.18902},
}"""

MODELS = [
    ModelMeta(
        name="jinaai/jina-embeddings-v4",
        revision="26239889730c735ed7e9a4db9180c8935faf4ba0",
        loader="mieb.models.wrappers.jina_v4:load",
        family="jina-v4",
        modalities=["image", "text"],
        n_parameters=3_934_695_552,
        embed_dim=2048,
        similarity="cosine",
        precision="bf16",  # the reference loads the weights with torch_dtype=bfloat16
        fusion="sum",
        # rgb="keep": the reference hands the decoded image to the same model.encode_image as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=None),
        loader_kwargs={"model_prompts": {"Retrieval-query": "retrieval.query",
                                         "Retrieval-document": "retrieval.passage",
                                         "STS": "text-matching", "PairClassification": "text-matching",
                                         "DocumentUnderstanding": "retrieval.query"},
                       "vector_type": "single_vector"},
        license="cc-by-nc-4.0",
        release_date="2025-06-24",
        reference="https://huggingface.co/jinaai/jina-embeddings-v4",
        languages=XLMR_LANGUAGES,
        framework=["PyTorch", "Transformers", "safetensors"],
        # The adapter and prompt follow the task type and side: the embedding cache keys on them.
        uses_instructions=True,
        trust_remote_code=True,
        extra="jina-v4",
        citation=JINA_V4_CITATION,
    )
]
