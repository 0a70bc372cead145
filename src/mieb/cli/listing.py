"""`mieb list tasks|benchmarks|models`: readable tables, from metadata only (no backend imported)."""

from __future__ import annotations

import argparse

from mieb.cli.selection import add_task_filters, select_tasks


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list tasks, benchmarks or models")
    what = p.add_subparsers(dest="what", metavar="{tasks,benchmarks,models}", required=True)

    t = what.add_parser("tasks", help="list tasks (with filters)")
    add_task_filters(t)
    t.set_defaults(func=cmd_tasks)

    b = what.add_parser("benchmarks", help="list benchmarks")
    b.set_defaults(func=cmd_benchmarks)

    m = what.add_parser("models", help="list model cards")
    m.add_argument("--modality", nargs="+", choices=["image", "text"], help="models having all these modalities")
    m.add_argument("--family", nargs="+", help="model families, e.g. clip siglip")
    m.set_defaults(func=cmd_models)


def cmd_tasks(args: argparse.Namespace) -> int:
    from mieb.cli.tables import print_table

    tasks = select_tasks(args, default_all=True)
    rows = []
    for t in tasks:
        md = t.metadata
        subsets = "" if t.hf_subsets == ["default"] else f"{len(t.hf_subsets)} subsets"
        rows.append((md.name, md.type, md.category, ",".join(md.eval_splits), subsets, md.main_score,
                     md.dataset.path))
    print_table(f"{len(rows)} tasks", ["name", "type", "category", "splits", "subsets", "main score", "dataset"],
                rows)
    return 0


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
