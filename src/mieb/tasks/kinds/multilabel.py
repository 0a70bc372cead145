"""Multilabel image classification (VOC2007; PROTOCOL.md section 2), as the reference runs it today.

Reference behaviour reproduced on purpose (quirk 1): the task names a MultiOutput logistic regression,
but the v2 abstask reads another attribute, so a kNN classifier (k=5) is what actually runs, and LRAP
is computed from its hard 0/1 predictions. The label binarizer is fitted on the eval split's labels.
Sampling: one `np.random.default_rng(42)` shuffles a fresh index list per experiment; a row is taken
while ANY of its labels has fewer than `samples_per_label`. The whole eval split is scored: mteb 2.26.24
gives VOC2007 no row cap (its 3,000-row stratified cap belongs to the separate "VOC2007.v2" task).

What the kNN sees, as in the reference: the training rows stacked by `np.stack` from the wrapper's tensor
rows (a float32 array), the eval split as the wrapper's tensor (which the kNN keeps in float32).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mieb.tasks.kinds.base import TaskKind, as_wrapper_output, single_vectors
from mieb.tasks.kinds.linear_probe import average_experiments
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import Embedder
    from mieb.tasks.task import Task


class MultilabelSettings(KindSettings):
    kind: Literal["multilabel"] = "multilabel"
    input_column: str = "image"
    label_column: str = "classes"
    train_split: str = "train"
    samples_per_label: int = 8
    n_experiments: int = 5


@dataclass
class MultilabelData:
    train_images: ImageColumn
    train_labels: list[list[Any]]
    test_images: ImageColumn
    test_labels: list[list[Any]]


class Multilabel(TaskKind):
    name = "multilabel"
    settings_cls = MultilabelSettings

    def load(self, task: Task, split: str, subset: str) -> MultilabelData:
        from mieb.data.images import ImageColumn
        from mieb.data.loading import load_split, read_column, require_columns, require_labels

        s: MultilabelSettings = task.metadata.settings  # type: ignore[assignment]
        config = None if subset == "default" else subset
        train = load_split(task.metadata, s.train_split, config)
        test = load_split(task.metadata, split, config)
        labels = []
        for name, ds in ((s.train_split, train), (split, test)):
            require_columns(task.metadata, ds, [s.input_column, s.label_column], name)
            labels.append(read_column(ds, s.label_column))
            require_labels(task.metadata, labels[-1], name, s.label_column)
        return MultilabelData(ImageColumn(train, s.input_column), labels[0], ImageColumn(test, s.input_column),
                              labels[1])

    def evaluate(self, task: Task, data: MultilabelData, embedder: Embedder) -> dict[str, Any]:
        import warnings

        import numpy as np
        from sklearn.preprocessing import MultiLabelBinarizer

        from mieb.metrics.classification import (
            multilabel_knn_experiment,
            multilabel_undersample_indices,
            quiet_sklearn,
        )

        s: MultilabelSettings = task.metadata.settings  # type: ignore[assignment]
        rng = np.random.default_rng(42)
        experiments = multilabel_undersample_indices(data.train_labels, s.samples_per_label, s.n_experiments, rng)
        union = sorted(set().union(*(set(map(int, e)) for e in experiments)))
        pos = {row: i for i, row in enumerate(union)}
        # a float32 array, as the reference's np.stack of its tensor rows; the eval split as its tensor
        train_emb = single_vectors(embedder.images(data.train_images.subset(union)), task, embedder)
        test_emb = as_wrapper_output(single_vectors(embedder.images(data.test_images), task, embedder))
        binarizer = MultiLabelBinarizer()
        y_test = binarizer.fit_transform(data.test_labels)
        scores = []
        for rows in experiments:
            rows = [int(r) for r in rows]
            with warnings.catch_warnings():  # labels absent from the test split are ignored, as in the reference
                warnings.simplefilter("ignore", UserWarning)
                y_train = binarizer.transform([data.train_labels[r] for r in rows])
            with quiet_sklearn():
                scores.append(multilabel_knn_experiment(train_emb[[pos[r] for r in rows]], y_train, test_emb, y_test))
        return average_experiments(scores)


KIND = Multilabel()
