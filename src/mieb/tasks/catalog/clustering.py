"""ImageClustering: MiniBatchKMeans over all image embeddings of a split, scored by NMI (5 tasks)."""

from __future__ import annotations

from mieb.tasks.catalog._common import Source, image_split, task
from mieb.tasks.catalog._image_datasets import SOURCES as ds
from mieb.tasks.kinds.clustering import ClusteringSettings
from mieb.tasks.metadata import TaskMetadata


def _clustering(name: str, description: str, source: Source, *, n: int, labels: int, split: str = "test",
                category: str = "i2c", input_column: str = "image", label_column: str = "label") -> TaskMetadata:
    return task(name, description, source, type="ImageClustering", category=category, modalities=["image"],
                main_score="nmi", eval_splits=[split], stats={split: image_split(n, labels)},
                settings=ClusteringSettings(input_column=input_column, label_column=label_column))


TASKS: list[TaskMetadata] = [
    _clustering("CIFAR10Clustering", "Cluster CIFAR-10 test images into their 10 classes.", ds.CIFAR10,
                input_column="img", n=10000, labels=10),
    # CIFAR100Clustering and ImageNet10Clustering are labelled i2t in the reference; kept for parity.
    _clustering("CIFAR100Clustering", "Cluster CIFAR-100 test images into their 100 fine classes.", ds.CIFAR100,
                category="i2t", input_column="img", label_column="fine_label", n=10000, labels=100),
    _clustering("ImageNetDog15Clustering", "Cluster ImageNet photos of 15 dog breeds.", ds.IMAGENET_DOG15,
                n=1076, labels=15),
    _clustering("ImageNet10Clustering", "Cluster ImageNet photos of 10 well-separated classes.", ds.IMAGENET10,
                category="i2t", n=13000, labels=10),
    _clustering("TinyImageNetClustering", "Cluster the Tiny ImageNet validation set into its 200 classes.",
                ds.TINY_IMAGENET, split="valid", n=10000, labels=200),
]
