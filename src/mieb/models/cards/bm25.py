"""BM25 (bm25s), the reference's lexical baseline `mteb/baseline-bm25s`: no weights, it ranks each task's
text corpus for its text queries (images ignored). See `mieb.models.wrappers.bm25`. The revision is the
published results' label ("0_1_10"; the reference's current card says "0_3_0")."""

from __future__ import annotations

from mieb.models.cards._languages import BM25S_LANGUAGES
from mieb.models.meta import ModelMeta, TextPreprocessing

BM25S_CITATION = """@misc{bm25s,
  title={BM25S: Orders of magnitude faster lexical search via eager sparse scoring},
  author={Xing Han Lù},
  year={2024},
  eprint={2407.03618},
  archivePrefix={arXiv},
  primaryClass={cs.IR},
  url={https://arxiv.org/abs/2407.03618},
}"""

MODELS = [
    ModelMeta(
        name="mteb/baseline-bm25s",
        revision="0_1_10",
        loader="mieb.models.wrappers.bm25:load",
        family="bm25",
        modalities=["text"],
        n_parameters=0,
        embed_dim=None,
        fusion=None,
        text=TextPreprocessing(max_length=None),
        release_date="2026-05-06",
        reference="https://github.com/xhluca/bm25s",
        languages=BM25S_LANGUAGES,
        framework=[],
        extra="bm25s",
        citation=BM25S_CITATION,
    )
]
