"""Small local datasets with the real schemas of the MIEB datasets, and catalog tasks pointed at them.

Each builder writes one dataset in the Hugging Face layout of its hub counterpart: the same configs,
split names, column names and feature types. Contents are colour-coded (a "red" image, a caption
naming red) so that the `ColourOracle` test model scores them perfectly when ids, qrels and candidates
are built right.

Where the schemas come from:
- confirmed from the dataset card's `dataset_info`: Winoground (id int32, image_0/1, caption_0/1, tag,
  secondary_tag, num_main_preds int32, collapsed_tag; config default, split test).
- read from the reference's loaders (the columns they read, remove and cast) and its descriptive
  statistics, with feature types inferred: everything else. In particular: the M-BEIR-style retrieval
  layout (corpus / queries: id, modality, text, image; qrels: query-id, corpus-id, score int64), ViDoRe
  (integer query-id / corpus-id), Hateful Memes (integer id), the wds_* classification datasets
  (`__key__`, `__url__`, an image column named by extension, integer `cls`), VOC2007 (`classes` as a
  sequence of class labels), XM3600 and xFlickr&CO (an image column that is a plain {bytes, path}
  struct: the reference casts it to an Image feature), CV-Bench (the columns its loader removes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasets import ClassLabel, Dataset, Features, Image, Sequence, Value
from helpers import solid_image, write_hub_folder
from local_tasks import COLOURS

from mieb.tasks.metadata import DatasetRef, TaskMetadata
from mieb.tasks.task import Task

NAMES = list(COLOURS)  # red, green, blue, yellow
VOC_CLASSES = ["aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
               "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train",
               "tvmonitor"]
STRING, INT = Value("string"), Value("int64")
RAW_IMAGE = {"bytes": Value("binary"), "path": Value("string")}  # an image column not typed as Image
Configs = dict[str, dict[str, Dataset]]


def img(colour: str, seed: int = 0) -> dict[str, Any]:
    """A 16 x 16 image of one of the four colours (or "grey", which no caption names)."""
    rgb = (128, 128, 128) if colour == "grey" else COLOURS[colour]
    return {"bytes": solid_image(rgb, size=(16, 16), noise=8, seed=seed), "path": None}


def table(rows: list[dict[str, Any]], features: dict[str, Any]) -> Dataset:
    return Dataset.from_dict({k: [r[k] for r in rows] for k in features}, features=Features(features))


# -- classification, zero-shot, clustering -------------------------------------------------------------
def labelled_images(input_column: str, label_column: str, *, splits: tuple[str, ...] = ("train", "test"),
                    label_names: list[str] | None = None, n_classes: int = 4) -> Configs:
    """The HF image-classification layout (image + ClassLabel) or, for an extension-named image column,
    the clip-benchmark webdataset layout (__key__, __url__, <ext>, integer cls). Image k shows colour
    k % n_classes and has that label."""
    wds = input_column in ("jpg", "webp", "png")
    names = label_names or NAMES[:n_classes]
    out = {}
    for s, split in enumerate(splits):
        rows = [{"image": img(NAMES[k % n_classes], seed=100 * s + k), "label": k % n_classes,
                 "key": f"{split}_{k:05d}"} for k in range(12)]
        if wds:
            feats = {"__key__": STRING, "__url__": STRING, input_column: Image(), "cls": INT}
            data = [{"__key__": r["key"], "__url__": f"{split}.tar", input_column: r["image"], "cls": r["label"]}
                    for r in rows]
        else:
            feats = {input_column: Image(), label_column: ClassLabel(names=names)}
            data = [{input_column: r["image"], label_column: r["label"]} for r in rows]
            if label_column == "fine_label":  # CIFAR-100 carries both label granularities
                feats["coarse_label"] = ClassLabel(names=["things", "stuff"])
                data = [{**d, "coarse_label": 0} for d in data]
        out[split] = table(data, feats)
    return {"default": out}


def voc() -> Configs:
    feats = {"image": Image(), "classes": Sequence(ClassLabel(names=VOC_CLASSES))}
    out = {}
    for s, split in enumerate(("train", "validation", "test")):
        out[split] = table([{"image": img(NAMES[k % 4], 10 * s + k), "classes": [k % 4, 4 + k % 2]} for k in range(12)],
                           feats)
    return {"default": out}


def rendered_sts(configs: list[str], splits: tuple[str, ...]) -> Configs:
    """Sentence pairs rendered as images; gold 5 for the same colour, 0 otherwise."""
    feats = {"sentence1": Image(), "sentence2": Image(), "score": Value("float64")}
    rows = [{"sentence1": img(NAMES[i % 4], i), "sentence2": img(NAMES[(i // 4) % 4], 50 + i),
             "score": 5.0 if i % 4 == (i // 4) % 4 else 0.0} for i in range(16)]
    return {config: {split: table(rows, feats) for split in splits} for config in configs}


# -- retrieval ------------------------------------------------------------------------------------------
def _side(modalities: str, colour: str, k: int, prefix: str) -> dict[str, Any]:
    """One row of an M-BEIR-style side: modality string, text naming the colour, image of it (or None)."""
    has_text, has_image = "t" in modalities, "i" in modalities
    return {"id": f"{prefix}{k}", "modality": ",".join(m for m, on in (("image", has_image), ("text", has_text)) if on),
            "text": f"something {colour}" if has_text else None, "image": img(colour, k) if has_image else None}


SIDE = {"id": STRING, "modality": STRING, "text": STRING, "image": Image()}
QRELS = {"query-id": STRING, "corpus-id": STRING, "score": INT}


def standard_retrieval(category: str, *, distractors: bool = False, query_config: str = "queries") -> Configs:
    """corpus / queries / qrels (split test); query i is relevant to document i. With `distractors`
    (BLINK multiple choice) each query also judges two other documents 0."""
    q_side, d_side = category.split("2")
    corpus = table([_side(d_side, c, k, "d") for k, c in enumerate(NAMES)], SIDE)
    queries = table([_side(q_side, c, k, "q") for k, c in enumerate(NAMES)], SIDE)
    offsets = (0, 1, 2) if distractors else (0,)
    judged = [(f"q{k}", f"d{(k + o) % 4}", int(o == 0)) for k in range(4) for o in offsets]
    qrels = table([{"query-id": q, "corpus-id": d, "score": s} for q, d, s in judged], QRELS)
    return {"corpus": {"test": corpus}, query_config: {"test": queries}, "qrels": {"test": qrels}}


def vidore() -> Configs:
    queries = table([{"query-id": k, "query": f"the {c} page"} for k, c in enumerate(NAMES)],
                    {"query-id": INT, "query": STRING})
    corpus = table([{"corpus-id": 10 + k, "image": img(c, k), "image_filename": f"page_{k}.png"}
                    for k, c in enumerate(NAMES)], {"corpus-id": INT, "image": Image(), "image_filename": STRING})
    qrels = table([{"query-id": k, "corpus-id": 10 + k, "score": 1} for k in range(4)],
                  {"query-id": INT, "corpus-id": INT, "score": INT})
    return {"queries": {"test": queries}, "corpus": {"test": corpus}, "qrels": {"test": qrels}}


def hateful_memes() -> Configs:
    """Test memes 1-4 in four colours with captions naming them, and meme 5: a red image whose caption
    repeats meme 1's, so the deduplicated corpus drops `corpus-5` (quirk 10). Train and validation
    memes are grey, with captions naming no colour."""
    feats = {"id": INT, "image": Image(), "text": STRING, "label": INT, "split": STRING}
    test = [{"id": k + 1, "image": img(c, k), "text": f"a {c} meme", "label": 0, "split": "test"}
            for k, c in enumerate(NAMES)]
    test.append({"id": 5, "image": img("red", 9), "text": "a red meme", "label": 1, "split": "test"})
    other = {split: [{"id": 100 * s + k, "image": img("grey", 40 + k), "text": f"plain caption {s}{k}", "label": 0,
                      "split": split} for k in range(3)] for s, split in enumerate(("train", "validation"), 1)}
    return {"default": {"train": table(other["train"], feats), "validation": table(other["validation"], feats),
                        "test": table(test, feats)}}


MEMOTION = {"image": Image(), "text_ocr": STRING, "text_corrected": STRING, "humor": STRING, "sarcasm": STRING,
            "offensive": STRING, "motivational": STRING, "sentiment": STRING, "split": STRING}


def memotion() -> Configs:
    """Each split has a row without `text_corrected` first, which the loader must skip before numbering."""
    def rows(split: str, colours: list[str]) -> Dataset:
        labels = {"humor": "funny", "sarcasm": "general", "offensive": "not_offensive", "motivational": "not_motivational",
                  "sentiment": "positive", "split": split}
        data = [{"image": img("yellow", 99), "text_ocr": "unreadable", "text_corrected": None, **labels}]
        data += [{"image": img(c, k), "text_ocr": f"{c.upper()} MEME", "text_corrected": f"{c} meme", **labels}
                 for k, c in enumerate(colours)]
        return table(data, MEMOTION)

    return {"default": {"train": rows("train", ["blue"]), "test": rows("test", ["red", "green", "yellow"])}}


def scimmir() -> Configs:
    feats = {"file_name_index": STRING, "image": Image(), "text": STRING, "class": STRING, "super_class": STRING,
             "sub_class": STRING, "split": STRING}
    def rows(split: str) -> Dataset:
        return table([{"file_name_index": f"{split}-{k}", "image": img(c, k), "text": f"Figure {k}: a {c} plot",
                       "class": "fig_result", "super_class": "figure", "sub_class": "result", "split": split}
                      for k, c in enumerate(NAMES)], feats)

    return {"default": {"validation": rows("validation"), "test": rows("test")}}


def image_captions(languages: list[str], *, xm3600: bool = False) -> Configs:
    """WIT / XM3600: one split per language; per image an id and a list of captions."""
    feats: dict[str, Any] = {"image": RAW_IMAGE if xm3600 else Image(), "image_id": STRING, "captions": Sequence(STRING)}
    if xm3600:
        feats |= {"captions_tokenized": Sequence(STRING), "captions_tokenized_lowercase": Sequence(STRING),
                  "image_locale": STRING}
    out = {}
    for lang in languages:
        rows = []
        for k, c in enumerate(NAMES):
            captions = [f"{lang} {c} thing", f"{c} picture ({lang})"]
            rows.append({"image": img(c, k), "image_id": f"{lang}{k:04x}", "captions": captions,
                         "captions_tokenized": captions, "captions_tokenized_lowercase": captions, "image_locale": lang})
        out[lang] = table(rows, feats)
    return {"default": out}


def xflickr(languages: list[str]) -> Configs:
    feats = {"id": STRING, "image": RAW_IMAGE, "sentences": STRING}
    return {"default": {lang: table([{"id": f"{1000 + k}", "image": img(c, k), "sentences": f"{c} ({lang})"}
                                     for k, c in enumerate(NAMES)], feats) for lang in languages}}


CV_BENCH = {"idx": INT, "type": STRING, "task": STRING, "image": Image(), "question": STRING, "choices": Sequence(STRING),
            "answer": STRING, "prompt": STRING, "filename": STRING, "source": STRING, "source_dataset": STRING,
            "source_filename": STRING, "target_class": STRING, "target_size": INT, "bbox": Sequence(Value("float64"))}


def cv_bench() -> Configs:
    """Two rows per question type; choices name colours, the answer letter points at the image's colour."""
    rows = []
    for t, kind in enumerate(("Count", "Relation", "Depth", "Distance")):
        for k in range(2):
            colour = NAMES[(t + k) % 4]
            choices = [n for n in NAMES if n != colour][: 1 + k] + [colour]  # answer last: (B) or (C)
            rows.append({"idx": len(rows), "type": "2D" if t < 2 else "3D", "task": kind, "image": img(colour, len(rows)),
                         "question": "Which one is it?", "choices": choices, "answer": "(" + "ABC"[len(choices) - 1] + ")",
                         "prompt": "Which one is it? Select from the following choices.", "filename": f"img/{len(rows)}.png",
                         "source": "COCO", "source_dataset": "COCO 2017", "source_filename": f"{len(rows)}.jpg",
                         "target_class": None, "target_size": None, "bbox": None})
    return {"default": {"test": table(rows, CV_BENCH)}}


