"""BM25 through `bm25s` (the `bm25s` extra: bm25s and PyStemmer): the lexical baseline the reference runs on
MIEB's retrieval and multiple-choice tasks, on their text alone.

As the reference (mteb 2.26.24 `BM25Search`): the task's language, when its evaluation languages name exactly
one (else English), chooses bm25s's stopword list and a Snowball stemmer (English: "en" + "english"; a
language with a stemmer but no stopword list removes the tokens found in at least 90 % of the corpus
documents instead; Chinese, Japanese, Korean, Thai and a few other scripts without spaces are split into
characters); `bm25s.tokenize` indexes the corpus and tokenises the queries; scoring is
`bm25s.BM25(k1=1.5, b=0.75, delta=0.5, method="lucene")`, and `retrieve` returns each query's top k
documents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mieb.models.encoder import TextSearcher
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, require

# ISO 639-3 -> (bm25s stopword list, PyStemmer algorithm, "char" for a character-level tokeniser): the
# reference's table.
LANGUAGE_SETTINGS: dict[str, tuple[str | None, str | None, str | None]] = {
    "eng": ("en", "english", None), "deu": ("de", "german", None), "nld": ("nl", "dutch", None),
    "fra": ("fr", "french", None), "spa": ("es", "spanish", None), "por": ("pt", "portuguese", None),
    "ita": ("it", "italian", None), "rus": ("ru", "russian", None), "swe": ("sv", "swedish", None),
    "nob": ("no", "norwegian", None), "nno": ("no", "norwegian", None), "nor": ("no", "norwegian", None),
    "zho": ("zh", None, "char"), "cmn": ("zh", None, "char"),
    **{iso: (None, None, "char") for iso in ("jpn", "kor", "tha", "khm", "mya", "bod", "lao")},
    **{iso: (None, stemmer, None) for iso, stemmer in (
        ("ara", "arabic"), ("arb", "arabic"), ("hye", "armenian"), ("eus", "basque"), ("cat", "catalan"),
        ("dan", "danish"), ("epo", "esperanto"), ("est", "estonian"), ("fin", "finnish"), ("ell", "greek"),
        ("hin", "hindi"), ("hun", "hungarian"), ("ind", "indonesian"), ("gle", "irish"), ("lit", "lithuanian"),
        ("nep", "nepali"), ("ron", "romanian"), ("srp", "serbian"), ("tam", "tamil"), ("tur", "turkish"),
        ("yid", "yiddish"))},
}
STOPWORD_LISTS = {"en": "STOPWORDS_EN", "de": "STOPWORDS_GERMAN", "nl": "STOPWORDS_DUTCH",
                  "fr": "STOPWORDS_FRENCH", "es": "STOPWORDS_SPANISH", "pt": "STOPWORDS_PORTUGUESE",
                  "it": "STOPWORDS_ITALIAN", "ru": "STOPWORDS_RUSSIAN", "sv": "STOPWORDS_SWEDISH",
                  "no": "STOPWORDS_NORWEGIAN", "zh": "STOPWORDS_CHINESE"}


def task_language(languages: Sequence[str]) -> str:
    """The one ISO 639-3 code of `languages` ("eng-Latn" -> "eng"), or "eng" when they name several."""
    codes = {lang.split("-")[0] for lang in languages}
    return next(iter(codes)) if len(codes) == 1 else "eng"


def char_tokens(text: str) -> list[str]:
    """Characters of the NFKC-normalised, lower-cased text without spaces (scripts written without them)."""
    return list(unicodedata.normalize("NFKC", text).lower().replace(" ", ""))


class BM25Searcher(TextSearcher):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 k1: float = 1.5, b: float = 0.75, delta: float = 0.5, method: str = "lucene",
                 freq_threshold: float = 0.9):
        super().__init__(meta, "cpu", "fp32")
        self.bm25s = require("bm25s", meta.extra, f"model {meta.name}")
        self.k1, self.b, self.delta, self.method, self.freq_threshold = k1, b, delta, method, freq_threshold

    def _tokenizers(self, language: str, corpus: Sequence[str]) -> tuple[Any, Callable[[Sequence[str]], Any]]:
        """(tokenised corpus, query tokeniser) for the language, as the reference's BM25Tokenizer."""
        from bm25s.tokenization import Tokenized

        stop_key, stemmer_name, tokenizer = LANGUAGE_SETTINGS.get(language, (None, None, None))
        stemmer = require("Stemmer", self.meta.extra, f"model {self.meta.name}").Stemmer(stemmer_name) \
            if stemmer_name else None
        named = frozenset(getattr(self.bm25s.tokenization, STOPWORD_LISTS[stop_key])) if stop_key else frozenset()
        if tokenizer is None:
            if stop_key is not None or self.freq_threshold == 0:
                stops = list(named) or None
                return (self.bm25s.tokenize(list(corpus), stopwords=stops, stemmer=stemmer, show_progress=False),
                        lambda q: self.bm25s.tokenize(list(q), stopwords=stops, stemmer=stemmer, show_progress=False))
            raw = self.bm25s.tokenize(list(corpus), stopwords=None, stemmer=stemmer, show_progress=False)
            frequent = self._frequent([set(doc) for doc in raw.ids], len(corpus))
            stop_ids = frozenset(frequent)
            words = {i: w for w, i in raw.vocab.items()}
            stops = [words[i] for i in frequent] or None
            tokenized = Tokenized(ids=[[i for i in doc if i not in stop_ids] for doc in raw.ids], vocab=raw.vocab)
            return tokenized, lambda q: self.bm25s.tokenize(list(q), stopwords=stops, stemmer=stemmer,
                                                            show_progress=False)
        token_lists = [char_tokens(t) for t in corpus]
        stops_set = named | (frozenset(self._frequent([set(t) for t in token_lists], len(corpus)))
                             if stop_key is None and self.freq_threshold > 0 else frozenset())

        def to_tokenized(lists: list[list[str]]) -> Any:
            vocab: dict[str, int] = {}
            ids = [[vocab.setdefault(t, len(vocab)) for t in toks if t not in stops_set] for toks in lists]
            return Tokenized(ids=ids, vocab=vocab)

        return to_tokenized(token_lists), lambda q: to_tokenized([char_tokens(t) for t in q])

    def _frequent(self, doc_sets: list[set[Any]], n: int) -> list[Any]:
        """Tokens in at least `freq_threshold` of the documents, in first-seen order."""
        counts: dict[Any, int] = {}
        for doc in doc_sets:
            for t in doc:
                counts[t] = counts.get(t, 0) + 1
        return [t for t, c in counts.items() if c / n >= self.freq_threshold]

    def search(self, queries: Sequence[str], corpus: Sequence[str], k: int, *,
               languages: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        k_eff = min(k, len(corpus))
        if not queries or k_eff == 0:
            return np.zeros((len(queries), 0), dtype=np.int64), np.zeros((len(queries), 0), dtype=np.float32)
        indexed, tokenize_queries = self._tokenizers(task_language(languages), corpus)
        retriever = self.bm25s.BM25(k1=self.k1, b=self.b, delta=self.delta, method=self.method)
        retriever.index(indexed, show_progress=False)
        idx, scores = retriever.retrieve(tokenize_queries(queries), k=k_eff, show_progress=False)
        return np.asarray(idx, dtype=np.int64), np.asarray(scores, dtype=np.float32)


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> BM25Searcher:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("k1", "b", "delta", "method", "freq_threshold"))
    if kwargs:
        meta = meta.model_copy(update={"loader_kwargs": options})
    return BM25Searcher(meta, device=device, precision=precision, **options)
