"""ZeroShotClassification (docs/protocol.md section 4): images against one text prompt per class.

Reference behaviour reproduced on purpose (quirks):
- Class names read from a label file keep their trailing newline inside the prompt ("a photo of tench\\n."),
  because the reference reads them with `readlines()` (quirk 3).
- The scoring path depends on the ORDER of `metadata.modalities` (quirk 4): ["image", "text"] scores with
  softmax(100 * cosine); any other order with the model's own similarity. The argmax is the same for
  cosine models, but the binary `ap` values differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from pydantic import model_validator

from mieb.data.hub_cache import DataNeed
from mieb.tasks.kinds.base import SplitContext, TaskKind, split_need
from mieb.tasks.metadata import KindSettings

if TYPE_CHECKING:
    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import EmbedderView
    from mieb.tasks.task import Task


class ZeroShotSettings(KindSettings):
    """Prompts come from `candidates` (fixed strings), or `template` with "{name}" filled by `class_names`,
    by the lines of `class_names_file` (packaged under mieb/tasks/catalog/labels/), or by the label
    column's ClassLabel names (`name_transform="sun397"` turns "/c/church/outdoor" into "church outdoor").
    `input_column` / `label_column` are the dataset's image and label columns; string labels are matched
    against the prompts."""

    kind: Literal["zeroshot"] = "zeroshot"
    input_column: str = "image"
    label_column: str = "label"
    template: str | None = None
    class_names: list[str] | None = None
    class_names_file: str | None = None
    candidates: list[str] | None = None
    name_transform: Literal["sun397"] | None = None

    @model_validator(mode="after")
    def _one_prompt_source(self) -> ZeroShotSettings:
        if self.candidates is not None:
            if self.template or self.class_names or self.class_names_file:
                raise ValueError("give either fixed candidates or a template with class names, not both")
        elif self.template is None or "{name}" not in self.template:
            raise ValueError("a template containing '{name}' is required unless candidates are given")
        if self.class_names is not None and self.class_names_file is not None:
            raise ValueError("give class_names or class_names_file, not both")
        return self


@dataclass
class ZeroShotData:
    images: ImageColumn
    labels: list[int]
    prompts: list[str]


def read_label_file(name: str) -> list[str]:
    """Lines of a packaged label file, trailing newlines kept (reference quirk 3)."""
    text = (resources.files("mieb.tasks.catalog") / "labels" / name).read_text(encoding="utf-8")
    return text.splitlines(keepends=True)


def _transform(name: str, how: str | None) -> str:
    if how == "sun397":  # "/c/church/outdoor" -> "church outdoor"
        return " ".join(name.split("/")[2:]).replace("_", " ")
    return name


class ZeroShot(TaskKind[ZeroShotSettings, ZeroShotData]):
    name = "zeroshot"
    settings_cls = ZeroShotSettings

    def prompts(self, task: Task, class_label_names: list[str] | None) -> list[str]:
        s = self.settings(task)
        if s.candidates is not None:
            return list(s.candidates)
        if s.class_names is not None:
            names = s.class_names
        elif s.class_names_file is not None:
            names = read_label_file(s.class_names_file)
        elif class_label_names is not None:
            names = class_label_names
        else:
            from mieb.errors import TaskDataError

            raise TaskDataError(task.name, "label column is not a ClassLabel and no class names are given",
                                column=s.label_column)
        assert s.template is not None
        return [s.template.replace("{name}", _transform(n, s.name_transform)) for n in names]

    def data_needs(self, task: Task, ctx: SplitContext) -> list[DataNeed]:
        return [split_need(ctx)]

    def load(self, task: Task, ctx: SplitContext) -> ZeroShotData:
        from datasets import ClassLabel

        from mieb.data.images import ImageColumn
        from mieb.data.loading import load_split, read_column, require_columns, require_labels
        from mieb.errors import TaskDataError

        s = self.settings(task)
        split = ctx.split
        ds = load_split(task.metadata, split, ctx.config)
        require_columns(task.metadata, ds, [s.input_column, s.label_column], split)
        feature = ds.features[s.label_column]
        prompts = self.prompts(task, feature.names if isinstance(feature, ClassLabel) else None)
        raw = read_column(ds, s.label_column)
        require_labels(task.metadata, raw, split, s.label_column)
        if raw and isinstance(raw[0], str):
            index = {p: i for i, p in enumerate(prompts)}
            unknown = sorted(set(raw) - index.keys(), key=str)
            if unknown:
                raise TaskDataError(task.name, f"labels {unknown[:5]} match no candidate", split=split,
                                    column=s.label_column)
            labels = [index[x] for x in raw]
        else:
            labels = [int(x) for x in raw]
        bad = [i for i, y in enumerate(labels) if not 0 <= y < len(prompts)]
        if bad:
            raise TaskDataError(task.name, f"label {labels[bad[0]]} outside the {len(prompts)} classes",
                                split=split, column=s.label_column, row=bad[0])
        return ZeroShotData(ImageColumn(ds, s.input_column), labels, prompts)

    def evaluate(self, task: Task, data: ZeroShotData, embedder: EmbedderView) -> dict[str, Any]:
        import numpy as np

        from mieb.metrics.classification import quiet_sklearn
        from mieb.metrics.zeroshot import zeroshot_probs, zeroshot_scores

        label_emb = embedder.texts(data.prompts)
        image_emb = embedder.images(data.images)
        if task.metadata.modalities == ["image", "text"]:
            probs = zeroshot_probs(embedder.dense(image_emb), embedder.dense(label_emb), mode="softmax100")
        else:  # the model's own similarity (MaxSim for multi-vector models)
            probs = embedder.similarity(image_emb, label_emb)
        with quiet_sklearn():
            return zeroshot_scores(np.asarray(data.labels), np.asarray(probs))


KIND = ZeroShot()