def imagecode() -> Configs:
    """Two descriptions, ten candidate frames each; the right frame is listed fourth in the qrels."""
    corpus, qrels, queries = [], [], []
    for q, colour in enumerate(("red", "blue")):
        others = [n for n in NAMES if n != colour]
        frames = [others[i % 3] for i in range(9)]
        frames.insert(3, colour)
        for i, c in enumerate(frames):
            cid = f"frame-{q}-{i}"
            corpus.append({"id": cid, "image": img(c, 10 * q + i)})
            qrels.append({"query-id": f"query-{q}", "corpus-id": cid, "score": int(c == colour)})
        queries.append({"id": f"query-{q}", "text": f"the {colour} frame"})
    return {"corpus": {"corpus": table(corpus, {"id": STRING, "image": Image()})},
            "query": {"test": table(queries, {"id": STRING, "text": STRING})},
            "qrels": {"test": table(qrels, QRELS)}}


# -- compositionality --------------------------------------------------------------------------------
def captions_of(images_column: str, texts: list[str], *, split: str = "test") -> Configs:
    """One image per row; the first text names its colour, the others other colours (ARO, SugarCrepe)."""
    feats = {images_column: Image(), **{t: STRING for t in texts}}
    rows = []
    for k, c in enumerate(NAMES):
        wrong = [n for n in NAMES if n != c]
        rows.append({images_column: img(c, k), texts[0]: f"a {c} scene",
                     **{t: f"a {wrong[j % 3]} scene" for j, t in enumerate(texts[1:])}})
    return {"default": {split: table(rows, feats)}}


