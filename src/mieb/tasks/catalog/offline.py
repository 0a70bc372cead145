"""MIEB(offline): tasks on the procedurally generated world of `mieb.data.synthetic`.

Each dataset is generated locally (deterministically, in the real tasks' Hugging Face layout) and
loaded by the same code path as hub datasets. The dataset revision is the generator's version.
"""

from __future__ import annotations

from mieb.data.synthetic import BUILDERS
from mieb.tasks.catalog._common import PROTOCOL_VERSIONS
from mieb.tasks.kinds.aggregate import AggregateSettings
from mieb.tasks.kinds.clustering import ClusteringSettings
from mieb.tasks.kinds.compositionality import CompositionalitySettings
from mieb.tasks.kinds.linear_probe import LinearProbeSettings
from mieb.tasks.kinds.multilabel import MultilabelSettings
from mieb.tasks.kinds.multiple_choice import MultipleChoiceSettings
from mieb.tasks.kinds.retrieval import RetrievalSettings
from mieb.tasks.kinds.sts import STSSettings
from mieb.tasks.kinds.zeroshot import ZeroShotSettings
from mieb.tasks.metadata import DatasetRef, TaskMetadata

ENG = ["eng-Latn"]


def _dataset(key: str) -> DatasetRef:
    return DatasetRef(path=f"mieb-offline/{key}", revision=BUILDERS[key].version, generator=key)


def _task(name: str, description: str, dataset: str | None = None, **fields) -> TaskMetadata:
    fields.setdefault("eval_splits", ["test"])
    fields.setdefault("eval_langs", ENG)
    fields.setdefault("license", "apache-2.0")
    fields.setdefault("protocol_version", PROTOCOL_VERSIONS.get(fields["settings"].kind, "1"))
    return TaskMetadata(name=name, description=description, dataset=_dataset(dataset or name), **fields)


TASKS: list[TaskMetadata] = [
    _task(
        "ShapesZeroShot",
        "Name the shape in each image from one prompt per class (like CIFAR10ZeroShot).",
        type="ZeroShotClassification",
        category="i2t",
        modalities=["image", "text"],
        main_score="accuracy",
        settings=ZeroShotSettings(template="a photo of a {name}."),
    ),
    _task(
        "ShapesT2IRetrieval",
        "Find the image a caption describes (like Flickr30kT2IRetrieval).",
        type="Any2AnyRetrieval",
        category="t2i",
        modalities=["text", "image"],
        main_score="ndcg_at_10",
        settings=RetrievalSettings(),
    ),
    _task(
        "ShapesI2TRetrieval",
        "Find the caption of an image (like Flickr30kI2TRetrieval).",
        type="Any2AnyRetrieval",
        category="i2t",
        modalities=["image", "text"],
        main_score="ndcg_at_10",
        settings=RetrievalSettings(),
    ),
    _task(
        "ShapesI2IRetrieval",
        "Find other renderings of the same object; the query is in the corpus and its own hit is skipped "
        "(like SOPI2IRetrieval).",
        type="Any2AnyRetrieval",
        category="i2i",
        modalities=["image"],
        main_score="hit_rate_at_1",
        settings=RetrievalSettings(skip_first_result=True),
    ),
    _task(
        "ShapesIT2TRetrieval",
        "Answer a question about an image by retrieving the answer text (like VQA2IT2TRetrieval).",
        type="Any2AnyRetrieval",
        category="it2t",
        modalities=["image", "text"],
        main_score="ndcg_at_10",
        settings=RetrievalSettings(),
    ),
]

TASKS += [
    _task(
        "ShapesClassification",
        "Linear probe on 16 images per shape, 5 experiments (like DTD).",
        type="ImageClassification",
        category="i2c",
        modalities=["image"],
        main_score="accuracy",
        settings=LinearProbeSettings(samples_per_label=16, n_experiments=5),
    ),
    _task(
        "ShapesMultilabel",
        "Which shapes are in the image: kNN on 8 images per label (like VOC2007).",
        type="ImageClassification",
        category="i2c",
        modalities=["image"],
        main_score="lrap",
        settings=MultilabelSettings(),
    ),
    _task(
        "ShapesClustering",
        "Cluster images by shape (like CIFAR10Clustering).",
        type="ImageClustering",
        category="i2c",
        modalities=["image"],
        main_score="nmi",
        settings=ClusteringSettings(),
    ),
    _task(
        "ShapesCompositionality",
        "Pick the caption that binds colours, shapes and relations correctly among 5 (like AROCocoOrder).",
        type="Compositionality",
        category="i2t",
        modalities=["text", "image"],
        main_score="text_acc",
        settings=CompositionalitySettings(
            images_columns=["images"],
            texts_columns=["correct_caption", "hard_text_1", "hard_text_2", "hard_text_3", "hard_text_4"],
        ),
    ),
    _task(
        "RenderedShapesSTS",
        "Similarity of two sentences rendered as images (like STS13VisualSTS).",
        type="VisualSTS(eng)",
        category="i2i",
        modalities=["image"],
        main_score="cosine_spearman",
        settings=STSSettings(),
    ),
    _task(
        "RenderedShapesSTSMultilingual",
        "Rendered sentence similarity in English and German subsets (like STS17MultilingualVisualSTS).",
        dataset="RenderedShapesSTSMulti",
        type="VisualSTS(multi)",
        category="i2i",
        modalities=["image"],
        eval_langs={"en": ["eng-Latn"], "de": ["deu-Latn"]},
        main_score="cosine_spearman",
        settings=STSSettings(),
    ),
    _task(
        "RenderedShapesSTSDe",
        "The German subset of RenderedShapesSTSMultilingual, as an aggregate (like VisualSTS17Multilingual).",
        dataset="RenderedShapesSTSMulti",
        type="VisualSTS(multi)",
        category="i2i",
        modalities=["image"],
        eval_langs=["deu-Latn"],
        main_score="cosine_spearman",
        settings=AggregateSettings(subtask="RenderedShapesSTSMultilingual", hf_subsets=["de"]),
    ),
    _task(
        "ShapesMultipleChoice",
        "Answer a question about an image by choosing among its own 3-4 candidate answers (like BLINKIT2TMultiChoice).",
        type="VisionCentricQA",
        category="it2t",
        modalities=["text", "image"],
        main_score="accuracy",
        settings=MultipleChoiceSettings(),
    ),
    _task(
        "ShapesDocumentRetrieval",
        "Find the page whose rendered text answers a query (like VidoreDocVQARetrieval).",
        type="DocumentUnderstanding",
        category="t2i",
        modalities=["text", "image"],
        main_score="ndcg_at_5",
        settings=RetrievalSettings(loader="vidore"),
    ),
    _task(
        "ShapesMultilingualT2IRetrieval",
        "Caption-to-image retrieval with English and German captions (like XM3600T2IRetrieval).",
        type="Any2AnyMultilingualRetrieval",
        category="t2i",
        modalities=["text", "image"],
        eval_langs={"en": ["eng-Latn"], "de": ["deu-Latn"]},
        main_score="ndcg_at_10",
        settings=RetrievalSettings(),
    ),
]

OFFLINE_TASK_NAMES = [t.name for t in TASKS]
