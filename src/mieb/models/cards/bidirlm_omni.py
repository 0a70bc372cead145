"""BidirLM-Omni 2.5B: a bidirectional omnimodal encoder (sentence-transformers layout, remote code).

As the reference (mteb `bidirlm_omni_models.py`): loaded by sentence-transformers at the card's revision;
`encode` with the model's per-task instruction as the prompt (`TASK_PROMPTS`; none for retrieval documents
or tasks the table omits); each item a dict with its image before its text; text-only inputs truncated at
1024 tokens. The reference keeps sentence-transformers' default weights dtype. Audio and video are outside
MIEB.
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

_DOCS = "Retrieve associated pages according to questions."
_ARO = ("Compositionality Evaluation of images to their captions.Each capation has four hard negatives created "
        "by order permutations.")
_MULTILINGUAL = "Retrieve images based on multilingual descriptions."
# The model's instructions for MIEB tasks, as the reference's table gives them (typos included).
TASK_PROMPTS: dict[str, str] = {
    "AROCocoOrder": _ARO,
    "AROFlickrOrder": _ARO,
    "BLINKIT2IMultiChoice": "Retrieve images based on images and specific retrieval instructions.",
    "Country211ZeroShot": "Classifying images of 211 countries.",
    "CVBenchRelation": "decide the relation of the objects in the image.",
    "FER2013ZeroShot": "Classifying facial emotions.",
    "VidoreDocVQARetrieval": _DOCS,
    "VidoreShiftProjectRetrieval": _DOCS,
    "VidoreSyntheticDocQAAIRetrieval": _DOCS,
    "VidoreTabfquadRetrieval": _DOCS,
    "VidoreTatdqaRetrieval": _DOCS,
    "VQA2IT2TRetrieval": "Retrieve the correct answer for a question about an image.",
    "WebQAT2ITRetrieval": "Retrieve sources of information based on questions.",
    "WITT2IRetrieval": _MULTILINGUAL,
    "XM3600T2IRetrieval": _MULTILINGUAL,
}

BIDIRLM_LANGUAGES = (
    "afr-Latn amh-Ethi ara-Arab aze-Latn bel-Cyrl bul-Cyrl ben-Beng bos-Latn cat-Latn ceb-Latn ces-Latn cym-Latn "
    "dan-Latn deu-Latn ell-Grek eng-Latn spa-Latn est-Latn eus-Latn fas-Arab fin-Latn fra-Latn gle-Latn glg-Latn "
    "guj-Gujr hau-Latn heb-Hebr hin-Deva hrv-Latn hat-Latn hun-Latn hye-Armn ind-Latn ibo-Latn isl-Latn ita-Latn "
    "jpn-Jpan jav-Latn kat-Geor kaz-Cyrl kan-Knda kor-Hang kir-Cyrl lit-Latn lav-Latn mlg-Latn mkd-Cyrl mal-Mlym "
    "mar-Deva msa-Latn mlt-Latn mya-Mymr nob-Latn nep-Deva nld-Latn nso-Latn nya-Latn pan-Guru pol-Latn pus-Arab "
    "por-Latn ron-Latn rus-Cyrl snd-Arab sin-Sinh slk-Latn slv-Latn sna-Latn som-Latn sqi-Latn srp-Cyrl sun-Latn "
    "swe-Latn swa-Latn tam-Taml tel-Telu tha-Thai tgl-Latn tur-Latn ukr-Cyrl urd-Arab vie-Latn wol-Latn xho-Latn "
    "yor-Latn zho-Hans zul-Latn"
).split()

BIDIRLM_CITATION = """@misc{boizard2026bidirlmtextomnimodalbidirectional,
      title={BidirLM: From Text to Omnimodal Bidirectional Encoders by Adapting and Composing Causal LLMs},
      author={Nicolas Boizard and Théo Deschamps-Berger and Hippolyte Gisserot-Boukhlef and Céline Hudelot and Pierre Colombo},
      year={2026},
      eprint={2604.02045},
      archivePrefix={arXiv},
      primaryClass={cs.CL},
      url={https://arxiv.org/abs/2604.02045},
}"""

MODELS = [
    ModelMeta(
        name="BidirLM/BidirLM-Omni-2.5B-Embedding",
        revision="4d8a7d34095ef8c4ab760744015825b809756dfe",
        loader="mieb.models.wrappers.bidirlm_omni:load",
        family="bidirlm-omni",
        modalities=["image", "text"],
        n_parameters=2_445_009_536,
        embed_dim=2048,
        precision="bf16",  # the checkpoint's dtype, which the reference keeps (transformers' "auto")
        fusion="joint",
        # rgb="keep": the reference hands the decoded image to the same sentence-transformers encode as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=1024),  # text-only inputs; with an image, 32768
        loader_kwargs={"max_text_length": 1024},
        license="apache-2.0",
        release_date="2026-04-07",
        reference="https://huggingface.co/BidirLM/BidirLM-Omni-2.5B-Embedding",
        languages=BIDIRLM_LANGUAGES,
        framework=["Sentence Transformers", "PyTorch"],
        uses_instructions=True,
        trust_remote_code=True,
        extra="mllm",
        memory_usage_mb=4663,  # the reference's
        citation=BIDIRLM_CITATION,
    )
]
