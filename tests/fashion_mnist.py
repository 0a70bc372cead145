"""Fashion-MNIST (Debian's `dataset-fashion-mnist`, MIT) written as local datasets in MIEB tasks' layouts.

Real photographs of clothing, 28 x 28 greyscale, 10 classes, read from the package's idx files. The first
`n` images of each split are taken (the files are already shuffled). Two layouts:
- `write_classification`: MNIST's (and ImageNetDog15Clustering's): config "default", splits train and
  test, an `image` Image column and a ClassLabel `label`.
- `write_i2i_retrieval`: CUB200I2IRetrieval's (M-BEIR style): configs corpus / queries / qrels, split test;
  the corpus is the test images, the queries the first `n_queries` of them (so each query is also in the
  corpus, as in CUB200), every corpus image of the query's class relevant.
"""

from __future__ import annotations

import gzip
import io
import struct
from pathlib import Path

import numpy as np
from datasets import ClassLabel, Dataset, Features, Image, Value
from helpers import write_hub_folder

FOLDER = Path("/usr/share/datasets/fashion-mnist")
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot"]
_FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
          "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}


def available() -> bool:
    return all((FOLDER / f).is_file() for pair in _FILES.values() for f in pair)


def read_split(split: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (n, 28, 28), labels int64 (n,)) from the idx files (big-endian headers: magic, counts,
    then rows of bytes)."""
    images_file, labels_file = _FILES[split]
    with gzip.open(FOLDER / images_file) as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 2051 and n <= count, (magic, count)
        images = np.frombuffer(f.read(n * rows * cols), dtype=np.uint8).reshape(n, rows, cols)
    with gzip.open(FOLDER / labels_file) as f:
        magic, count = struct.unpack(">II", f.read(8))
        assert magic == 2049 and n <= count, (magic, count)
        labels = np.frombuffer(f.read(n), dtype=np.uint8).astype(np.int64)
    return images, labels


def _png(arr: np.ndarray) -> dict[str, bytes | None]:
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.fromarray(arr, mode="L").save(buf, format="PNG")
    return {"bytes": buf.getvalue(), "path": None}


def write_classification(folder: Path, n_train: int, n_test: int) -> Path:
    features = Features({"image": Image(), "label": ClassLabel(names=CLASSES)})
    splits = {}
    for split, n in (("train", n_train), ("test", n_test)):
        images, labels = read_split(split, n)
        splits[split] = Dataset.from_dict({"image": [_png(a) for a in images], "label": labels.tolist()},
                                          features=features)
    return write_hub_folder(folder, {"default": splits})


def write_i2i_retrieval(folder: Path, n_corpus: int, n_queries: int) -> Path:
    images, labels = read_split("test", n_corpus)
    side = Features({"id": Value("string"), "modality": Value("string"), "text": Value("string"), "image": Image()})
    rows = [{"id": f"img{k}", "modality": "image", "text": None, "image": _png(a)} for k, a in enumerate(images)]
    corpus = Dataset.from_list(rows, features=side)
    queries = Dataset.from_list(rows[:n_queries], features=side)
    judged = [{"query-id": f"img{q}", "corpus-id": f"img{d}", "score": 1}
              for q in range(n_queries) for d in range(n_corpus) if labels[d] == labels[q]]
    qrels = Dataset.from_list(judged, features=Features({"query-id": Value("string"), "corpus-id": Value("string"),
                                                          "score": Value("int64")}))
    return write_hub_folder(folder, {"corpus": {"test": corpus}, "queries": {"test": queries},
                                     "qrels": {"test": qrels}})
