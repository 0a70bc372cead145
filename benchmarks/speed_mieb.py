"""One task through mieb as `mieb run` runs it: the catalog task with its dataset pointed at a local folder,
the checkpoint folder as the model, `mieb.MIEB([task]).run(...)` (the call `mieb run` makes), then the
command line's quick exit (`mieb.cli.exit_now`, which `mieb run` ends with). The API is called directly
rather than through `mieb run --tasks-from` because the command line cannot redirect a catalog task's
dataset, and its result files round scores to 6 digits while the comparison wants them exact.

Prints one JSON line: the scores, the `mieb` block of the result (seconds per stage, counts) and
wall-clock marks of this process (epoch seconds), like benchmarks/speed_reference.py.

    python benchmarks/speed_mieb.py TASK DATA_FOLDER MODEL_FOLDER OUTPUT_FOLDER [--subsets de,en] [--batch-size 32]
        [--decode draft]

With TASK "MIEB(offline)" (DATA_FOLDER ignored) it runs that whole benchmark with the model and prints
{task: main score} instead.
"""

from __future__ import annotations

import time

MARKS = {"script": time.time()}  # first thing: the interpreter has started

import argparse  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("task")
    p.add_argument("data")
    p.add_argument("model")
    p.add_argument("output")
    p.add_argument("--subsets", default="")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--cache", default="", help="an embedding cache folder (default: no cache)")
    p.add_argument("--decode", default="exact", choices=["exact", "draft"])
    args = p.parse_args()

    import mieb
    from mieb.cli import exit_now

    if args.task == "MIEB(offline)":
        report = mieb.MIEB(benchmark="MIEB(offline)").run(args.model, output_folder=args.output, cache=False,
                                                          progress=False, raise_errors=True,
                                                          overwrite_strategy="always", decode_mode=args.decode)
        print(json.dumps({"main_scores": {r.task_name: r.get_score() for r in report.results}}))
        exit_now(0)
    from mieb.data.source import DatasetRef

    MARKS["imported"] = time.time()
    # A result left by an earlier run of the benchmark would lend this run its timings (the runner adds a
    # task's new seconds to those of the file it overwrites), so it goes first.
    for old in Path(args.output).glob(f"*/*/{args.task}.json"):
        old.unlink()
    task = mieb.get_task(args.task, hf_subsets=args.subsets.split(",") if args.subsets else None)
    task = mieb.Task(task.metadata.model_copy(update={"dataset": DatasetRef(path=args.data, revision="local")}),
                     task.hf_subsets)
    report = mieb.MIEB([task]).run(args.model, output_folder=args.output, cache=args.cache or False,
                                   progress=False, raise_errors=True, overwrite_strategy="always",
                                   encode_kwargs={"batch_size": args.batch_size}, decode_mode=args.decode)
    MARKS["evaluated"] = time.time()
    (result,) = report.results
    print(json.dumps({"scores": result.scores, "mieb": result.mieb, "marks": MARKS}))
    exit_now(0)


if __name__ == "__main__":
    main()
