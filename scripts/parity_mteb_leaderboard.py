"""Check mieb's leaderboard aggregation against the reference's own table code, on the published scores.

Builds the reference's `BenchmarkResults` from the published scores, runs its leaderboard path
(`_to_results_df(bench.tasks)` then `bench._create_summary_table`), runs
`mieb.leaderboard.aggregation.compute_leaderboard` on the same scores, and prints the largest
differences in per-type means, Mean (TaskType), Rank and Borda rank per MIEB benchmark.

Run with an interpreter that has mteb (and polars) installed, kept out of mieb's environment:

    /work/venv-mteb/bin/python scripts/parity_mteb_leaderboard.py

`--mieb-tasks` takes the task lists from mieb's registry instead of mteb's (checks mieb's catalog too).
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np
from mteb import get_benchmark
from mteb.results import BenchmarkResults, ModelResult, TaskResult

from mieb.leaderboard.aggregation import TaskSpec, benchmark_tasks, compute_leaderboard
from mieb.leaderboard.scores import ScoreSet

BENCHMARKS = ("MIEB(Multilingual)", "MIEB(eng)", "MIEB(lite)", "MIEB(Img)")


def reference_results(published: ScoreSet) -> BenchmarkResults:
    by_model: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for r in published.rows:
        by_model[r.model][r.task][r.split].append({"hf_subset": r.subset, "main_score": r.score, "languages": []})
    model_results = []
    for key, tasks in by_model.items():
        entry = published.model(key)
        trs = [TaskResult.from_validated(task_name=t, dataset_revision="", mteb_version="1.14.15",
                                         scores=dict(splits), evaluation_time=None, kg_co2_emissions=None)
               for t, splits in tasks.items()]
        model_results.append(ModelResult.model_construct(model_name=entry.name, model_revision=entry.revision,
                                                         task_results=trs))
    return BenchmarkResults.model_construct(model_results=model_results)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mieb-tasks", action="store_true", help="task lists from mieb's registry")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    published = ScoreSet.published()
    labels = {m.key: m.name for m in published.models}
    results = reference_results(published)
    worst = 0.0
    for name in BENCHMARKS:
        bench = get_benchmark(name)
        ref = bench._create_summary_table(results._to_results_df(bench.tasks)).df.to_pandas().set_index("Model")
        if args.mieb_tasks:
            specs = benchmark_tasks(name)
        else:
            specs = [TaskSpec(t.metadata.name, t.metadata.type, tuple(t.eval_splits), tuple(t.hf_subsets))
                     for t in bench.tasks]
        lb = compute_leaderboard(published.rows, specs, name, labels)
        diffs: dict[str, float] = defaultdict(float)
        mismatched_rows = []
        # The reference drops rows whose model is not in its registry (renamed models) after ranking by
        # Borda, before numbering `Rank`; mieb keeps them, so `Rank` is compared among shared rows.
        shared = [i for i, key in enumerate(lb.models) if labels[key] in ref.index]
        for position, i in enumerate(shared, start=1):
            key = lb.models[i]
            row = ref.loc[labels[key]]
            for k, t in enumerate(lb.type_names):
                diffs[t] = max(diffs[t], _diff(lb.type_means[i, k], row[t]))
            diffs["Mean (TaskType)"] = max(diffs["Mean (TaskType)"], _diff(lb.mean_task_type[i], row["Mean (TaskType)"]))
            # Rows with a null Mean (TaskType) come last in an order the reference leaves undefined.
            rank_differs = not np.isnan(lb.mean_task_type[i]) and int(row["Rank"]) != position
            if int(row["Rank (Borda)"]) != lb.borda_rank[i] or rank_differs:
                mismatched_rows.append((labels[key], int(row["Rank"]), position, int(row["Rank (Borda)"]),
                                        lb.borda_rank[i]))
        extra = set(ref.index) ^ {labels[k] for k in lb.models}
        print(f"{name}: {len(lb.models)} models (reference {len(ref)}), {len(lb.tasks)} task columns; "
              f"max |diff| per column: " + ", ".join(f"{k}={v:.2e}" for k, v in diffs.items()))
        if extra:
            print(f"  models in only one table (the reference drops models its registry lacks): {sorted(extra)}")
        for m in mismatched_rows:
            print(f"  rank differs: {m[0]}: Rank {m[1]} vs mieb {m[2]}; Borda {m[3]} vs mieb {m[4]}")
        worst = max([worst, *diffs.values()])
    print(f"largest difference: {worst:.2e}")
    return 0 if worst < 1e-9 else 1


def _diff(a: float, b: float | None) -> float:
    b = math.nan if b is None else float(b)
    if np.isnan(a) and np.isnan(b):
        return 0.0
    if np.isnan(a) or np.isnan(b):
        return math.inf
    return abs(a - b)


if __name__ == "__main__":
    raise SystemExit(main())
