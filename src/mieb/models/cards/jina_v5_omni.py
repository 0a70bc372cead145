"""Jina embeddings v5 omni (nano, small): sentence-transformers models with remote code and task LoRA
adapters, distilled from jina-embeddings-v5-text.

As the reference (mteb `jina_models.py`, JinaV5OmniWrapper): loaded by sentence-transformers at the card's
revision; `encode` with `task=` the adapter the reference routes each task type to (`ADAPTER_BY_TASK_TYPE`,
else by simplified task type: retrieval, clustering, classification, text-matching for similarity) and the
prompt "Query: " for queries, "Document: " for everything else; items are a text, an image or a (text,
image) pair; bfloat16 weights. Full-size embeddings (the model also offers Matryoshka truncation). Audio and
video are outside MIEB.
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

# The reference's per-task-type adapter table, for the MIEB task types it names (note its choices: image
# classification through the retrieval adapter, image clustering through text-matching).
ADAPTER_BY_TASK_TYPE: dict[str, str] = {
    "ImageClassification": "retrieval",
    "ZeroShotClassification": "retrieval",
    "Compositionality": "clustering",
    "ImageClustering": "text-matching",
}

JINA_V5_LANGUAGES = (
    "afr-Latn ara-Arab aze-Latn bel-Cyrl bul-Cyrl ben-Beng cat-Latn ceb-Latn ces-Latn cym-Latn dan-Latn deu-Latn "
    "ell-Grek eng-Latn spa-Latn est-Latn eus-Latn fas-Arab fin-Latn fra-Latn glg-Latn guj-Gujr heb-Hebr hin-Deva "
    "hrv-Latn hat-Latn hun-Latn hye-Armn ind-Latn isl-Latn ita-Latn jpn-Jpan jav-Latn kat-Geor kaz-Cyrl khm-Khmr "
    "kan-Knda kor-Hang kir-Cyrl lao-Laoo lit-Latn lav-Latn mkd-Cyrl mal-Mlym mon-Cyrl mar-Deva msa-Latn mya-Mymr "
    "nep-Deva nld-Latn nor-Latn nob-Latn nno-Latn pan-Guru pol-Latn por-Latn que-Latn ron-Latn rus-Cyrl sin-Sinh "
    "slk-Latn slv-Latn swa-Latn tam-Taml tel-Telu tha-Thai tgl-Latn tur-Latn ukr-Cyrl urd-Arab vie-Latn yor-Latn "
    "zho-Hans"
).split()

JINA_V5_CITATION = """@misc{akram2026jinaembeddingsv5texttasktargetedembeddingdistillation,
      title={jina-embeddings-v5-text: Task-Targeted Embedding Distillation},
      author={Mohammad Kalim Akram and Saba Sturua and Nastia Havriushenko and Quentin Herreros and Michael Günther and Maximilian Werk and Han Xiao},
      year={2026},
      eprint={2602.15547},
      archivePrefix={arXiv},
      primaryClass={cs.CL},
      url={https://arxiv.org/abs/2602.15547},
}"""


def _jina(size: str, revision: str, n_parameters: int, embed_dim: int, memory_usage_mb: int) -> ModelMeta:
    name = f"jinaai/jina-embeddings-v5-omni-{size}"
    return ModelMeta(
        name=name,
        revision=revision,
        loader="mieb.models.wrappers.jina_v5_omni:load",
        family="jina-v5-omni",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        precision="bf16",  # the reference's output dtype
        fusion="joint",
        # rgb="keep": the reference hands the decoded image to the same sentence-transformers encode as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=None),
        license="cc-by-nc-4.0",
        release_date="2026-04-01",
        reference=f"https://huggingface.co/{name}",
        languages=JINA_V5_LANGUAGES,
        framework=["Sentence Transformers", "PyTorch", "Transformers"],
        uses_instructions=True,
        trust_remote_code=True,
        extra="mllm",
        memory_usage_mb=memory_usage_mb,  # the reference's (weights in the checkpoint's dtype)
        citation=JINA_V5_CITATION,
    )


MODELS = [
    _jina("nano", "2b230c93c996e091a45b95af4e3315dd07605ee3", 985_984_512, 768, 1881),
    _jina("small", "dfdcc361ec47c69a5afcd81e4bd148abb9d0568e", 1_626_268_672, 1024, 3102),
]
