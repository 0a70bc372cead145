"""VisualSTS(eng) and VisualSTS(multi): semantic similarity of sentence pairs rendered as images (11 tasks).

STS17 and STS-b come as multilingual datasets (one config per language or language pair); the four
aggregates score chosen subsets of them as one number, the way the benchmarks list them.
"""

from __future__ import annotations

from mieb.tasks.catalog._citations import CITATIONS as cite
from mieb.tasks.catalog._common import Source, task
from mieb.tasks.kinds.aggregate import AggregateSettings
from mieb.tasks.kinds.sts import STSSettings
from mieb.tasks.metadata import SplitStats, TaskMetadata, TaskType

PIXEL_PAPER = "https://arxiv.org/abs/2402.08183/"
STS17 = Source("Pixel-Linguist/rendered-sts17", "2e31b4b459551a51e1ab54fd7266b40f3fe510d4", "not specified",
               PIXEL_PAPER, cite.PIXEL_LINGUIST)
STSB = Source("Pixel-Linguist/rendered-stsb", "9f1ab21f17f497974996ab74b3ff911165a7dbf9", "not specified",
              PIXEL_PAPER, cite.PIXEL_LINGUIST)
STS17_LANGUAGES = {
    "ko-ko": ["kor-Hang"], "ar-ar": ["ara-Arab"], "en-ar": ["eng-Latn", "ara-Arab"], "en-de": ["eng-Latn", "deu-Latn"],
    "en-en": ["eng-Latn"], "en-tr": ["eng-Latn", "tur-Latn"], "es-en": ["spa-Latn", "eng-Latn"],
    "es-es": ["spa-Latn"], "fr-en": ["fra-Latn", "eng-Latn"], "it-en": ["ita-Latn", "eng-Latn"],
    "nl-en": ["nld-Latn", "eng-Latn"],
}
STSB_LANGUAGES = {
    "en": ["eng-Latn"], "de": ["deu-Latn"], "es": ["spa-Latn"], "fr": ["fra-Latn"], "it": ["ita-Latn"],
    "nl": ["nld-Latn"], "pl": ["pol-Latn"], "pt": ["por-Latn"], "ru": ["rus-Cyrl"], "zh": ["cmn-Hans"],
}


def _pairs(n: int) -> SplitStats:
    """`n` sentence pairs: two rendered images each."""
    return SplitStats(n_samples=n, n_images=2 * n, n_texts=0)


def _sts(name: str, description: str, source: Source, *, type: TaskType = "VisualSTS(eng)",
         eval_langs: dict[str, list[str]] | None = None, stats: dict[str, int]) -> TaskMetadata:
    return task(name, description, source, type=type, category="i2i", modalities=["image"],
                main_score="cosine_spearman", eval_splits=list(stats), eval_langs=eval_langs,
                settings=STSSettings(), stats={split: _pairs(n) for split, n in stats.items()})


def _aggregate(name: str, description: str, type: TaskType, subtask: str, source: Source,
               languages: dict[str, list[str]], subsets: list[str], *, n: int) -> TaskMetadata:
    """The mean of `subtask`'s main score over `subsets` on the test split, reported as one subset."""
    eval_langs = list(dict.fromkeys(code for s in subsets for code in languages[s]))
    return task(name, description, source, type=type, category="i2i", modalities=["image"],
                main_score="cosine_spearman", eval_langs=eval_langs,
                settings=AggregateSettings(subtask=subtask, hf_subsets=subsets), stats={"test": _pairs(n)})


def _rendered(year: int, revision: str, n: int) -> TaskMetadata:
    source = Source(f"mteb/rendered-sts{year}", revision, "not specified", PIXEL_PAPER, cite.PIXEL_LINGUIST)
    return _sts(f"STS{year}VisualSTS", f"SemEval STS {2000 + year} English sentence pairs, rendered as images.",
                source, stats={"test": n})


TASKS: list[TaskMetadata] = [
    _rendered(12, "16fabd3185c013b2e5e73f8b3343068e3d438689", 3108),
    _rendered(13, "576f4c4340b774e41704af9bcb003376e37241f3", 1500),
    _rendered(14, "0a54520fac778d76f3009f7cb7290ad4c7ffc678", 3750),
    _rendered(15, "a842b71cb9e907ae28d1047a7b436464a7f01c16", 3000),
    _rendered(16, "655e604448c6d82015e7a6688a1f371a338e6781", 1186),
    _sts("STS17MultilingualVisualSTS", "STS 2017 sentence pairs in 11 language pairs, rendered as images.", STS17,
         type="VisualSTS(multi)", eval_langs=STS17_LANGUAGES, stats={"test": 5346}),
    _sts("STSBenchmarkMultilingualVisualSTS", "STS Benchmark pairs in 10 languages (9 machine-translated), "
         "rendered as images.", STSB, type="VisualSTS(multi)", eval_langs=STSB_LANGUAGES,
         stats={"dev": 15000, "test": 13790}),
    _aggregate("VisualSTS17Eng", "The English pairs of STS17MultilingualVisualSTS.", "VisualSTS(eng)",
               "STS17MultilingualVisualSTS", STS17, STS17_LANGUAGES, ["en-en"], n=250),
    _aggregate("VisualSTS-b-Eng", "The English test pairs of STSBenchmarkMultilingualVisualSTS.", "VisualSTS(eng)",
               "STSBenchmarkMultilingualVisualSTS", STSB, STSB_LANGUAGES, ["en"], n=1379),
    _aggregate("VisualSTS17Multilingual", "STS17MultilingualVisualSTS averaged over its 10 subsets other than en-en.",
               "VisualSTS(multi)", "STS17MultilingualVisualSTS", STS17, STS17_LANGUAGES,
               ["ko-ko", "ar-ar", "en-ar", "en-de", "en-tr", "es-en", "es-es", "fr-en", "it-en", "nl-en"], n=5096),
    _aggregate("VisualSTS-b-Multilingual", "STSBenchmarkMultilingualVisualSTS averaged over its 9 translated subsets "
               "(test split).", "VisualSTS(multi)", "STSBenchmarkMultilingualVisualSTS", STSB, STSB_LANGUAGES,
               ["de", "es", "fr", "it", "nl", "pl", "pt", "ru", "zh"], n=12411),
]
