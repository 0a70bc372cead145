"""The Ray executor measured on this machine: MIEB(offline) and a speed-like workload (benchmarks/speed.py's
tasks and tiny ViT-B/32-shaped CLIP) run by the local executor, then by the Ray executor on a local Ray
with 1 and with 2 logical GPUs (2 CPUs; torch stays on the CPU, so the CPU bounds any speed-up).

What it shows: the work really splits (inputs and shards per encoder), nothing is encoded twice (inputs
encoded per task equal the local run's), and the scores are identical; wall seconds for each.

    python benchmarks/ray_local.py                     # writes benchmarks/results/ray-local.md
    python benchmarks/ray_local.py --images 200 --out -
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
SHARD = 128  # inputs per shard: several shards per task even on these small workloads


def workloads(args: argparse.Namespace) -> dict[str, tuple[str, list[Any]]]:
    """{name: (model, tasks)}."""
    import mieb

    sys.path.insert(0, str(HERE))
    import speed

    work = Path(args.workdir)
    folders = speed.build_workload(work / "data", args.images)
    return {"MIEB(offline)": ("mieb/tiny-clip-shapes", list(mieb.get_benchmark("MIEB(offline)").tasks)),
            f"speed workload ({args.images} images per pool)": (speed.tiny_b32(work), speed.workload_tasks(folders))}


def run(model: str, tasks: list[Any], gpus: int | None, batch_size: int) -> dict[str, Any]:
    """One run (gpus None: the local executor) into a fresh folder, without the embedding cache."""
    from mieb.runner.run import MIEB

    executor: Any = "local"
    if gpus is not None:
        import ray

        from mieb.runner.ray import RayExecutor

        ray.init(address="local", num_cpus=2, num_gpus=gpus, include_dashboard=False, logging_level="ERROR",
                 object_store_memory=256 * 1024 * 1024,
                 runtime_env={"env_vars": {"PYTHONPATH": str(SRC), "MIEB_CACHE": os.environ["MIEB_CACHE"]}})
        executor = RayExecutor(shard_size=SHARD, poll_s=0.2)
    try:
        t0 = time.perf_counter()
        report = MIEB(tasks).run(model, output_folder=tempfile.mkdtemp(prefix="ray-local-"), cache=False,
                                 progress=False, encode_kwargs={"batch_size": batch_size, "num_workers": 0},
                                 executor=executor)
        wall = time.perf_counter() - t0
    finally:
        if gpus is not None:
            import ray

            ray.shutdown()
    assert report.ok, report.failures
    encoded, by_encoder = {}, {}
    for r in report.results:
        c = r.mieb["counts"]
        encoded[r.task_name] = c["images_encoded"] + c["texts_encoded"]
        for e in r.mieb["executor"].get("encoders", {}).values():
            mine = by_encoder.setdefault(e["name"], {"gpu": e["cuda_visible_devices"], "inputs": 0, "shards": 0})
            mine["inputs"] += e["inputs"]
            mine["shards"] += e["shards"]
    scores = {r.task_name: json.dumps(r.to_json_dict()["scores"], sort_keys=True) for r in report.results}
    workers = [(w.name, w.role, w.units, round(w.busy, 1), round(w.utilisation, 2)) for w in report.workers]
    return {"wall": wall, "encoded": encoded, "by_encoder": by_encoder, "scores": scores, "workers": workers}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", type=int, default=500, help="images per pool of the speed workload")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "mieb-ray-local"))
    ap.add_argument("--out", default=str(HERE / "results" / "ray-local.md"), help="a file, or - for stdout")
    args = ap.parse_args()
    os.environ.setdefault("MIEB_CACHE", str(Path(args.workdir) / "mieb-cache"))
    cmd = "python benchmarks/ray_local.py" + ("".join(f" {a}" for a in sys.argv[1:]))
    lines = ["# The Ray executor on this machine: 1 and 2 logical GPUs", "", f"`{cmd}` on {platform.node()} "
             f"({os.cpu_count()} CPUs, no GPU; load average {os.getloadavg()[0]:.1f} at the start: the machine "
             f"is shared, so seconds are indicative only). Shards of {SHARD} inputs, batch {args.batch_size}, no "
             "embedding cache.", ""]
    for name, (model, tasks) in workloads(args).items():
        local = run(model, tasks, None, args.batch_size)
        lines += [f"## {name}", "", f"{len(tasks)} tasks, model `{Path(model).name}`; "
                  f"{sum(local['encoded'].values()):,} inputs encoded by the local executor.", "",
                  "| executor | wall (s) | inputs encoded | = local, per task | scores = local | work per encoder |",
                  "| --- | ---: | ---: | :---: | :---: | --- |",
                  f"| local | {local['wall']:.1f} | {sum(local['encoded'].values()):,} | - | - | - |"]
        details = []
        for gpus in (1, 2):
            r = run(model, tasks, gpus, args.batch_size)
            split = "; ".join(f"{n} (GPU {e['gpu']}): {e['inputs']:,} inputs, {e['shards']} shards"
                              for n, e in sorted(r["by_encoder"].items()))
            lines.append(f"| Ray, {gpus} logical GPU{'s' if gpus > 1 else ''} | {r['wall']:.1f} | "
                         f"{sum(r['encoded'].values()):,} | {'yes' if r['encoded'] == local['encoded'] else 'NO'} | "
                         f"{'yes' if r['scores'] == local['scores'] else 'NO'} | {split} |")
            details.append(f"- Ray, {gpus} GPU(s), workers (name, role, units, busy s, utilisation): "
                           + "; ".join(str(w) for w in r["workers"]))
        lines += ["", *details, ""]
    text = "\n".join(lines)
    if args.out != "-":
        Path(args.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
