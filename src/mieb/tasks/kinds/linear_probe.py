"""ImageClassification by linear probe (docs/protocol.md section 1).

Per experiment, `samples_per_label` training images per label are drawn, a LogisticRegression
(max_iter=100, random_state=42) is fitted on their embeddings and scored on the whole eval split.
The union of the drawn training rows and the eval split are each embedded once.

Reference behaviour reproduced on purpose:
- Sampling: a fresh `np.random.RandomState(42)` per experiment shuffles the SAME index list in place,
  so experiments differ although the seed does not.
- The class defaults are 8 samples per label x 10 experiments; most tasks set 16 x 5, STL10 does not
  (quirk 2), which is why those values live in each task's settings.
- `ap` / `ap_weighted` (binary tasks only) are computed on hard predictions (quirk 5); for other tasks
  they are NaN, as the reference writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mieb.data.hub_cache import DataNeed
from mieb.tasks.kinds.base import SplitContext, TaskKind, as_wrapper_output, split_need
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    import numpy as np

    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import EmbedderView
    from mieb.tasks.task import Task


class LinearProbeSettings(KindSettings):
    """Images in `input_column`, integer labels in `label_column`; `samples_per_label` training rows per
    label are drawn from `train_split` in each of `n_experiments` experiments; `drop_train_rows` are
    training rows the reference removes (a corrupted image)."""

    kind: Literal["linear_probe"] = "linear_probe"
    input_column: str = "image"
    label_column: str = "label"
    train_split: str = "train"
    samples_per_label: int = 8
    n_experiments: int = 10
    drop_train_rows: list[int] = []


@dataclass
class ProbeData:
    train_images: ImageColumn
    train_labels: np.ndarray
    test_images: ImageColumn
    test_labels: np.ndarray


def load_labelled_images(task: Task, ctx: SplitContext, input_column: str, label_column: str,
                         drop_rows: list[int] | None = None) -> tuple[ImageColumn, np.ndarray]:
    """`ctx`'s split's image column (lazy) and its labels (read at Arrow speed, not row by row)."""
    import numpy as np

    from mieb.data.images import ImageColumn
    from mieb.data.loading import load_split, read_column, require_columns, require_labels

    split = ctx.split
    ds = load_split(task.metadata, split, ctx.config)
    require_columns(task.metadata, ds, [input_column, label_column], split)
    labels = read_column(ds, label_column)
    drop = set(drop_rows or ())
    keep = [i for i in range(len(ds)) if i not in drop] if drop else None
    require_labels(task.metadata, labels, split, label_column, rows=keep)
    if keep is not None:
        ds, labels = ds.select(keep), [labels[i] for i in keep]
    return ImageColumn(ds, input_column), np.asarray(labels)


def average_experiments(scores: list[dict[str, Any]]) -> dict[str, Any]:
    """The reference's report: the mean of each metric over experiments, and each experiment's scores."""
    from mieb.metrics.classification import mean_over_experiments

    return {**mean_over_experiments(scores), "scores_per_experiment": scores}


class LinearProbe(TaskKind[LinearProbeSettings, ProbeData]):
    name = "linear_probe"
    settings_cls = LinearProbeSettings

    def data_needs(self, task: Task, ctx: SplitContext) -> list[DataNeed]:
        return [split_need(ctx), split_need(ctx, self.settings(task).train_split)]

    def load(self, task: Task, ctx: SplitContext) -> ProbeData:
        s = self.settings(task)
        train_images, train_labels = load_labelled_images(task, SplitContext(s.train_split, ctx.subset),
                                                          s.input_column, s.label_column, s.drop_train_rows)
        test_images, test_labels = load_labelled_images(task, ctx, s.input_column, s.label_column)
        return ProbeData(train_images, train_labels, test_images, test_labels)

    def evaluate(self, task: Task, data: ProbeData, embedder: EmbedderView) -> dict[str, Any]:
        import numpy as np

        from mieb.metrics.classification import linear_probe_experiment, quiet_sklearn, undersample_indices

        s = self.settings(task)
        experiments = undersample_indices(data.train_labels, s.samples_per_label, s.n_experiments, seed=42)
        union = sorted(set().union(*(set(map(int, e)) for e in experiments)))
        pos = {row: i for i, row in enumerate(union)}
        # Tensors, as the reference's wrappers return: scikit-learn then fits in float64, as it does there.
        train_emb = as_wrapper_output(embedder.image_vectors(data.train_images.subset(union)))
        test_emb = as_wrapper_output(embedder.image_vectors(data.test_images))
        scores = []
        with quiet_sklearn():
            for rows in experiments:
                take = np.asarray([pos[int(r)] for r in rows], dtype=np.int64)
                scores.append(linear_probe_experiment(train_emb[take], data.train_labels[np.asarray(rows)],
                                                      test_emb, data.test_labels, seed=42))
        return average_experiments(scores)


KIND = LinearProbe()
