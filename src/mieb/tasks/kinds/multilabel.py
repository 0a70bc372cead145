"""Multilabel image classification (VOC2007; docs/protocol.md section 2), as the reference runs it today.

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

from mieb.data.hub_cache import DataNeed
from mieb.tasks.kinds.base import SplitContext, TaskKind, as_wrapper_output, split_need
from mieb.tasks.kinds.linear_probe import average_experiments
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import EmbedderView
    from mieb.tasks.task import Task


class MultilabelSettings(KindSettings):
    """Images in `input_column`, label lists in `label_column`; `samples_per_label` x `n_experiments`
    sampling from `train_split`; the whole eval split is scored, as mteb 2.26.24 scores VOC2007 (quirk 1:
    a kNN classifier runs)."""

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


class Multilabel(TaskKind[MultilabelSettings, MultilabelData]):
    name = "multilabel"
    settings_cls = MultilabelSettings

    def data_needs(self, task: Task, ctx: SplitContext) -> list[DataNeed]:
        return [split_need(ctx), split_need(ctx, self.settings(task).train_split)]

    def load(self, task: Task, ctx: SplitContext) -> MultilabelData:
        from mieb.data.images import ImageColumn
        from mieb.data.loading import load_split, read_column, require_columns, require_labels

        s = self.settings(task)
        split, config = ctx.split, ctx.config
        train = load_split(task.metadata, s.train_split, config)
        test = load_split(task.metadata, split, config)
        labels = []
        for name, ds in ((s.train_split, train), (split, test)):
            require_columns(task.metadata, ds, [s.input_column, s.label_column], name)
            labels.append(read_column(ds, s.label_column))
            require_labels(task.metadata, labels[-1], name, s.label_column)
        return MultilabelData(ImageColumn(train, s.input_column), labels[0], ImageColumn(test, s.input_column),
                              labels[1])

    def evaluate(self, task: Task, data: MultilabelData, embedder: EmbedderView) -> dict[str, Any]:
        import warnings

        import numpy as np
        from sklearn.preprocessing import MultiLabelBinarizer

        from mieb.metrics.classification import (
            multilabel_knn_experiment,
            multilabel_undersample_indices,
            quiet_sklearn,
        )

        s = self.settings(task)
        rng = np.random.default_rng(42)
        experiments = multilabel_undersample_indices(data.train_labels, s.samples_per_label, s.n_experiments, rng)
        union = sorted(set().union(*(set(map(int, e)) for e in experiments)))
        pos = {row: i for i, row in enumerate(union)}
        # a float32 array, as the reference's np.stack of its tensor rows; the eval split as its tensor
        train_emb = embedder.image_vectors(data.train_images.subset(union))
        test_emb = as_wrapper_output(embedder.image_vectors(data.test_images))
        binarizer = MultiLabelBinarizer()
        y_test = binarizer.fit_transform(data.test_labels)
        scores = []
        for experiment in experiments:
            rows = [int(r) for r in experiment]
            with warnings.catch_warnings():  # labels absent from the test split are ignored, as in the reference
                warnings.simplefilter("ignore", UserWarning)
                y_train = binarizer.transform([data.train_labels[r] for r in rows])
            with quiet_sklearn():
                scores.append(multilabel_knn_experiment(train_emb[[pos[r] for r in rows]], y_train, test_emb, y_test))
        return average_experiments(scores)


KIND = Multilabel()
