"""`mieb compare RESULTS_DIR --reference MODEL`: a run's scores against the published ones, task by task.

Exit status: 0 when every task compared is within the tolerance, 1 when any is beyond it or when no
task could be compared at all (so CI can gate on reproduction), 2 for usage errors. Tasks missing on
one side are listed but do not fail as long as some task is compared: a partial run is a normal thing
to check.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mieb.leaderboard.compare import TaskComparison
    from mieb.leaderboard.scores import ScoreSet

FORMATS = ("table", "csv", "markdown", "json")


def add_parser(sub: argparse._SubParsersAction) -> None:
    from mieb.leaderboard import DEFAULT_TOLERANCE

    p = sub.add_parser(
        "compare", help="compare a run with the published scores of the same model",
        description="Per-task differences (x100) between the results in RESULTS_DIR and a reference: the "
                    "published scores of a model (shipped with mieb) or another results folder. Each task is "
                    "compared on the splits and subsets the reference scored. Exit status 1 when any task "
                    "differs by more than the tolerance.")
    p.add_argument("results", metavar="RESULTS_DIR", help="results folder of the run (mieb or reference format)")
    p.add_argument("--reference", metavar="MODEL|PATH",
                   help="published model name, or a results folder (default: the run's model name)")
    p.add_argument("--model", help="which model of RESULTS_DIR, when it holds several")
    p.add_argument("-b", "--benchmark", help="only this benchmark's tasks")
    p.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE,
                   help=f"flag gaps larger than this, in points x100 (default {DEFAULT_TOLERANCE})")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_compare)


def _pick(scores: ScoreSet, name: str | None, what: str) -> str:
    from mieb.errors import UsageError

    keys = [m.key for m in scores.models if name is None or m.name == name]
    if len(keys) == 1:
        return keys[0]
    found = sorted({m.name for m in scores.models})
    if not keys:
        raise UsageError(f"no results for model {name!r} in {what}; it has: {', '.join(found) or 'nothing'}")
    if name is None:
        raise UsageError(f"{what} holds several models ({', '.join(found)}): choose one with --model")
    return keys[0]  # several revisions of one model: the first, as listed


def cmd_compare(args: argparse.Namespace) -> int:
    from pathlib import Path

    import numpy as np

    from mieb.cli import EXIT_FAILED, EXIT_OK
    from mieb.errors import UsageError
    from mieb.leaderboard.aggregation import benchmark_tasks
    from mieb.leaderboard.compare import BEYOND, OK, compare
    from mieb.leaderboard.scores import PUBLISHED, ScoreSet

    tasks = benchmark_tasks(args.benchmark) if args.benchmark else None
    names = [t.name for t in tasks] if tasks is not None else None
    try:
        local = ScoreSet.from_folder(args.results, tasks=names)
    except FileNotFoundError as e:
        raise UsageError(str(e)) from None
    ref_is_path = bool(args.reference) and Path(args.reference).exists()
    wanted = args.model
    if wanted is None and args.reference and not ref_is_path and any(m.name == args.reference for m in local.models):
        wanted = args.reference  # a folder of several models: the one the reference names
    local_key = _pick(local, wanted, args.results)
    ref_name = args.reference or local.model(local_key).name
    if ref_is_path:
        reference = ScoreSet.from_folder(args.reference, tasks=names)
        ref_name = None if len(reference.models) == 1 else local.model(local_key).name
        ref_key = _pick(reference, ref_name, args.reference)
    else:
        reference = ScoreSet.published()
        ref_key = _pick(reference, ref_name, "the published scores")
    rows = compare(local, local_key, reference, ref_key, tasks, args.tolerance)
    if not rows:
        raise UsageError("no task in common and none to list: check RESULTS_DIR and --benchmark")

    here, there = local.model(local_key), reference.model(ref_key)
    source = "published" if there.source == PUBLISHED else there.source
    beyond = [r for r in rows if r.status == BEYOND]
    compared = [r for r in rows if r.status in (BEYOND, OK)]
    failed = bool(beyond) or not compared
    if not compared:  # nothing reproduced or not: a wrong folder, model or benchmark, not a pass
        print(_nothing_compared(rows, here.name, there.name, source), file=sys.stderr)
        if args.format == "table":
            return EXIT_FAILED
    if args.format == "json":
        doc = {
            "run": {"model": here.name, "revision": here.revision, "path": here.source},
            "reference": {"model": there.name, "revision": there.revision, "source": source},
            "tolerance": args.tolerance, "scale": "scores x100",
            "tasks": [{"task": r.task, "type": r.type, "status": r.status, "run": _x100(r.local),
                       "reference": _x100(r.reference), "diff": _x100(r.diff), "partial": r.partial,
                       "pairs_compared": r.pairs_compared, "pairs_reference": r.pairs_reference,
                       "dataset_revision_run": r.local_dataset_revision,
                       "dataset_revision_reference": r.reference_dataset_revision} for r in rows],
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return EXIT_FAILED if failed else EXIT_OK

    columns = ["task", "type", "run", "reference", "diff", "status", "note"]
    body = [[r.task, r.type or "", _fmt(r.local), _fmt(r.reference), _fmt(r.diff, signed=True),
             r.status.upper() if r.status == BEYOND else r.status, _note(r)] for r in rows]
    if args.format == "csv":
        from mieb.leaderboard.render import to_csv

        sys.stdout.write(to_csv(columns, body))
        return EXIT_FAILED if failed else EXIT_OK
    if args.format == "markdown":
        from mieb.leaderboard.render import to_markdown

        sys.stdout.write(to_markdown(columns, body))
        return EXIT_FAILED if failed else EXIT_OK
    else:
        from mieb.cli.tables import print_table

        print_table(f"{here.name}@{here.revision[:12]} ({args.results}) vs {there.name}@{there.revision[:12]} ({source})",
                    columns, body, justify_right=["run", "reference", "diff"])
    diffs = [100 * r.diff for r in compared if r.diff is not None]
    summary = f"{len(compared)} tasks compared, {len(beyond)} beyond +/-{args.tolerance:g} points"
    if diffs:
        summary += f"; mean diff {np.mean(diffs):+.2f}, largest |diff| {max(abs(d) for d in diffs):.2f}"
    missing = len(rows) - len(compared)
    if missing:
        summary += f"; {missing} tasks not compared (missing on one side)"
    print(summary + ". Scores x100.")
    return EXIT_FAILED if failed else EXIT_OK


def _nothing_compared(rows: list[TaskComparison], run: str, reference: str, source: str) -> str:
    """Why no task was compared: which tasks each side has, in a few names."""
    from mieb.leaderboard.compare import MISSING_HERE, NO_SHARED, NOT_PUBLISHED

    def names(status: str) -> str:
        found = [r.task for r in rows if r.status == status]
        return ", ".join(found[:4]) + (f" and {len(found) - 4} more" if len(found) > 4 else "") if found else "none"

    clauses = [f"the run ({run}) has results for {names(NOT_PUBLISHED)} that the reference ({reference}, {source}) "
               "lacks", f"the reference has {names(MISSING_HERE)} that the run lacks"]
    if any(r.status == NO_SHARED for r in rows):
        clauses.append(f"both have {names(NO_SHARED)} but with no split or subset in common")
    return (f"warning: no task in common: {'; '.join(clauses)}. Check RESULTS_DIR, --reference and "
            "--benchmark.")


def _x100(x: float | None) -> float | None:
    return None if x is None else 100 * x


def _fmt(x: float | None, signed: bool = False) -> str:
    if x is None:
        return ""
    return f"{100 * x:+.2f}" if signed else f"{100 * x:.2f}"


def _note(r: TaskComparison) -> str:
    notes = []
    if r.partial:
        notes.append(f"{r.pairs_compared} of {r.pairs_reference} subsets")
    if r.revision_differs and r.local_dataset_revision and r.reference_dataset_revision:
        notes.append(f"dataset revision {r.local_dataset_revision[:8]} vs {r.reference_dataset_revision[:8]}")
    return "; ".join(notes)
