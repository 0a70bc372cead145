"""`mieb leaderboard`: the MIEB leaderboard as a table, a static web page, or a local web server.

Scores come from the published set that ships with mieb and from any `--results` folders (mieb's or
the reference's, or a clone of the public results repository). Imports numpy and the standard library
only; no model backend.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mieb.leaderboard.scores import ScoreSet

FORMATS = ("table", "csv", "markdown", "json")
DEFAULT_BENCHMARK = "MIEB(Multilingual)"


def _add_sources(p: argparse.ArgumentParser) -> None:
    p.add_argument("--results", nargs="+", default=[], metavar="PATH",
                   help="results folders to add (mieb or reference format; a results-repository clone works)")
    p.add_argument("--no-published", action="store_true",
                   help="leave out the published reference scores that ship with mieb")


def add_parser(sub: argparse._SubParsersAction) -> None:
    from mieb.leaderboard import VIEWS

    p = sub.add_parser(
        "leaderboard", help="MIEB leaderboard: table, web page (build) or local server (serve)",
        description="Rank models on a benchmark as the reference leaderboard does: per-task score = mean "
                    "main_score over the benchmark's splits and subsets, per-type means, Mean (TaskType), "
                    "Rank and Borda rank; with 95% bootstrap intervals. Scores are shown x100.")
    p.add_argument("-b", "--benchmark", default=DEFAULT_BENCHMARK, help=f"default: {DEFAULT_BENCHMARK}")
    _add_sources(p)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--view", choices=VIEWS, default="types",
                   help="columns: per task type (the reference's), the paper's 8 categories, or per task")
    p.add_argument("--top", type=int, metavar="N", help="show the first N rows only")
    p.add_argument("--pairwise", action="store_true",
                   help="also test every pair of shown models: is the Mean (TaskType) gap significant?")
    p.set_defaults(func=cmd_table)
    actions = p.add_subparsers(dest="action", metavar="{build,serve}")

    b = actions.add_parser("build", help="write a static, self-contained leaderboard web page",
                           description="Write index.html, one page per model, data and assets to a folder; "
                                       "it works offline and from a file share (open index.html).")
    b.add_argument("-b", "--benchmark", dest="benchmarks", action="append", metavar="NAME",
                   help="benchmark (repeatable); default: the four MIEB benchmarks")
    _add_sources(b)
    b.add_argument("-o", "--output", default="site", help="output folder (default: site)")
    b.set_defaults(func=cmd_build)

    s = actions.add_parser("serve", help="serve a built leaderboard page on localhost",
                           description="Serve the folder written by `mieb leaderboard build` (built first, "
                                       "from the published scores, if it has no index.html).")
    s.add_argument("-d", "--dir", default="site", help="folder to serve (default: site)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)


def _scores(args: argparse.Namespace, benchmarks: list[str]) -> ScoreSet:
    from mieb.benchmarks import get_benchmark
    from mieb.errors import UsageError
    from mieb.leaderboard.view import load_scores

    names = sorted({t for b in benchmarks for t in get_benchmark(b).task_names})
    try:
        scores = load_scores(args.results, published=not args.no_published, tasks=names)
        _say_left_out(args.results, set(names), benchmarks)
    except FileNotFoundError as e:
        raise UsageError(str(e)) from None
    if not scores.rows:
        raise UsageError(f"no scores for {', '.join(benchmarks)}: give --results PATH holding results of its tasks, "
                         "or drop --no-published")
    return scores


def _say_left_out(results: list[str], wanted: set[str], benchmarks: list[str]) -> None:
    """A note on stderr for each model revision under `results` that has no result for a task of the
    benchmarks, so it cannot be in the table (rather than leaving it out silently)."""
    from mieb.results.load import list_results

    for path in results:
        for found in list_results(path):
            if wanted.intersection(found.task_names):
                continue
            have = ", ".join(found.task_names[:5]) + (" ..." if len(found.task_names) > 5 else "")
            print(f"note: {found.model_name} ({found.revision}) in {path} has no result for a task of "
                  f"{' or '.join(benchmarks)}, so it is not in the table (it has: {have or 'no result file'})",
                  file=sys.stderr)


def _print_wide(title: str, columns: list[str], rows: list[list[str]]) -> None:
    """A rich table whose score headers may wrap ("Image / Classification"), so ten task types fit."""
    import re

    from rich.console import Console
    from rich.table import Table

    text = ("Model", "Model A", "Model B", "significant")
    table = Table(title=title, header_style="bold")
    for c in columns:
        table.add_column(re.sub(r"([a-z])([A-Z])", r"\1 \2", c), justify="left" if c in text else "right",
                         no_wrap=c in text or c == "95% CI")
    for r in rows:
        table.add_row(*r)
    console = Console()
    if not console.is_terminal:  # logs and pipes: never squeeze cells to rich's default 80 columns
        console = Console(width=max(console.width, 240))
    console.print(table)


def cmd_table(args: argparse.Namespace) -> int:
    from mieb.benchmarks import get_benchmark
    from mieb.leaderboard import render
    from mieb.leaderboard.scores import PUBLISHED
    from mieb.leaderboard.view import build_view

    args.benchmark = get_benchmark(args.benchmark).name  # "mieb(lite)" -> "MIEB(lite)"
    scores = _scores(args, [args.benchmark])
    view = build_view(scores, args.benchmark)
    in_table = set(view.lb.models)
    for entry in scores.models:
        if entry.source != PUBLISHED and entry.key not in in_table:
            print(f"note: {entry.name} ({entry.revision}) in {entry.source} has results for {args.benchmark} "
                  "tasks but none complete (every split and subset the benchmark scores), so it is not in the table",
                  file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(render.to_json(view, args.top, with_pairs=args.pairwise))
        return 0
    columns, rows = render.table(view, args.view, args.top)
    tables = [(f"{args.benchmark}: {len(view.lb.models)} models", columns, rows)]
    if args.pairwise:
        tables.append(("Pairwise: Mean (TaskType) gaps", *render.pairs_table(view, args.top)))
    for title, cols, body in tables:
        if args.format == "csv":
            sys.stdout.write(render.to_csv(cols, body))
        elif args.format == "markdown":
            sys.stdout.write(f"### {title}\n\n{render.to_markdown(cols, body)}\n")
        else:
            _print_wide(title, cols, body)
    if args.format == "table":
        lb = view.lb
        print(f"Scores x100. {len(lb.tasks)} of {lb.n_benchmark_tasks} tasks have results; a blank type mean "
              "means a task of that type is missing. 95% CI: stratified bootstrap over tasks.")
        if args.pairwise:
            print("Pairwise: paired bootstrap over tasks; p-values Holm-corrected over all pairs tested.")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from mieb.benchmarks import get_benchmark
    from mieb.leaderboard.site import DEFAULT_BENCHMARKS, build_site

    benchmarks = [get_benchmark(b).name for b in args.benchmarks] if args.benchmarks else list(DEFAULT_BENCHMARKS)
    index = build_site(_scores(args, benchmarks), benchmarks, args.output)
    print(f"wrote {index} (open it in a browser, or run `mieb leaderboard serve -d {args.output}`)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mieb.leaderboard.site import DEFAULT_BENCHMARKS, build_site, serve

    if not (Path(args.dir) / "index.html").is_file():
        args.results, args.no_published = [], False
        build_site(_scores(args, list(DEFAULT_BENCHMARKS)), list(DEFAULT_BENCHMARKS), args.dir)
    serve(args.dir, args.host, args.port)
    return 0
