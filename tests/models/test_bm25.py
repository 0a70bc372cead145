"""BM25 (`mteb/baseline-bm25s`) through bm25s: scores against an independent Lucene BM25, language handling, and
runs end to end on a text retrieval task and an image+text multiple-choice task (text only, as the reference).

Needs the `bm25s` extra (bm25s, PyStemmer); skipped without it.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from local_tasks import COLOURS, WORDS_CORPUS, WORDS_QUERIES, colour_multiple_choice, words_t2t

from mieb.errors import ModalityError
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.run import MIEB

pytest.importorskip("bm25s")
pytest.importorskip("Stemmer")

RUN = dict(encode_kwargs={"batch_size": 4, "num_workers": 0}, progress=False, cache=False)
CORPUS, QUERIES = WORDS_CORPUS, WORDS_QUERIES


def lucene_bm25(queries: list[list[str]], docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> np.ndarray:
    """Lucene's BM25 written out: idf = ln(1 + (N - df + 0.5) / (df + 0.5)),
    tf part = tf / (tf + k1 * (1 - b + b * |d| / avgdl)), summed over the query's terms."""
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    out = np.zeros((len(queries), n))
    for qi, q in enumerate(queries):
        for di, d in enumerate(docs):
            for term in q:
                df = sum(term in doc for doc in docs)
                tf = d.count(term)
                if tf and df:
                    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                    out[qi, di] += idf * tf / (tf + k1 * (1 - b + b * len(d) / avgdl))
    return out


def test_card() -> None:
    meta = get_model_meta("mteb/baseline-bm25s")
    assert meta.revision == "0_1_10" and meta.modalities == ["text"] and meta.n_parameters == 0


def test_scores_equal_lucene_bm25_written_out() -> None:
    bm25 = get_model("mteb/baseline-bm25s")
    idx, scores = bm25.search(QUERIES, CORPUS, 10, languages=["eng-Latn"])
    assert idx.shape == scores.shape == (4, 5)
    expected = lucene_bm25([q.split() for q in QUERIES], [d.split() for d in CORPUS])
    got = np.zeros_like(expected)
    for row in range(len(QUERIES)):
        got[row, idx[row]] = scores[row]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert idx[0, 0] == 0 and idx[1, 0] == 1  # "apple fruit" -> doc 0, "tree" -> doc 1
    assert (scores[3] == 0).all()  # an unknown word matches nothing


def test_english_stopwords_and_stemming_and_char_languages() -> None:
    bm25 = get_model("mteb/baseline-bm25s")
    docs = ["the running dogs", "a cat sleeps", "of the and"]
    idx, scores = bm25.search(["dog run", "the"], docs, 3, languages=["eng-Latn"])
    assert idx[0, 0] == 0 and scores[0, 0] > 0  # "dog"/"run" meet "dogs"/"running" through the stemmer
    assert (scores[1] == 0).all()  # "the" is a stopword
    idx, scores = bm25.search(["猫"], ["狗在跑", "猫在睡"], 2, languages=["cmn-Hans"])
    assert idx[0, 0] == 1 and scores[0, 0] > 0 and scores[0, 1] == 0  # characters, not words


def test_runs_on_text_retrieval(tmp_path: Path) -> None:
    report = MIEB([words_t2t(tmp_path)]).run("mteb/baseline-bm25s", output_folder=tmp_path / "out", **RUN)
    scores = report.results[0].scores["test"][0]
    # q0 and q1 rank their document first; "market" ties doc 2 with doc 4 ("market town", shorter, wins).
    assert scores["recall_at_1"] == pytest.approx(2 / 3, abs=1e-5) and scores["recall_at_5"] == 1.0


def test_multiple_choice_reads_the_text_alone(tmp_path: Path) -> None:
    """The reference's BM25 reads the question text of image+text queries and ranks the whole corpus, then keeps
    each query's candidates. With one question for every image, every query gets the same ranking."""
    task = colour_multiple_choice(tmp_path)
    report = MIEB([task]).run("mteb/baseline-bm25s", output_folder=tmp_path / "out", **RUN)
    scores = report.results[0].scores["test"][0]
    # "which colour?" matches no candidate ("it is <colour>"): all tie at 0, ranked by document id (largest
    # first, as pytrec_eval orders ties), so the correct choice is first only where it has the largest id.
    expected = np.mean([max((i, (i + 1) % 4, (i + 2) % 4)) == i for i in range(len(COLOURS))])
    assert scores["accuracy"] == pytest.approx(expected, abs=1e-5)


def test_no_embeddings_for_other_kinds() -> None:
    from mieb.models.encoder import EncodeContext

    with pytest.raises(ModalityError, match="ranks documents itself"):
        get_model("mteb/baseline-bm25s").encode_texts(["x"], EncodeContext(task_name="SomeClustering"))


def test_images_in_the_corpus_are_refused_before_loading(tmp_path: Path) -> None:
    from local_tasks import colour_t2i

    from mieb.runner.run import check_modalities

    with pytest.raises(ModalityError):
        check_modalities(colour_t2i(tmp_path), get_model("mteb/baseline-bm25s"))  # image documents
