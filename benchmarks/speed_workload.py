"""The speed benchmark's workload: MIEB-shaped local datasets and a tiny CLIP, shared by both sides.

Every task of the workload is a real catalog task (one per MIEB task type, and the multi-label protocol)
whose dataset is replaced by a local folder in that dataset's own hub layout, so that the reference
(mteb 2.26.24, its own task class of the same name) and mieb (the catalog task) read the same files
with their own loaders. Images are JPEGs of 64-256 px per side, drawn as smooth colour fields with
noise, tinted by their label; texts are short captions. Nothing here imports mteb or torch, so the
driver and both sides can use it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

WORKLOAD_VERSION = "1"  # bump when what is written changes: folders are rebuilt

CIFAR10_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
VOC_CLASSES = ["aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
               "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train",
               "tvmonitor"]
WORDS = ["red", "green", "blue", "round", "square", "small", "large", "bright", "dark", "striped"]


@dataclass(frozen=True)
class SpeedTask:
    """A catalog task of the workload: its name, the folder key it reads and the subsets it runs."""

    name: str
    task_type: str
    folder: str
    subsets: list[str] | None = None
    note: str = ""
    images: int = field(default=0, compare=False)  # image inputs the protocol encodes (filled by `tasks`)


def tasks(n: int) -> list[SpeedTask]:
    """One catalog task per MIEB task type (and VOC2007's multi-label protocol), in run order."""
    h = n // 2
    return [
        SpeedTask("CIFAR10ZeroShot", "ZeroShotClassification", "cifar", images=n),
        SpeedTask("CIFAR10", "ImageClassification", "cifar", note="linear probe", images=n + 800),
        SpeedTask("CIFAR10Clustering", "ImageClustering", "cifar", images=n),
        SpeedTask("VOC2007", "ImageClassification", "voc", note="multi-label", images=min(2000, h) + 800),
        SpeedTask("Flickr30kT2IRetrieval", "Any2AnyRetrieval", "flickr", images=n),
        SpeedTask("VidoreArxivQARetrieval", "DocumentUnderstanding", "vidore", images=h),
        SpeedTask("XM3600T2IRetrieval", "Any2AnyMultilingualRetrieval", "xm3600", subsets=["de", "en"], images=n),
        SpeedTask("SugarCrepe", "Compositionality", "sugarcrepe", images=h),
        SpeedTask("STS12VisualSTS", "VisualSTS(eng)", "sts12", images=n),
        SpeedTask("STS17MultilingualVisualSTS", "VisualSTS(multi)", "sts17", subsets=["en-en", "en-de"], images=n),
        SpeedTask("BLINKIT2TMultiChoice", "VisionCentricQA", "blink", images=h),
    ]


# -- images and texts ---------------------------------------------------------------------------------
def jpeg(rs: np.random.RandomState, label: int, n_labels: int) -> dict[str, Any]:
    """A smooth random picture tinted by its label, 64-256 px per side, as JPEG bytes (quality 85)."""
    from PIL import Image

    w, h = (int(x) for x in rs.randint(64, 257, size=2))
    small = rs.rand(6, 6, 3) * 0.6
    small[..., label % 3] += 0.4 * (label + 1) / n_labels
    img = Image.fromarray((np.clip(small, 0, 1) * 255).astype(np.uint8)).resize((w, h), Image.Resampling.BICUBIC)
    arr = np.asarray(img, dtype=np.int16) + rs.randint(-12, 13, size=(h, w, 3))
    buf = io.BytesIO()
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(buf, format="JPEG", quality=85)
    return {"bytes": buf.getvalue(), "path": None}


def image_pool(seed: int, n: int, n_labels: int) -> tuple[list[dict[str, Any]], list[int]]:
    rs = np.random.RandomState(seed)
    labels = [int(x) for x in rs.randint(0, n_labels, size=n)]
    return [jpeg(rs, y, n_labels) for y in labels], labels


def caption(rs: np.random.RandomState, label: int) -> str:
    return f"a {WORDS[label % len(WORDS)]} picture of " + " ".join(rs.choice(WORDS, size=rs.randint(2, 9)))


# -- folders ------------------------------------------------------------------------------------------
def build(root: Path, n: int) -> dict[str, Path]:
    """Write every folder of the workload for `n` images per pool under `root` (once; a marker records
    what was built) and return {folder key: path}."""
    from datasets import ClassLabel, Features, Image, Sequence, Value

    from mieb.data.synthetic.hf import write_dataset_folder

    root = root / f"data-{n}"
    keys = ["cifar", "voc", "flickr", "vidore", "xm3600", "sugarcrepe", "sts12", "sts17", "blink"]
    folders = {k: root / k for k in keys}
    marker = root / "built.json"
    if marker.exists() and json.loads(marker.read_text()).get("version") == WORKLOAD_VERSION:
        return folders
    shutil.rmtree(root, ignore_errors=True)
    t0 = time.perf_counter()
    h = n // 2
    string, int64 = Value("string"), Value("int64")
    rs = np.random.RandomState(7)

    def write(key: str, tables: dict[str, Any]) -> None:
        write_dataset_folder(folders[key], tables, f"speed-{key}", WORKLOAD_VERSION, f"speed benchmark: {key}")

    # CIFAR-10 layout (img, label): zero-shot, linear probe (train + test) and clustering read it.
    train, train_y = image_pool(1, n, 10)
    test, test_y = image_pool(2, n, 10)
    cifar = Features({"img": Image(), "label": ClassLabel(names=CIFAR10_NAMES)})
    write("cifar", {"default": {"train": (cifar, {"img": train, "label": train_y}),
                                "test": (cifar, {"img": test, "label": test_y})}})
    # VOC2007: a sequence of class labels per image; train, validation and test splits.
    voc = Features({"image": Image(), "classes": Sequence(ClassLabel(names=VOC_CLASSES))})
    voc_tables = {}
    for split, size, seed in (("train", h // 2, 3), ("validation", 64, 4), ("test", h, 5)):
        imgs, ys = image_pool(seed, size, 20)
        voc_tables[split] = (voc, {"image": imgs, "classes": [[y, (y + 7) % 20] for y in ys]})
    write("voc", {"default": voc_tables})
    # M-BEIR layout (corpus / queries: id, modality, text, image; qrels): Flickr30k text-to-image.
    side = Features({"id": string, "modality": string, "text": string, "image": Image()})
    qrels = Features({"query-id": string, "corpus-id": string, "score": int64})
    corpus, corpus_y = image_pool(6, n, 10)
    write("flickr", {
        "corpus": {"test": (side, {"id": [f"d{i}" for i in range(n)], "modality": ["image"] * n,
                                   "text": [None] * n, "image": corpus})},
        "queries": {"test": (side, {"id": [f"q{i}" for i in range(h)], "modality": ["text"] * h,
                                    "text": [caption(rs, y) for y in corpus_y[:h]], "image": [None] * h})},
        "qrels": {"test": (qrels, {"query-id": [f"q{i}" for i in range(h)], "corpus-id": [f"d{i}" for i in range(h)],
                                   "score": [1] * h})}})
    # ViDoRe: integer ids, page images with file names.
    pages, pages_y = image_pool(7, h, 10)
    write("vidore", {
        "queries": {"test": (Features({"query-id": int64, "query": string}),
                             {"query-id": list(range(h)), "query": [caption(rs, y) for y in pages_y]})},
        "corpus": {"test": (Features({"corpus-id": int64, "image": Image(), "image_filename": string}),
                            {"corpus-id": list(range(h)), "image": pages,
                             "image_filename": [f"page_{i}.png" for i in range(h)]})},
        "qrels": {"test": (Features({"query-id": int64, "corpus-id": int64, "score": int64}),
                           {"query-id": list(range(h)), "corpus-id": list(range(h)), "score": [1] * h})}})
    # XM3600: one split per language, the same images in each, an image column that is a plain struct.
    xm_imgs, xm_y = image_pool(8, h, 10)
    xm = Features({"image": {"bytes": Value("binary"), "path": string}, "image_id": string,
                   "captions": Sequence(string), "captions_tokenized": Sequence(string),
                   "captions_tokenized_lowercase": Sequence(string), "image_locale": string})
    xm_splits = {}
    for lang in ("de", "en"):
        caps = [[f"{caption(rs, y)} ({lang})", f"{lang} {caption(rs, y)}"] for y in xm_y]
        xm_splits[lang] = (xm, {"image": xm_imgs, "image_id": [f"{lang}{i:06x}" for i in range(h)], "captions": caps,
                                "captions_tokenized": caps, "captions_tokenized_lowercase": caps,
                                "image_locale": [lang] * h})
    write("xm3600", {"default": xm_splits})
    # SugarCrepe: images with a caption and a negative caption (split "train", as on the hub).
    sc_imgs, sc_y = image_pool(9, h, 10)
    write("sugarcrepe", {"default": {"train": (
        Features({"images": Image(), "caption": string, "negative_caption": string}),
        {"images": sc_imgs, "caption": [caption(rs, y) for y in sc_y],
         "negative_caption": [caption(rs, y + 1) for y in sc_y]})}})
    # Rendered STS: two images per pair and a gold score.
    sts = Features({"sentence1": Image(), "sentence2": Image(), "score": Value("float64")})
    a, _ = image_pool(10, h, 10)
    b, _ = image_pool(11, h, 10)
    write("sts12", {"default": {"test": (sts, {"sentence1": a, "sentence2": b,
                                               "score": [float(x) for x in rs.uniform(0, 5, size=h)]})}})
    q = h // 2
    sts17 = {}
    for k, config in enumerate(("en-en", "en-de")):
        a, _ = image_pool(12 + 2 * k, q, 10)
        b, _ = image_pool(13 + 2 * k, q, 10)
        sts17[config] = {"test": (sts, {"sentence1": a, "sentence2": b,
                                        "score": [float(x) for x in rs.uniform(0, 5, size=q)]})}
    write("sts17", sts17)
    # BLINK-style multiple choice: image + question queries, a few text choices, judgements per query.
    bl_imgs, bl_y = image_pool(16, h, 10)
    choices = [f"a {w} one" for w in WORDS]
    qid, did, score = [], [], []
    for i, y in enumerate(bl_y):
        for j in (y, (y + 3) % 10, (y + 6) % 10):
            qid.append(f"q{i}"), did.append(f"c{j}"), score.append(int(j == y))
    write("blink", {
        "corpus": {"test": (side, {"id": [f"c{j}" for j in range(10)], "modality": ["text"] * 10, "text": choices,
                                   "image": [None] * 10})},
        "queries": {"test": (side, {"id": [f"q{i}" for i in range(h)], "modality": ["image,text"] * h,
                                    "text": ["which one is it?"] * h, "image": bl_imgs})},
        "qrels": {"test": (qrels, {"query-id": qid, "corpus-id": did, "score": score})}})
    marker.write_text(json.dumps({"version": WORKLOAD_VERSION, "images_per_pool": n,
                                  "seconds": round(time.perf_counter() - t0, 1)}))
    return folders


# -- the model ----------------------------------------------------------------------------------------
def tiny_clip(root: Path, image_size: int = 64) -> Path:
    """A randomly initialised transformers CLIP (about 0.25M parameters: widths 64, patch 8) taking
    `image_size` px inputs with CLIP's mean/std, and the bundled model's tokenizer. Both sides load
    this folder: the reference through its CLIP wrapper (`AutoModel` + `AutoProcessor`), mieb as a
    local CLIP checkpoint. Built once (seed 0)."""
    folder = root / f"tiny-clip-{image_size}"
    if (folder / "model.safetensors").exists():
        return folder
    import torch
    from transformers import CLIPConfig, CLIPModel

    bundled = Path(__file__).resolve().parents[1] / "src" / "mieb" / "models" / "weights" / "tiny-clip-shapes"
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in ("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(bundled / name, tmp / name)
    text = json.loads((bundled / "config.json").read_text())["text_config"]
    layer = dict(hidden_size=64, intermediate_size=128, num_attention_heads=2)
    config = CLIPConfig(
        text_config={**{k: text[k] for k in ("vocab_size", "max_position_embeddings", "bos_token_id",
                                              "eos_token_id", "pad_token_id")}, **layer, "num_hidden_layers": 2},
        vision_config={"image_size": image_size, "patch_size": 8, **layer, "num_hidden_layers": 3},
        projection_dim=32,
    )
    torch.manual_seed(0)
    CLIPModel(config).save_pretrained(tmp)
    pre = json.loads((bundled / "preprocessor_config.json").read_text())
    pre.update(size={"shortest_edge": image_size}, crop_size={"height": image_size, "width": image_size})
    (tmp / "preprocessor_config.json").write_text(json.dumps(pre, indent=2))
    os.replace(tmp, folder)
    return folder
