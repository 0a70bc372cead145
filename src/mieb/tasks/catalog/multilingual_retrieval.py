"""Any2AnyMultilingualRetrieval: caption-to-image retrieval in many languages (3 tasks).

Each language is a Hugging Face SPLIT of the dataset's default config (the split name is the subset
code), built into queries / corpus / qrels by the custom loaders named below.
"""

from __future__ import annotations

from mieb.tasks.catalog._citations import CITATIONS as cite
from mieb.tasks.catalog._common import Source, retrieval_split, task
from mieb.tasks.kinds.retrieval import RetrievalSettings
from mieb.tasks.metadata import SplitStats, TaskMetadata

IGLUE = "https://proceedings.mlr.press/v162/bugliarello22a/bugliarello22a.pdf"


def _multilingual(name: str, description: str, source: Source, languages: dict[str, list[str]], loader: str,
                  stats: SplitStats) -> TaskMetadata:
    return task(name, description, source, type="Any2AnyMultilingualRetrieval", category="t2i",
                modalities=["text", "image"], main_score="ndcg_at_10", eval_langs=languages,
                settings=RetrievalSettings(loader=loader), stats={"test": stats})


TASKS: list[TaskMetadata] = [
    _multilingual(
        "WITT2IRetrieval", "Find the Wikipedia image a caption describes, in 11 languages (WIT, from IGLUE).",
        Source("mteb/wit", "91ac153f1371a98b209ed763205e25e115ecd06e", "cc-by-sa-4.0", IGLUE, cite.IGLUE),
        {"ar": ["ara-Arab"], "bg": ["bul-Cyrl"], "da": ["dan-Latn"], "el": ["ell-Grek"], "et": ["est-Latn"],
         "id": ["ind-Latn"], "ko": ["kor-Hang"], "ja": ["jpn-Jpan"], "tr": ["tur-Latn"], "vi": ["vie-Latn"],
         "en": ["eng-Latn"]},
        "image_captions", retrieval_split("t2i", queries=9584, documents=8553),
    ),
    _multilingual(
        "XFlickr30kCoT2IRetrieval", "Find the photo a caption describes, in 8 languages (xFlickr&CO, from IGLUE).",
        Source("mteb/xflickrco", "4da629e05455d757306174cdc72f2edfe00b9027", "cc-by-sa-4.0", IGLUE, cite.IGLUE),
        {"de": ["deu-Latn"], "en": ["eng-Latn"], "es": ["spa-Latn"], "id": ["ind-Latn"], "ja": ["jpn-Jpan"],
         "ru": ["rus-Cyrl"], "tr": ["tur-Latn"], "zh": ["zho-Hans"]},
        "xflickr", retrieval_split("t2i", queries=16000, documents=16000),
    ),
    _multilingual(
        "XM3600T2IRetrieval", "Find the photo a caption describes, in 36 languages (Crossmodal-3600).",
        Source("mteb/xm3600", "536cd45bbfe53de9b08c0483bb4a76a4bd3673fa", "cc-by-sa-4.0",
               "https://aclanthology.org/2022.emnlp-main.45/", cite.XM3600),
        {"ar": ["ara-Arab"], "bn": ["ben-Beng"], "cs": ["ces-Latn"], "da": ["dan-Latn"], "de": ["deu-Latn"],
         "el": ["ell-Grek"], "en": ["eng-Latn"], "es": ["spa-Latn"], "fa": ["fas-Arab"], "fi": ["fin-Latn"],
         "fil": ["fil-Latn"], "fr": ["fra-Latn"], "he": ["heb-Hebr"], "hi": ["hin-Deva"], "hr": ["hrv-Latn"],
         "hu": ["hun-Latn"], "id": ["ind-Latn"], "it": ["ita-Latn"], "ja": ["jpn-Jpan"], "ko": ["kor-Hang"],
         "mi": ["mri-Latn"], "nl": ["nld-Latn"], "no": ["nor-Latn", "nno-Latn", "nob-Latn"], "pl": ["pol-Latn"],
         "pt": ["por-Latn"], "quz": ["quz-Latn"], "ro": ["ron-Latn"], "ru": ["rus-Cyrl"], "sv": ["swe-Latn"],
         "sw": ["swa-Latn"], "te": ["tel-Telu"], "th": ["tha-Thai"], "tr": ["tur-Latn"], "uk": ["ukr-Cyrl"],
         "vi": ["vie-Latn"], "zh": ["zho-Hans"]},
        "image_captions", retrieval_split("t2i", queries=261375, documents=129600),
    ),
]