def winoground() -> Configs:
    feats = {"id": Value("int32"), "image_0": Image(), "image_1": Image(), "caption_0": STRING, "caption_1": STRING,
             "tag": STRING, "secondary_tag": STRING, "num_main_preds": Value("int32"), "collapsed_tag": STRING}
    rows = [{"id": k, "image_0": img(NAMES[k], k), "image_1": img(NAMES[(k + 1) % 4], 10 + k),
             "caption_0": f"all {NAMES[k]}", "caption_1": f"all {NAMES[(k + 1) % 4]}", "tag": "Object",
             "secondary_tag": "", "num_main_preds": 1, "collapsed_tag": "Object"} for k in range(4)]
    return {"default": {"test": table(rows, feats)}}


# -- which schema each catalog task reads ----------------------------------------------------------------
def schema_for(meta: TaskMetadata) -> tuple[str, Callable[[], Configs]]:
    """(schema key, builder) of the dataset a task reads; tasks with the same key share one folder."""
    s = meta.settings
    loader = getattr(s, "loader", None)
    custom: dict[str, Callable[[], Configs]] = {
        "vidore": vidore, "hateful_memes": hateful_memes, "memotion": memotion, "scimmir": scimmir,
        "cv_bench": cv_bench, "imagecode": imagecode, "xflickr": lambda: xflickr(list(meta.hf_subsets)),
        "image_captions": lambda: image_captions(list(meta.hf_subsets), xm3600=meta.name.startswith("XM3600")),
        "sugarcrepe": lambda: captions_of("images", ["caption", "negative_caption"], split="train"),
    }
    if loader in custom:
        return f"{loader}-{meta.dataset.path}", custom[loader]
    if s.kind in ("retrieval", "multiple_choice"):
        blink_mc = s.kind == "multiple_choice"
        return f"retrieval-{meta.category}-{blink_mc}", lambda: standard_retrieval(meta.category, distractors=blink_mc)
    if s.kind in ("zeroshot", "linear_probe", "clustering"):
        splits = tuple(dict.fromkeys([getattr(s, "train_split", "train"), *meta.eval_splits]))
        names = ["/r/red", "/g/green_thing", "/b/blue", "/y/yellow"] if s.kind == "zeroshot" and s.name_transform else None
        n_classes = min(4, meta.stats[meta.eval_splits[0]].n_labels)  # e.g. 2 for PatchCamelyon
        return (f"images-{s.input_column}-{s.label_column}-{splits}-{names}-{n_classes}",
                lambda: labelled_images(s.input_column, s.label_column, splits=splits, label_names=names,
                                        n_classes=n_classes))
    if s.kind == "multilabel":
        return "voc", voc
    if s.kind == "sts":
        return f"sts-{meta.dataset.path}", lambda: rendered_sts(meta.hf_subsets, tuple(meta.eval_splits))
    if s.kind == "compositionality":
        if meta.name == "Winoground":
            return "winoground", winoground
        return f"pairs-{s.images_columns}-{s.texts_columns}", lambda: captions_of(s.images_columns[0], s.texts_columns)
    raise KeyError(f"no schema fixture for {meta.name} (kind {s.kind})")


class SchemaFolders:
    """Builds each schema's folder once (under `root`) and points catalog tasks at it."""

    def __init__(self, root: Path):
        self.root = root
        self.folders: dict[str, Path] = {}

    def folder(self, meta: TaskMetadata) -> Path:
        key, build = schema_for(meta)
        if key not in self.folders:
            self.folders[key] = write_hub_folder(self.root / f"schema{len(self.folders):03d}", build())
        return self.folders[key]

    def task(self, meta: TaskMetadata, hf_subsets: list[str] | None = None) -> Task:
        """The catalog task, its dataset replaced by the local folder of its schema (same loader, same code)."""
        ref = DatasetRef(path=str(self.folder(meta)), revision=meta.dataset.revision)
        return Task(meta.model_copy(update={"dataset": ref}), hf_subsets)
