"""`mieb run`: evaluate a model on a benchmark or a task selection."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Literal

from mieb.cli.selection import add_task_filters, select_tasks

if TYPE_CHECKING:
    from mieb.models.meta import ModelMeta
    from mieb.runner.ray import RayExecutor


def add_parser(sub: argparse._SubParsersAction) -> None:
    from mieb.models.meta import PRECISIONS
    from mieb.results.io import OVERWRITE_STRATEGIES

    p = sub.add_parser("run", help="evaluate a model", description="Evaluate a model on tasks; results are "
                       "written to OUTPUT/{model}/{revision}/{task}.json and finished tasks are skipped on re-run.")
    add_task_filters(p)
    p.add_argument("-m", "--model", required=True, action="append",
                   help="model name (see `mieb list models`) or a local checkpoint folder; repeat for several models")
    p.add_argument("--model-revision", help="override the model card's revision (one model only)")
    p.add_argument("--trust-remote-code", action="store_true",
                   help="allow models whose checkpoint ships its own Python code (e.g. jina-clip, nomic-embed-vision) "
                        "to run it")
    p.add_argument("--device", help="cpu, cuda, cuda:1 or a GPU index (default: cuda if available)")
    p.add_argument("--precision", choices=["auto", *PRECISIONS], default="auto",
                   help="auto (default): the model card's precision (the reference's for its family) on CUDA, "
                        "fp32 elsewhere; fp16/bf16: weights in that dtype; fp16-mixed/bf16-mixed: fp32 weights "
                        "under autocast")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--num-workers", type=int, help="image decode workers (default: from the available CPUs)")
    p.add_argument("--decode", choices=["exact", "draft"], default="exact",
                   help="exact (default): every JPEG pixel decoded, as the reference does; draft: JPEGs decoded at a "
                        "reduced DCT scale before the resize - faster on large images, approximate (scores move "
                        "slightly); recorded in the results and the embedding cache key")
    p.add_argument("--output-folder", default="results")
    p.add_argument("--overwrite-strategy", choices=OVERWRITE_STRATEGIES, default="only-missing")
    p.add_argument("--no-progress", action="store_true",
                   help="no live view in a terminal: one line per task, as in a log file")
    p.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                   help="also show the libraries' own progress bars and warnings (and mieb's info log)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    p.add_argument("--cache-dir", help="embedding cache folder (default: $MIEB_CACHE/embeddings)")
    ray = p.add_argument_group("distributed (docs/ray.md)")
    ray.add_argument("--executor", choices=["local", "ray"], default="local",
                     help="local (default): one task after another in this process; ray: spread over a Ray cluster "
                          "or this machine's GPUs (pip install 'mieb[ray]')")
    ray.add_argument("--address", help="Ray cluster to join: auto (one started here with `ray start`) or HOST:PORT "
                                       "(default: $RAY_ADDRESS, else a new local Ray)")
    ray.add_argument("--gpus-per-job", type=float,
                     help="GPUs each encoder holds (default 1; 0 encodes on CPUs)")
    ray.add_argument("--encoders", type=int, help="encoders to start (default: one per --gpus-per-job GPUs)")
    ray.add_argument("--shard-size", type=int, help="inputs per encode shard, spread over the encoders "
                                                    "(default 2048, rounded up to whole batches)")
    ray.add_argument("--shared-cache", metavar="URL",
                     help="embedding shards every node can reach (file:///shared/mieb, s3://bucket/prefix, ...)")
    p.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from mieb.cli import EXIT_FAILED, EXIT_OK
    from mieb.cli.tables import print_run_summary
    from mieb.errors import UsageError
    from mieb.models.registry import get_model_meta
    from mieb.runner.run import MIEB

    tasks = select_tasks(args, default_all=False)
    if args.model_revision is not None and len(args.model) > 1:
        raise UsageError("--model-revision applies to one model; give it with a single -m")
    metas = [get_model_meta(m, args.model_revision) for m in args.model]  # unknown names fail here
    encode_kwargs = {"batch_size": args.batch_size}
    if args.num_workers is not None:
        encode_kwargs["num_workers"] = args.num_workers
    executor: Literal["local"] | RayExecutor = "local"
    if args.executor == "ray":
        from mieb.runner.ray import RayExecutor

        executor = RayExecutor(address=args.address, encoders=args.encoders,
                               gpus_per_job=1 if args.gpus_per_job is None else args.gpus_per_job,
                               shared_cache=args.shared_cache,
                               **({"shard_size": args.shard_size} if args.shard_size is not None else {}))
    elif any(v is not None for v in (args.address, args.gpus_per_job, args.encoders, args.shard_size,
                                     args.shared_cache)):
        raise UsageError("--address, --gpus-per-job, --encoders, --shard-size and --shared-cache apply to "
                         "--executor ray")
    try:
        models: list[ModelMeta | str] = list(metas)
        reports = MIEB(tasks).run(  # loads a model only if a task has something left to compute for it
            models,
            device=args.device,
            precision=args.precision,
            trust_remote_code=args.trust_remote_code,
            output_folder=args.output_folder,
            overwrite_strategy=args.overwrite_strategy,
            encode_kwargs=encode_kwargs,
            progress="lines" if args.no_progress else None,
            cache=False if args.no_cache else (args.cache_dir or True),
            verbose=args.verbose > 0,
            decode_mode=args.decode,
            executor=executor,
        )
    finally:
        if not isinstance(executor, str):
            executor.close()
    for meta, report in zip(metas, reports, strict=True):
        print_run_summary(report, tasks, meta, args.output_folder)
    return EXIT_OK if all(r.ok for r in reports) else EXIT_FAILED
