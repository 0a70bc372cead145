"""Leaderboard tables as rows of cells, and as CSV, Markdown or JSON text (scores shown x100)."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any, Literal

import numpy as np

from mieb.leaderboard import VIEWS
from mieb.leaderboard.uncertainty import N_BOOT, PairTest
from mieb.leaderboard.view import BenchmarkView

View = Literal["types", "categories", "tasks"]
__all__ = ["DIGITS", "VIEWS", "View", "fmt", "pairs_table", "shown", "table", "to_csv", "to_json", "to_markdown"]


DIGITS = 2  # decimals shown for scores x100, everywhere (CLI tables, CSV, Markdown, the web page)


def pct(x: float | None) -> float | None:
    """A score on the 0-100 scale, or None for null."""
    return None if x is None or not math.isfinite(x) else 100 * float(x)


def shown(x: float | None, digits: int = DIGITS) -> float | None:
    """The score x100 rounded once, from the unrounded value, to what is displayed (None for null).

    `round` and `fmt`'s format both round the exact binary value correctly, so `f"{shown(x):.2f}"`,
    `fmt(x)` and JavaScript's `shown(x).toFixed(2)` on the web page print the same digits.
    """
    v = pct(x)
    return None if v is None else round(v, digits)


def fmt(x: float | None, digits: int = DIGITS) -> str:
    v = pct(x)
    return "" if v is None else f"{v:.{digits}f}"


def fmt_ci(ci: np.ndarray) -> str:
    return "" if np.isnan(ci).any() else f"{fmt(ci[0])}-{fmt(ci[1])}"


def fmt_params(n: int | None) -> str:
    if not n:
        return ""
    return f"{n / 1e9:.1f}B" if n >= 1e9 else f"{n / 1e6:.0f}M"


def table(view: BenchmarkView, kind: View = "types", top: int | None = None) -> tuple[list[str], list[list[str]]]:
    """(columns, rows) of formatted cells, in rank order; blank = null."""
    lb = view.lb
    n = len(lb.models) if top is None else min(top, len(lb.models))
    head = ["Rank", "Model", "Params"]
    if kind == "types":
        columns = head + ["Mean (TaskType)", "95% CI", *lb.type_names, "Rank (Borda)"]
    elif kind == "categories":
        columns = head + ["Mean (Category)", *lb.category_names, "Mean (TaskType)", "Rank (Borda)"]
    else:
        columns = head + [t.name for t in lb.tasks]
    rows = []
    for i in range(n):
        entry = view.scores.model(lb.models[i])
        cells = [str(lb.rank[i]), view.labels[lb.models[i]], fmt_params(entry.n_parameters)]
        if kind == "types":
            cells += [fmt(lb.mean_task_type[i]), fmt_ci(view.ci[i]), *(fmt(v) for v in lb.type_means[i]),
                      str(lb.borda_rank[i])]
        elif kind == "categories":
            cells += [fmt(lb.mean_category[i]), *(fmt(v) for v in lb.category_means[i]),
                      fmt(lb.mean_task_type[i]), str(lb.borda_rank[i])]
        else:
            cells += [fmt(v) for v in lb.task_scores[i]]
        rows.append(cells)
    return columns, rows


def shown_pairs(view: BenchmarkView, top: int | None = None) -> list[PairTest]:
    """Pairs among the first `top` rows (p-values stay corrected for every pair tested)."""
    limit = len(view.lb.models) if top is None else top
    return [p for p in view.pairs if p.a < limit and p.b < limit]


def pairs_table(view: BenchmarkView, top: int | None = None) -> tuple[list[str], list[list[str]]]:
    columns = ["Model A", "Model B", "A - B", "95% CI", "p (Holm)", "significant"]
    rows = []
    for p in shown_pairs(view, top):
        rows.append([view.labels[view.lb.models[p.a]], view.labels[view.lb.models[p.b]], fmt(p.diff),
                     f"{fmt(p.ci_low)} to {fmt(p.ci_high)}", f"{p.p_holm:.3g}",
                     "yes" if p.significant() else "no"])
    return columns, rows


def to_csv(columns: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue()


def to_markdown(columns: list[str], rows: list[list[str]]) -> str:
    def esc(s: str) -> str:
        return s.replace("|", "\\|")

    numeric = [c not in ("Model", "Model A", "Model B", "significant") for c in columns]
    lines = ["| " + " | ".join(esc(c) for c in columns) + " |",
             "|" + "|".join("---:" if num else "---" for num in numeric) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def to_json(view: BenchmarkView, top: int | None = None, with_pairs: bool = False) -> str:
    """Everything in one document; scores x100, null where the reference shows none."""
    lb = view.lb
    n = len(lb.models) if top is None else min(top, len(lb.models))
    models = []
    for i in range(n):
        entry = view.scores.model(lb.models[i])
        models.append({
            "rank": int(lb.rank[i]),
            "model": entry.name,
            "revision": entry.revision,
            "source": entry.source,
            "label": view.labels[lb.models[i]],
            "n_parameters": entry.n_parameters,
            "modalities": list(entry.modalities),
            "mean_task_type": pct(lb.mean_task_type[i]),
            "mean_task_type_ci95": _ci_json(view.ci[i]),
            "task_types": {t: pct(v) for t, v in zip(lb.type_names, lb.type_means[i], strict=True)},
            "task_types_ci95": {t: _ci_json(c) for t, c in zip(lb.type_names, view.type_ci[i], strict=True)},
            "categories": {c: pct(v) for c, v in zip(lb.category_names, lb.category_means[i], strict=True)},
            "mean_category": pct(lb.mean_category[i]),
            "rank_borda": int(lb.borda_rank[i]),
            "borda_points": float(lb.borda_points[i]),
            "tasks": {t.name: pct(v) for t, v in zip(lb.tasks, lb.task_scores[i], strict=True)},
        })
    doc: dict[str, Any] = {
        "benchmark": lb.benchmark,
        "scale": "scores x100",
        "tasks_in_benchmark": lb.n_benchmark_tasks,
        "tasks_with_results": len(lb.tasks),
        "bootstrap": {"replicates": N_BOOT, "resampling": "tasks within each task type", "level": 0.95},
        "models": models,
    }
    if with_pairs:
        doc["pairwise"] = [
            {"a": view.labels[lb.models[p.a]], "b": view.labels[lb.models[p.b]], "diff": pct(p.diff),
             "ci95": [pct(p.ci_low), pct(p.ci_high)], "p": p.p, "p_holm": p.p_holm, "significant": p.significant()}
            for p in shown_pairs(view, top)
        ]
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _ci_json(ci: np.ndarray) -> list[float] | None:
    return None if np.isnan(ci).any() else [100 * float(ci[0]), 100 * float(ci[1])]
