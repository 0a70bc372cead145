"""`mieb results PATH`: a table of main scores from a results folder."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("results", help="table of scores from a results folder",
                       description="Main score (x100) per task and model revision found under PATH.")
    p.add_argument("path", help="results folder (root, model or revision folder)")
    p.set_defaults(func=cmd_results)


def cmd_results(args: argparse.Namespace) -> int:
    from mieb.cli.tables import fmt_score, print_table
    from mieb.errors import UsageError
    from mieb.results.load import load_results

    try:
        models = load_results(args.path)
    except FileNotFoundError as e:
        raise UsageError(str(e)) from None
    if not models:
        raise UsageError(f"no results found under {args.path}")
    tasks = sorted({t for m in models for t in m.tasks})
    columns = ["task"] + [f"{m.model_name}@{m.revision[:8]}" for m in models]
    rows = [[t] + [fmt_score(m.tasks[t].get_score()) if t in m.tasks else "" for m in models] for t in tasks]
    print_table(None, columns, rows, justify_right=columns[1:])
    return 0
