"""`mieb list tasks|benchmarks|models`: readable tables, from metadata only (no backend imported)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from mieb.cli.selection import add_task_filters, select_tasks
from mieb.tasks.task import Task


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list tasks, benchmarks or models")
    what = p.add_subparsers(dest="what", metavar="{tasks,benchmarks,models}", required=True)

    t = what.add_parser("tasks", help="list tasks (with filters)")
    add_task_filters(t)
    t.add_argument("--stats", action="store_true",
                   help="how big each task is (samples, images and texts to embed) and the selection's total")
    t.set_defaults(func=cmd_tasks)

    b = what.add_parser("benchmarks", help="list benchmarks")
    b.set_defaults(func=cmd_benchmarks)

    m = what.add_parser("models", help="list model cards")
    m.add_argument("--modality", nargs="+", choices=["image", "text"], help="models having all these modalities")
    m.add_argument("--family", nargs="+", help="model families, e.g. clip siglip")
    m.set_defaults(func=cmd_models)


def cmd_tasks(args: argparse.Namespace) -> int:
    """One row per task; `cached` says whether its data is in the local Hugging Face cache (at the pinned
    revision, checked on disk only), i.e. whether it can run with HF_HUB_OFFLINE=1."""
    from mieb.cli.tables import print_table

    tasks = select_tasks(args, default_all=True)
    if args.stats:
        sizes = [task_size(t) for t in tasks]
        rows: list[tuple[str, ...]] = [
            (t.name, t.metadata.type, ",".join(t.metadata.eval_splits), *size.cells(), t.cache_status())
            for t, size in zip(tasks, sizes, strict=True)]
        rows.append(("total", "", "", *sum(sizes, TaskSize()).cells(), ""))
        columns = ["name", "type", "splits", "samples", "images", "texts", "cached"]
        print_table(f"{len(tasks)} tasks", columns, rows, justify_right=["samples", "images", "texts"])
        print("images and texts: inputs to embed on the eval splits, plus at most labels x samples per label x "
              "experiments training images for linear probes; ? = not known from the reference's statistics")
        return 0
    rows = []
    for t in tasks:
        md = t.metadata
        subsets = "" if t.hf_subsets == ["default"] else f"{len(t.hf_subsets)} subsets"
        rows.append((md.name, md.type, md.category, ",".join(md.eval_splits), subsets, md.main_score,
                     md.dataset.path, t.cache_status()))
    print_table(f"{len(rows)} tasks", ["name", "type", "category", "splits", "subsets", "main score", "dataset",
                                       "cached"], rows)
    return 0


@dataclass
class TaskSize:
    """Inputs of a run, summed over eval splits; None where the reference's statistics do not say."""

    samples: int | None = 0
    images: int | None = 0
    texts: int | None = 0
    partial: bool = False  # a subset selection of a multilingual task: the numbers are for all subsets

    def __add__(self, other: TaskSize) -> TaskSize:
        def add(a: int | None, b: int | None) -> int | None:
            return None if a is None or b is None else a + b

        return TaskSize(add(self.samples, other.samples), add(self.images, other.images),
                        add(self.texts, other.texts), self.partial or other.partial)

    def cells(self) -> tuple[str, str, str]:
        mark = "<=" if self.partial else ""
        samples, images, texts = (f"{mark}{v:,}" if v is not None else "?"
                                  for v in (self.samples, self.images, self.texts))
        return samples, images, texts


def task_size(task: Task) -> TaskSize:
    """What running `task` embeds, from its metadata's statistics (no data is read)."""
    from mieb.tasks.kinds.linear_probe import LinearProbeSettings
    from mieb.tasks.kinds.multilabel import MultilabelSettings

    meta = task.metadata
    stats = meta.stats or {}
    size = TaskSize(partial=task.hf_subsets != meta.hf_subsets)
    for split in meta.eval_splits:
        s = stats.get(split)
        size += TaskSize(None, None, None) if s is None else TaskSize(s.n_samples, s.n_images, s.n_texts)
    settings = meta.settings
    if isinstance(settings, LinearProbeSettings | MultilabelSettings):  # the sampled training images
        train, test = stats.get(settings.train_split), stats.get(meta.eval_splits[0])
        if train is not None and test is not None and test.n_labels:
            sampled = min(train.n_samples, test.n_labels * settings.samples_per_label * settings.n_experiments)
            size += TaskSize(0, sampled, 0)
    return size


def cmd_benchmarks(args: argparse.Namespace) -> int:
    from mieb.benchmarks import get_benchmarks
    from mieb.cli.tables import print_table

    rows = [(b.name, len(b.task_names), b.description.split(". ")[0]) for b in get_benchmarks()]
    print_table(None, ["benchmark", "tasks", "description"], rows, justify_right=["tasks"])
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from mieb.cli.tables import print_table
    from mieb.models.registry import get_model_metas

    metas = get_model_metas(families=args.family, modalities=args.modality)
    rows = []
    for m in metas:
        params = f"{m.n_parameters / 1e6:.0f}M" if m.n_parameters else ""
        rows.append((m.name, m.family, (m.revision or "")[:12], params, m.embed_dim or "", ",".join(m.modalities),
                     m.license or ""))
    print_table(f"{len(rows)} models", ["name", "family", "revision", "params", "dim", "modalities", "license"],
                rows, justify_right=["params", "dim"])
    return 0
