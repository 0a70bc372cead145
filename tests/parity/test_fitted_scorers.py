"""Fitted scorers see what the reference's see (issue 11, item 1), and VOC2007 scores its whole split.

The reference's wrappers return torch tensors, which scikit-learn converts itself: its logistic regression
and k-means fit in float64; its kNN is fitted on a float32 array (np.stack of tensor rows) and predicts on
a tensor (see the multilabel kind). The probe and k-means cases are ones where a float32 fit gives other
numbers, so each fails if mieb fits in float32.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("mteb")

from datasets import ClassLabel, Dataset, Features, Image, Sequence  # noqa: E402
from e2e import Table, check_table, key_image  # noqa: E402
from helpers import solid_image, write_hub_folder  # noqa: E402

import mieb  # noqa: E402


def noisy_colours(n_classes: int, per_class: int, seed: int, noise: int) -> Dataset:
    """CIFAR-10's layout (`img`, ClassLabel `label`): one random colour per class, heavy pixel noise."""
    colours = np.random.RandomState(1234).randint(40, 216, size=(n_classes, 3))
    rows = [(c, solid_image(tuple(int(x) for x in colours[c]), size=(16, 16), noise=noise, seed=seed + 1000 * k + c))
            for k in range(per_class) for c in range(n_classes)]
    return Dataset.from_dict({"img": [{"bytes": b, "path": None} for _, b in rows], "label": [c for c, _ in rows]},
                             features=Features({"img": Image(), "label": ClassLabel(num_classes=n_classes)}))


def test_linear_probe_fits_like_the_reference(harness: Any, tmp_path: Path) -> None:
    """The tiny CLIP on noisy colours: a float32 fit predicts one test image differently in experiment 3."""
    folder = write_hub_folder(tmp_path / "cifar", {"default": {"train": noisy_colours(10, 20, 0, 60),
                                                               "test": noisy_colours(10, 10, 99999, 60)}})
    harness.compare(mieb.get_task("CIFAR10").metadata, folder)


def grid(rng: np.random.Generator, n: int, d: int, steps: int = 4) -> np.ndarray:
    """Points on a coarse grid: many exactly equal distances, which float32 and float64 break differently."""
    return rng.integers(0, steps, size=(n, d)) * 0.1


def test_clustering_fits_like_the_reference(tmp_path: Path) -> None:
    """k-means on 44 grid points in 2-d, 5 clusters: a float32 fit gives NMI 0.098, the reference 0.124."""
    rng = np.random.default_rng(5)
    n, k = int(rng.integers(12, 60)), int(rng.integers(2, 6))
    points = grid(rng, n, int(rng.integers(2, 5)))
    ds = Dataset.from_dict({"img": [key_image(i) for i in range(n)], "label": [i % k for i in range(n)]},
                           features=Features({"img": Image(), "label": ClassLabel(num_classes=k)}))
    folder = write_hub_folder(tmp_path / "clusters", {"default": {"test": ds}})
    check_table(Table(dict(enumerate(points.tolist())), {}), mieb.get_task("CIFAR10Clustering").metadata, folder)


VOC_CLASSES = 20


def voc_split(keys: range, labels: list[list[int]], *, with_label_column: bool) -> Dataset:
    """VOC2007's layout (`image`, `classes` a sequence of class labels), optionally with a `label` column."""
    data: dict[str, list[Any]] = {"image": [key_image(k) for k in keys], "classes": labels}
    features: dict[str, Any] = {"image": Image(), "classes": Sequence(ClassLabel(num_classes=VOC_CLASSES))}
    if with_label_column:
        data["label"] = [ls[0] for ls in labels]
        features["label"] = ClassLabel(num_classes=VOC_CLASSES)
    return Dataset.from_dict(data, features=Features(features))


def test_multilabel_knn_sees_what_the_reference_sees(tmp_path: Path) -> None:
    """kNN on grid points with many equal distances (neighbour ties): mieb's scores equal the reference's.
    mieb hands the kNN what the reference does (float32 training rows, the eval split as a tensor); in
    scikit-learn 1.9 a float32 array or float64 rows give the same predictions here, so this case pins
    parity, not a dtype effect."""
    rng = np.random.default_rng(0)
    n_train, n_test = 60, 40
    points = grid(rng, n_train + n_test, 16, steps=3)
    train_labels = [sorted({int(x) for x in rng.integers(0, 4, size=2)}) for _ in range(n_train)]
    test_labels = [sorted({int(x) for x in rng.integers(0, 4, size=2)}) for _ in range(n_test)]
    folder = write_hub_folder(tmp_path / "voc", {"default": {
        "train": voc_split(range(n_train), train_labels, with_label_column=False),
        "test": voc_split(range(n_train, n_train + n_test), test_labels, with_label_column=False)}})
    check_table(Table(dict(enumerate(points.tolist())), {}), mieb.get_task("VOC2007").metadata, folder)


def test_voc2007_scores_its_whole_test_split(tmp_path: Path) -> None:
    """2,400 eval rows and a `label` column to stratify on: mteb 2.26.24 still scores every row of VOC2007."""
    rng = np.random.default_rng(0)
    n_train, n_test = 80, 2400
    points = rng.normal(size=(n_train + n_test, 8))
    labels = [sorted({int(x) for x in rng.integers(0, 6, size=2)}) for _ in range(n_train + n_test)]
    folder = write_hub_folder(tmp_path / "voc-large", {"default": {
        "train": voc_split(range(n_train), labels[:n_train], with_label_column=True),
        "test": voc_split(range(n_train, n_train + n_test), labels[n_train:], with_label_column=True)}})
    check_table(Table(dict(enumerate(points.tolist())), {}), mieb.get_task("VOC2007").metadata, folder)
