"""Compositionality: does the model match each image with its own caption among hard variants (7 tasks)?

With one image per row (ARO, SugarCrepe) only `text_acc` is informative and with one text per row
(ImageCoDe) only `image_acc` (quirk 9); main scores follow.
"""

from __future__ import annotations

from typing import Any

from mieb.tasks.catalog._citations import CITATIONS as cite
from mieb.tasks.catalog._common import Source, task
from mieb.tasks.kinds.compositionality import CompositionalitySettings
from mieb.tasks.metadata import SplitStats, TaskMetadata

ARO_PAPER = "https://openreview.net/forum?id=KRLUvxh8uaX"
ORDER_CAPTIONS = ["correct_caption", "hard_text_1", "hard_text_2", "hard_text_3", "hard_text_4"]
TRUE_FALSE = ["true_caption", "false_caption"]


def _pairs(name: str, description: str, source: Source, images: list[str], texts: list[str], *, rows: int,
           main_score: str = "text_acc", category: str = "i2t", **settings: Any) -> TaskMetadata:
    """`rows` rows of len(images) images and len(texts) texts each (the first of each is the matching pair)."""
    stats = SplitStats(n_samples=rows, n_images=rows * len(images), n_texts=rows * len(texts))
    return task(name, description, source, type="Compositionality", category=category,
                modalities=["text", "image"], main_score=main_score, stats={"test": stats},
                settings=CompositionalitySettings(images_columns=images, texts_columns=texts, **settings))


TASKS: list[TaskMetadata] = [
    _pairs("AROCocoOrder", "Pick a COCO photo's caption over four word-order scrambles of it (ARO).",
           Source("mteb/ARO-COCO-order", "53c20afc02a87fed8c0245dde2e00f054da4b861", "mit", ARO_PAPER, cite.ARO),
           ["images"], ORDER_CAPTIONS, rows=25010),
    _pairs("AROFlickrOrder", "Pick a Flickr30k photo's caption over four word-order scrambles of it (ARO).",
           Source("mteb/ARO-Flickr-Order", "e5d7f3502345b2c398a6645b4d09b44e650287bf", "mit", ARO_PAPER, cite.ARO),
           ["images"], ORDER_CAPTIONS, rows=5000),
    _pairs("AROVisualAttribution", "Pick the caption that binds attributes to the right objects (ARO).",
           Source("mteb/ARO-Visual-Attribution", "25fe9b460426ff67cdb0608a737c94f8f49a901e", "mit", ARO_PAPER,
                  cite.ARO),
           ["image"], TRUE_FALSE, rows=28748),
    _pairs("AROVisualRelation", "Pick the caption with the right relation between two objects (ARO).",
           Source("mteb/ARO-Visual-Relation", "53c1115ab5871ab33b09d5bb8856236d46bdaf2d", "mit", ARO_PAPER, cite.ARO),
           ["image"], TRUE_FALSE, rows=23937),
    # The dataset has only a `train` split, which the reference evaluates as `test`.
    _pairs("SugarCrepe", "Pick a COCO photo's caption over a hard negative that swaps, replaces or adds a concept.",
           Source("mteb/SUGARCREPE_fmt", "e9e0e3ce40c94023c819d3413edb5d090ec9f0d8", "mit",
                  "https://proceedings.neurips.cc/paper_files/paper/2023/hash/"
                  "63461de0b4cb760fc498e85b18a7fe81-Abstract-Datasets_and_Benchmarks.html", cite.SUGARCREPE),
           ["images"], ["caption", "negative_caption"], loader="sugarcrepe", rows=7511),
    # Gated on the Hugging Face Hub (quirk 12): accept its terms and log in before downloading.
    _pairs("Winoground", "Match two images with two captions made of the same words in a different order.",
           Source("facebook/winoground", "b400e173549071916ad1b3d449293bc8d8b4b763",
                  "https://huggingface.co/datasets/facebook/winoground/blob/main/license_agreement.txt",
                  "https://openaccess.thecvf.com/content/CVPR2022/html/Thrush_Winoground_Probing_Vision_and_"
                  "Language_Models_for_Visio-Linguistic_Compositionality_CVPR_2022_paper", cite.WINOGROUND,
                  gated=True),
           ["image_0", "image_1"], ["caption_0", "caption_1"], main_score="accuracy", rows=400),
    # Rows are built from the corpus / query / qrels configs: the right frame and 9 near-identical ones.
    _pairs("ImageCoDe", "Pick the one video frame, among ten near-identical ones, that a description refers to.",
           Source("mteb/imagecode-multi", "0a27b28e13841897d490a40fb88a003f04d7e314", "cc-by-sa-4.0",
                  "https://aclanthology.org/2022.acl-long.241.pdf", cite.IMAGECODE),
           ["correct_image", *(f"false_image_{i}" for i in range(1, 10))], ["text"], main_score="image_acc",
           category="it2i", loader="imagecode", rows=2302),
]
