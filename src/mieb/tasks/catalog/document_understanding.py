"""DocumentUnderstanding: the ViDoRe benchmark, text queries against page screenshots (10 tasks).

All ten share one layout (configs `queries`, `corpus`, `qrels`), loaded by the `vidore` loader (`mieb.tasks.kinds.retrieval_loaders`).
"""

from __future__ import annotations

from mieb.tasks.catalog._citations import CITATIONS as cite
from mieb.tasks.catalog._common import Source, retrieval_split, task
from mieb.tasks.kinds.retrieval import RetrievalSettings
from mieb.tasks.metadata import TaskMetadata

PROMPT = {"query": "Find a screenshot that relevant to the user's question."}


def _vidore(name: str, pages: str, path: str, revision: str, *, queries: int, documents: int) -> TaskMetadata:
    """A ViDoRe task over `pages`."""
    source = Source(path, revision, "mit", "https://arxiv.org/pdf/2407.01449", cite.COLPALI)
    return task(name, f"Find the page screenshot that answers a question, over {pages} (ViDoRe).", source,
                type="DocumentUnderstanding", category="t2i", modalities=["text", "image"], main_score="ndcg_at_5",
                prompt=PROMPT, settings=RetrievalSettings(loader="vidore"),
                stats={"test": retrieval_split("t2i", queries, documents)})


TASKS: list[TaskMetadata] = [
    _vidore("VidoreArxivQARetrieval", "arXiv figures", "mteb/arxivqa_test_subsampled_beir",
            "179762404662be6bf48c30b4fb2b2ef8c6891290", queries=500, documents=500),
    _vidore("VidoreDocVQARetrieval", "scanned industry documents (DocVQA)", "mteb/docvqa_test_subsampled_beir",
            "e78cd130055fcb8d69bb0ff4115c4712a157f3d3", queries=451, documents=500),
    _vidore("VidoreInfoVQARetrieval", "infographics (InfoVQA)", "mteb/infovqa_test_subsampled_beir",
            "74d396242cc281c021eeb38d0ee5f6f30afc1fad", queries=494, documents=500),
    _vidore("VidoreTabfquadRetrieval", "French tables (TabFQuAD)", "mteb/tabfquad_test_subsampled_beir",
            "24a4541c4c461f5ff4f4af4e97ec820715281a06", queries=280, documents=70),
    _vidore("VidoreTatdqaRetrieval", "financial report pages with tables (TAT-DQA)", "mteb/tatdqa_test_beir",
            "dc7924ec102addd7f85c1ccfdd8625848179f615", queries=1646, documents=277),
    _vidore("VidoreShiftProjectRetrieval", "French environmental reports (Shift Project)",
            "mteb/shiftproject_test_beir", "78e6f5ad3bbc1af50ae9c0f006f57462213269fb", queries=100, documents=1000),
    _vidore("VidoreSyntheticDocQAAIRetrieval", "web pages on artificial intelligence, with generated queries",
            "mteb/syntheticDocQA_artificial_intelligence_test_beir", "12c5b7a81fc19d66f1844642acdb88e8ad79af16",
            queries=100, documents=968),
    _vidore("VidoreSyntheticDocQAEnergyRetrieval", "web pages on energy, with generated queries",
            "mteb/syntheticDocQA_energy_test_beir", "eda52c9a0519252cfaacb7ae5e5da516b7d4b8cb", queries=100, documents=977),
    _vidore("VidoreSyntheticDocQAGovernmentReportsRetrieval", "government reports, with generated queries",
            "mteb/syntheticDocQA_government_reports_test_beir", "ec534abea699035a18f9fd76f215277de9db9600",
            queries=100, documents=972),
    _vidore("VidoreSyntheticDocQAHealthcareIndustryRetrieval", "healthcare industry pages, with generated queries",
            "mteb/syntheticDocQA_healthcare_industry_test_beir", "81d53880628d641aaf7365f3b2e65f57c814ecca",
            queries=100, documents=965),
]
