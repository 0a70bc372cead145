"""VisionCentricQA: multiple choice as reranking, each image+question against its own candidates (6 tasks)."""

from __future__ import annotations

from typing import Any, Literal

from mieb.tasks.catalog._citations import CITATIONS as cite
from mieb.tasks.catalog._common import Source, retrieval_split, task
from mieb.tasks.kinds.multiple_choice import MultipleChoiceSettings
from mieb.tasks.metadata import TaskMetadata

BLINK_PAPER = "https://arxiv.org/abs/2404.12390"
CV_BENCH = Source("mteb/CV-Bench", "9926abb226c15b55dd8cce8c91cac1abf2326a61", "mit", "https://arxiv.org/pdf/2406.16860",
                  cite.CAMBRIAN)


def _choice(name: str, description: str, source: Source, category: str,
            modalities: list[Literal["image", "text"]], *, queries: int, documents: int,
            **settings: Any) -> TaskMetadata:
    """Main score `accuracy`: the correct choice ranked first."""
    return task(name, description, source, type="VisionCentricQA", category=category, modalities=modalities,
                main_score="accuracy", settings=MultipleChoiceSettings(**settings),
                stats={"test": retrieval_split(category, queries, documents)})


def _cv_bench(name: str, description: str, question_type: str, modalities: list[Literal["image", "text"]], *,
              queries: int, documents: int) -> TaskMetadata:
    """CV-Bench is one dataset of four question types; each task keeps one of them."""
    return _choice(name, description, CV_BENCH, "it2t", modalities, queries=queries, documents=documents,
                   loader="cv_bench", loader_options={"task": question_type})


TASKS: list[TaskMetadata] = [
    # BLINK ships corpus / queries / qrels; a query's candidates are the documents its qrels judge
    # (1 = correct, 0 = distractor), which the multiple_choice kind derives when no top_ranked config exists.
    _choice("BLINKIT2IMultiChoice", "Answer a BLINK perception question about an image by picking one of its "
            "candidate images.",
            Source("mteb/blink-it2i-multi", "0418ecbea812ab97bda7eabe2c34065fdb81810f", "not specified", BLINK_PAPER,
                   cite.BLINK), "it2i", ["text", "image"], queries=402, documents=804),
    _choice("BLINKIT2TMultiChoice", "Answer a BLINK perception question about an image by picking one of its "
            "text answers.",
            Source("mteb/blink-it2t-multi", "772e1c8461c0dff10b32f52326d55a67f0d3ca94", "not specified", BLINK_PAPER,
                   cite.BLINK), "it2t", ["text", "image"], queries=793, documents=20),
    _cv_bench("CVBenchCount", "Count the objects of a kind in an image, picking one of the offered numbers "
              "(CV-Bench 2D).", "Count", ["image", "text"], queries=788, documents=17),
    _cv_bench("CVBenchRelation", "Tell where one object is relative to another (CV-Bench 2D).", "Relation",
              ["text", "image"], queries=650, documents=4),
    _cv_bench("CVBenchDepth", "Tell which of two objects is closer to the camera (CV-Bench 3D).", "Depth",
              ["text", "image"], queries=600, documents=69),
    _cv_bench("CVBenchDistance", "Tell which of two objects is closer to a third one (CV-Bench 3D).", "Distance",
              ["text", "image"], queries=600, documents=56),
]
