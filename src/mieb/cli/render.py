"""`mieb render-sts`: a sentence-similarity dataset rendered into a Visual STS task folder."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "render-sts", help="render a sentence-similarity dataset into a Visual STS task",
        description="Render the sentence pairs of SOURCE (columns sentence1, sentence2, score) as images, the "
                    "way MIEB's Visual STS tasks are (448 px white pages, black Noto Sans type; see "
                    "mieb.tasks.render_sts for what is known of the reference's settings), into OUTPUT: a "
                    "dataset folder in the Hugging Face layout plus task.yaml, to run with "
                    "`mieb run --tasks-from OUTPUT/task.yaml -m MODEL`.")
    p.add_argument("source", metavar="SOURCE",
                   help="a local dataset folder, a .csv/.tsv/.json(l)/.parquet file, or a Hugging Face dataset id")
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="folder to write")
    p.add_argument("--name", help="task name (default: from SOURCE, e.g. my-sts -> MyStsVisualSTS)")
    p.add_argument("--split", dest="splits", nargs="+", metavar="SPLIT", help="splits to render (default: all)")
    p.add_argument("--config", help="dataset config (subset) of SOURCE")
    p.add_argument("--revision", help="dataset revision (commit) of a Hub SOURCE; recorded in the output")
    p.add_argument("--columns", nargs=3, metavar=("SENTENCE1", "SENTENCE2", "SCORE"),
                   default=["sentence1", "sentence2", "score"], help="column names (default: sentence1 sentence2 score)")
    p.add_argument("-l", "--languages", nargs="+", default=["eng-Latn"], metavar="LANG",
                   help="languages of the sentences, ISO 639-3 + script (default: eng-Latn)")
    p.add_argument("--min-score", type=float, default=0.0, help="lowest gold score (default 0)")
    p.add_argument("--max-score", type=float, default=5.0, help="highest gold score (default 5, as STS)")
    p.add_argument("--image-size", type=int, default=448, help="page width and height in pixels (default 448)")
    p.add_argument("--font-size", type=int, default=16, help="type size in pixels (default 16)")
    p.add_argument("--font", metavar="FILE", help="one font file for every sentence (default: Noto faces by script)")
    p.set_defaults(func=cmd_render)


def cmd_render(args: argparse.Namespace) -> int:
    from mieb.runner.progress import quiet_libraries
    from mieb.tasks.render_sts import RenderSettings, render_sts

    settings = RenderSettings(image_size=args.image_size, font_size=args.font_size,
                              min_font_size=min(8, args.font_size), font=args.font)
    with quiet_libraries():  # datasets' "Generating split" / "Creating parquet" bars are not this command's output
        done = render_sts(args.source, args.output, name=args.name, splits=args.splits, config=args.config,
                          revision=args.revision, languages=args.languages, columns=tuple(args.columns),
                          min_score=args.min_score, max_score=args.max_score, settings=settings)
    pairs = ", ".join(f"{split}: {n}" for split, n in done.splits.items())
    fonts = ", ".join(f"{name} ({n})" for name, n in done.stats.fonts.items())
    print(f"rendered {done.stats.sentences} sentences ({pairs} pairs) into {done.folder} with {fonts}"
          + (f"; {done.stats.set_smaller} set smaller to fit" if done.stats.set_smaller else ""))
    print(f"task {done.name}: mieb run --tasks-from {done.task_file} -m MODEL")
    return 0
