"""Readable terminal tables (rich)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mieb.models.meta import ModelMeta
    from mieb.runner.run import RunReport
    from mieb.tasks.task import Task


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                justify_right: Sequence[str] = ()) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c, justify="right" if c in justify_right else "left", no_wrap=True)
    for r in rows:
        table.add_row(*("" if v is None else str(v) for v in r))
    console = Console()
    if not console.is_terminal:  # logs and pipes: never wrap cells at rich's default 80 columns
        console = Console(width=max(console.width, 240))
    console.print(table)


def fmt_score(x: float | None) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.2f}"


def print_run_summary(report: RunReport, tasks: list[Task], meta: ModelMeta, output_folder: str) -> None:
    by_name = {r.task_name: r for r in report.results}
    rows = []
    for t in tasks:
        r = by_name.get(t.name)
        if r is not None:
            score = fmt_score(r.get_score(t.metadata.eval_splits, t.hf_subsets))
            status = "reused" if t.name in report.skipped else "done"
        else:
            score, status = "", "FAILED" if t.name in report.failures else "missing"
        rows.append((t.name, t.metadata.type, t.metadata.main_score, score, status))
    print_table(f"{meta.name} ({meta.revision})", ["task", "type", "main score", "score", "status"], rows,
                justify_right=["score"])
    if report.failures:
        print(f"\n{len(report.failures)} task(s) failed:")
        by_error: dict[str, list[str]] = {}
        for name, err in report.failures.items():  # one line per distinct error (a model that cannot load: one)
            by_error.setdefault(err, []).append(name)
        for err, names in by_error.items():
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            print(f"  {shown}: {err}")
    if any(w.role != "local" for w in report.workers):  # the Ray executor's encoders and job workers
        print_table("workers", ["worker", "role", "where", "units", "busy (s)", "utilisation"],
                    [(w.name, w.role, w.where, w.units, f"{w.busy:.1f}", f"{100 * w.utilisation:.0f} %")
                     for w in report.workers], justify_right=["units", "busy (s)", "utilisation"])
    print(f"\nresults in {output_folder}/{meta.folder_name}/{meta.revision_folder}/")
