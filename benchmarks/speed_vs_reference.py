"""mieb against the reference itself, mteb 2.26.24, on the same workload and model, in the same run.

Each task of the workload (benchmarks/speed_workload.py: one real catalog task per MIEB task type, its
dataset replaced by a local folder of JPEGs in the dataset's own hub layout) runs twice, each time in
a fresh process as a user runs it:

- the reference: benchmarks/speed_reference.py in the reference's own environment: mteb's task class,
  its transformers CLIP wrapper, `mteb.evaluate`;
- mieb: benchmarks/speed_mieb.py in this environment: the catalog task, `mieb.MIEB([task]).run(...)`
  with the checkpoint folder as the model, embedding cache off, ended as `mieb run` ends (its quick exit).

Both load the same randomly initialised transformers CLIP (64 px, ~0.25M parameters). Printed (and
written as Markdown + JSON with --out): per task and in total, whole-process seconds (launch to exit),
CPU seconds and peak RSS of each side, the ratio, whether the scores are equal, and mieb's per-stage
table (start-up and imports, loading, encoding, scoring, exit; decode-worker CPU and model time per
image). Then retrieval scoring alone (benchmarks/speed_scoring.py: search + every metric for
5,000 x 10,000 on each side), the fixed-cost floor (interpreter, `import torch`, the transformers CLIP
built, then the data and metric libraries, each a fresh process) and the targets, each met or not with
its numbers.

The reference's environment: pass its interpreter with --reference-python (default
$MIEB_REFERENCE_PYTHON, else /work/venvs/parity/bin/python), or let the script build one:

    python benchmarks/speed_vs_reference.py --make-reference-env .venv-reference
    # = python3 -m venv .venv-reference && .venv-reference/bin/pip install torch==2.13.0 mteb==2.26.24

Usage (the workload and model are built once under --work):

    python benchmarks/speed_vs_reference.py --images 200 --tasks CIFAR10ZeroShot   # a quick look
    python benchmarks/speed_vs_reference.py --images 5000 --out benchmarks/results/vs-reference-cpu-2core
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import speed_workload  # noqa: E402

DEFAULT_REFERENCE = "/work/venvs/parity/bin/python"


def make_reference_env(folder: Path) -> Path:
    """Create a virtual environment with the reference (mteb 2.26.24 on the CPU build of torch 2.13.0)."""
    python = folder / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "torch==2.13.0", "mteb==2.26.24"], check=True)
    return python


def run_process(cmd: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run `cmd` to completion; whole-process wall seconds (launch to exit), CPU seconds (user + system,
    its decode workers included) and peak RSS in MiB from the kernel's accounting (`wait4`), and the
    JSON line it printed last."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0, epoch0 = time.perf_counter(), time.time()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0), err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err.read()[-4000:]}")
        line = [x for x in out.read().splitlines() if x.startswith("{")][-1]
    return {"wall": wall, "launched": epoch0, "ended": epoch0 + wall, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mib": usage.ru_maxrss / 1024, **json.loads(line)}


def numeric_scores(scores: dict[str, Any]) -> dict[str, float]:
    """{split/subset/metric: value} for every numeric score (mteb adds its version; mieb does not)."""
    flat: dict[str, float] = {}
    for split, rows in scores.items():
        for row in rows:
            for k, v in row.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    flat[f"{split}/{row.get('hf_subset')}/{k}"] = float(v)
    return flat


def score_diff(a: dict[str, float], b: dict[str, float]) -> tuple[float, list[str]]:
    """Largest |a - b| over shared keys (inf if a key is missing on one side), and the differing keys."""
    keys = sorted(set(a) | set(b))
    diffs = {k: abs(a[k] - b[k]) if k in a and k in b else float("inf") for k in keys}
    return max(diffs.values(), default=0.0), [k for k, d in diffs.items() if d > 0]


def mieb_stages(r: dict[str, Any]) -> dict[str, float]:
    """mieb's whole process cut into stages (seconds): start-up+imports, dataset load, encode, score, exit
    (model loading and run set-up are the rest), and its encoder's figures per image."""
    m, t, c = r["marks"], r["mieb"]["timings"], r["mieb"]["counts"]
    startup = m["imported"] - r["launched"]
    task = t["total"]
    exit_ = r["ended"] - m["evaluated"]
    images = max(1, c.get("images_encoded", 0))
    return {"startup_imports": startup, "model_and_setup": r["wall"] - startup - task - exit_,
            "load": t["load"], "encode": t["encode"], "score": t["score"], "exit": exit_,
            "fixed": r["wall"] - task, "worker_cpu_ms_per_image": 1000 * c.get("prepare_cpu", 0.0) / images,
            "model_ms_per_image": 1000 * c.get("model", 0.0) / images, "data_wait": c.get("data_wait", 0.0),
            "images": c.get("images_encoded", 0), "texts": c.get("texts_encoded", 0)}


def reference_stages(r: dict[str, Any]) -> dict[str, float]:
    m = r["marks"]
    phases: dict[str, float] = {}
    for ph in r["phases"]:
        phases[ph["name"]] = phases.get(ph["name"], 0.0) + ph["seconds"]
    return {"startup_imports": m["imported"] - r["launched"], "model_load": m["model_loaded"] - m["imported"],
            "evaluate": m["evaluated"] - m["model_loaded"], "exit": r["ended"] - m["evaluated"],
            "fixed": r["wall"] - (m["evaluated"] - m["model_loaded"]), **{f"phase:{k}": v for k, v in phases.items()}}


def run_tasks(args: argparse.Namespace, reference_python: str) -> list[dict[str, Any]]:
    work = Path(args.work)
    folders = speed_workload.build(work, args.images)
    model = speed_workload.tiny_clip(work)
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src"), "TOKENIZERS_PARALLELISM": "false",
           "HF_DATASETS_CACHE": str(work / "hf-datasets-cache"), "HF_HUB_OFFLINE": "1"}
    ref_env = {k: v for k, v in env.items() if k != "PYTHONPATH"}  # the reference imports nothing of mieb
    rows = []
    for task in speed_workload.tasks(args.images):
        if args.tasks and task.name not in args.tasks:
            continue
        extra = ["--subsets", ",".join(task.subsets)] if task.subsets else []
        extra += ["--batch-size", str(args.batch_size)]
        data = str(folders[task.folder])
        print(f"{task.name} ({task.task_type}{', ' + task.note if task.note else ''}) ...", flush=True)
        ref = run_process([reference_python, str(HERE / "speed_reference.py"), task.name, data, str(model), *extra],
                          ref_env)
        ours = run_process([sys.executable, str(HERE / "speed_mieb.py"), task.name, data, str(model),
                            str(work / "results"), *extra], env)
        diff, differing = score_diff(numeric_scores(ref["scores"]), numeric_scores(ours["scores"]))
        draft = None
        if args.draft:  # the opt-in approximate decode: its time and how far it moves every score
            fast = run_process([sys.executable, str(HERE / "speed_mieb.py"), task.name, data, str(model),
                                str(work / "results-draft"), *extra, "--decode", "draft"], env)
            exact_scores, fast_scores = numeric_scores(ours["scores"]), numeric_scores(fast["scores"])
            main = [k for k in exact_scores if k.endswith("/main_score")]
            draft = {"wall": fast["wall"], "cpu": fast["cpu"], "max_score_shift": score_diff(exact_scores, fast_scores)[0],
                     "main_score_shift": max(abs(fast_scores[k] - exact_scores[k]) for k in main),
                     "worker_cpu_ms_per_image": mieb_stages(fast)["worker_cpu_ms_per_image"]}
        row = {"task": task.name, "type": task.task_type + (f" ({task.note})" if task.note else ""),
               "reference": {"wall": ref["wall"], "cpu": ref["cpu"], "peak_mib": ref["peak_mib"],
                             "stages": reference_stages(ref)},
               "mieb": {"wall": ours["wall"], "cpu": ours["cpu"], "peak_mib": ours["peak_mib"],
                        "stages": mieb_stages(ours)},
               "ratio": ref["wall"] / ours["wall"], "max_score_diff": diff, "differing_scores": differing[:10],
               "draft": draft}
        print(f"  reference {ref['wall']:.1f} s, mieb {ours['wall']:.1f} s: {row['ratio']:.2f}x; "
              f"max |score diff| {diff:.2g}", flush=True)
        rows.append(row)
        if args.out:  # kept as it goes: a run cut short still has its finished tasks
            Path(args.out).with_suffix(".partial.json").write_text(json.dumps(rows, indent=1))
    return rows


# The fixed-cost floor: what any process that evaluates this CLIP must do before its first batch, each step a
# fresh process that ends with os._exit (no teardown, as `mieb run` ends), and what Python's own teardown adds.
FLOOR_STEPS = [
    ("empty interpreter", "pass"),
    ("import torch", "import torch"),
    ("+ transformers CLIP built from the checkpoint (the floor)",
     "import torch\nfrom transformers import AutoTokenizer, CLIPModel\n"
     "CLIPModel.from_pretrained(MODEL).eval(); AutoTokenizer.from_pretrained(MODEL)"),
    ("+ datasets (task data)", "import torch\nfrom transformers import AutoTokenizer, CLIPModel\n"
     "CLIPModel.from_pretrained(MODEL).eval(); AutoTokenizer.from_pretrained(MODEL)\nimport datasets"),
    ("+ datasets + sklearn.metrics (scores)", "import torch\nfrom transformers import AutoTokenizer, CLIPModel\n"
     "CLIPModel.from_pretrained(MODEL).eval(); AutoTokenizer.from_pretrained(MODEL)\nimport datasets\n"
     "import sklearn.metrics"),
]


def measure_floor(model: Path, repeats: int = 3) -> list[dict[str, Any]]:
    """Whole-process seconds of each FLOOR_STEPS snippet (median of `repeats` fresh processes), ended by
    os._exit, and for the floor snippet also ended by Python's normal teardown."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"}
    rows = []
    for name, code in FLOOR_STEPS:
        code = f"MODEL = {str(model)!r}\n{code}\n"
        fast = sorted(run_process([sys.executable, "-c", code + "import os; print('{}', flush=True); os._exit(0)"],
                                  env)["wall"] for _ in range(repeats))[repeats // 2]
        row = {"step": name, "seconds": fast}
        if "floor" in name:
            row["with_teardown"] = sorted(run_process([sys.executable, "-c", code + "print('{}')"], env)["wall"]
                                          for _ in range(repeats))[repeats // 2]
        rows.append(row)
    return rows


def run_offline_draft_shift(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """MIEB(offline) with the bundled model, exact and draft decode: each task's main score."""
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    scores = {}
    for mode in ("exact", "draft"):
        r = run_process([sys.executable, str(HERE / "speed_mieb.py"), "MIEB(offline)", "-", "mieb/tiny-clip-shapes",
                         str(Path(args.work) / f"offline-{mode}"), "--decode", mode], env)
        scores[mode] = r["main_scores"]
    return {t: {"exact": v, "draft": scores["draft"][t]} for t, v in scores["exact"].items()}


def run_scoring(args: argparse.Namespace, reference_python: str) -> dict[str, Any]:
    sizes = ["--queries", str(args.score_queries), "--docs", str(args.score_docs)]
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    ref = run_process([reference_python, str(HERE / "speed_scoring.py"), "reference", *sizes],
                      {k: v for k, v in env.items() if k != "PYTHONPATH"})
    ours = run_process([sys.executable, str(HERE / "speed_scoring.py"), "mieb", *sizes], env)
    diff, _ = score_diff({k: v for k, v in ref["scores"].items()}, {k: v for k, v in ours["scores"].items()})
    return {"queries": args.score_queries, "docs": args.score_docs, "reference": ref["seconds"],
            "mieb": ours["seconds"], "ratio": ref["seconds"]["total"] / ours["seconds"]["total"],
            "max_score_diff": diff}


def report(rows: list[dict[str, Any]], scoring: dict[str, Any] | None, offline: dict[str, dict[str, float]] | None,
           meta: dict[str, Any], floor: list[dict[str, Any]] | None = None) -> str:
    out = ["# mieb against the reference (mteb 2.26.24), same workload, same model, same run", "",
           f"Machine: {meta['machine']}; load average before / after: {meta['load_before']} / {meta['load_after']}.",
           f"Workload: {meta['images']} images per pool, batch {meta['batch_size']}, 64 px tiny CLIP, cache off; "
           "every task a fresh process on each side. Command: `" + meta["command"] + "`", ""]
    if rows:
        out += ["## Whole process, per task", "",
                "| task | type | reference s | mieb s | ratio | ref CPU s | mieb CPU s | ref peak MiB | mieb peak MiB |"
                " max abs score diff |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in rows:
            a, b = r["reference"], r["mieb"]
            out.append(f"| {r['task']} | {r['type']} | {a['wall']:.1f} | {b['wall']:.1f} | **{r['ratio']:.2f}x** | "
                       f"{a['cpu']:.1f} | {b['cpu']:.1f} | {a['peak_mib']:.0f} | {b['peak_mib']:.0f} | "
                       f"{r['max_score_diff']:.2g} |")
        tot_a = sum(r["reference"]["wall"] for r in rows)
        tot_b = sum(r["mieb"]["wall"] for r in rows)
        out.append(f"| **total** | | {tot_a:.1f} | {tot_b:.1f} | **{tot_a / tot_b:.2f}x** | "
                   f"{sum(r['reference']['cpu'] for r in rows):.1f} | {sum(r['mieb']['cpu'] for r in rows):.1f} | "
                   f"{max(r['reference']['peak_mib'] for r in rows):.0f} | {max(r['mieb']['peak_mib'] for r in rows):.0f} | "
                   f"{max(r['max_score_diff'] for r in rows):.2g} |")
        out += ["", "## mieb's stages (seconds; per-image figures in ms)", "",
                "| task | start-up + imports | model + set-up | load | encode | score | exit | fixed (all but the task) |"
                " images | worker CPU ms/img | model ms/img | waiting for data |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in rows:
            s = r["mieb"]["stages"]
            out.append(f"| {r['task']} | {s['startup_imports']:.2f} | {s['model_and_setup']:.2f} | {s['load']:.2f} | "
                       f"{s['encode']:.2f} | {s['score']:.2f} | {s['exit']:.2f} | {s['fixed']:.2f} | {s['images']} | "
                       f"{s['worker_cpu_ms_per_image']:.2f} | {s['model_ms_per_image']:.2f} | {s['data_wait']:.2f} |")
        out += ["", "## The reference's stages (seconds; phases from mteb's own timer)", "",
                "| task | start-up + imports | model load | evaluate | exit | fixed | phases |",
                "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
        for r in rows:
            s = r["reference"]["stages"]
            phases = ", ".join(f"{k[6:]} {v:.2f}" for k, v in s.items() if k.startswith("phase:"))
            out.append(f"| {r['task']} | {s['startup_imports']:.2f} | {s['model_load']:.2f} | {s['evaluate']:.2f} | "
                       f"{s['exit']:.2f} | {s['fixed']:.2f} | {phases} |")
    if rows and all(r["draft"] for r in rows):
        out += ["", "## Opt-in draft decode (`decode_mode=\"draft\"`, `mieb run --decode draft`) on this workload", "",
                "| task | mieb exact s | mieb draft s | worker CPU ms/img exact / draft | max main-score shift |"
                " max shift of any score |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for r in rows:
            d = r["draft"]
            out.append(f"| {r['task']} | {r['mieb']['wall']:.1f} | {d['wall']:.1f} | "
                       f"{r['mieb']['stages']['worker_cpu_ms_per_image']:.2f} / {d['worker_cpu_ms_per_image']:.2f} | "
                       f"{d['main_score_shift']:.2g} | {d['max_score_shift']:.2g} |")
    if offline:
        out += ["", "## Opt-in draft decode on MIEB(offline) (mieb/tiny-clip-shapes): main scores", "",
                "| task | exact | draft | shift |", "| --- | ---: | ---: | ---: |"]
        for t, v in sorted(offline.items()):
            out.append(f"| {t} | {v['exact']:.6f} | {v['draft']:.6f} | {abs(v['draft'] - v['exact']):.2g} |")
        out += ["", "MIEB(offline)'s images are PNG (drawn, not photographed); draft decode reduces JPEGs only, so "
                "no score can move there: the table shows it."]
    floor_s = next((f["seconds"] for f in floor or [] if "floor" in f["step"]), None)
    if floor:
        out += ["", "## The fixed-cost floor (whole process, fresh each time, median of 3, ended by os._exit)", "",
                "| step | seconds |", "| --- | ---: |"]
        out += [f"| {f['step']} | {f['seconds']:.2f} |" for f in floor]
        teardown = next(f["with_teardown"] for f in floor if "with_teardown" in f)
        out += ["", f"Ended by Python's own teardown instead, the floor process takes {teardown:.2f} s "
                f"({teardown - floor_s:.2f} s of exit; `mieb run` skips it, see `mieb.cli.exit_now`). The target of "
                f"3 s is below `import torch` alone here; the floor is the third row."]
    if scoring:
        a, b = scoring["reference"], scoring["mieb"]
        out += ["", f"## Retrieval scoring alone: {scoring['queries']:,} queries x {scoring['docs']:,} documents, "
                "top-1,000, every metric", "", "| side | search s | score s | total s |", "| --- | ---: | ---: | ---: |",
                f"| reference | {a['search']:.2f} | {a['score']:.2f} | {a['total']:.2f} |",
                f"| mieb | {b['search']:.2f} | {b['score']:.2f} | {b['total']:.2f} |", "",
                f"Ratio **{scoring['ratio']:.1f}x**; max abs score difference {scoring['max_score_diff']:.2g}."]
        if "floor_matmul_topk" in b:
            out += ["", f"Floor: the similarity matrix and an unordered top-1,000 per row alone, which both sides must "
                    f"compute, take {b['floor_matmul_topk']:.2f} s here (the faster of torch.topk and numpy's "
                    f"argpartition: {', '.join(f'{n} {v:.2f} s' for n, v in b.get('floors', {}).items())}), so no "
                    f"scorer can be more than "
                    f"{a['total'] / b['floor_matmul_topk']:.1f}x faster than the reference's {a['total']:.2f} s."]
    out += ["", "## Targets", "", "| target | measured | met? |", "| --- | --- | --- |"]
    if rows:
        tot_a = sum(r["reference"]["wall"] for r in rows)
        tot_b = sum(r["mieb"]["wall"] for r in rows)
        slowest = min(rows, key=lambda r: r["ratio"])
        fixed = max(r["mieb"]["stages"]["fixed"] for r in rows)
        peak_a = max(r["reference"]["peak_mib"] for r in rows)
        peak_b = max(r["mieb"]["peak_mib"] for r in rows)
        over = [r["task"] for r in rows if r["mieb"]["peak_mib"] > r["reference"]["peak_mib"]]
        worst = max(r["max_score_diff"] for r in rows)
        bound = (f"; with every mieb process at the floor and its task free, at most {tot_a:.1f} s / "
                 f"({len(rows)} x {floor_s:.2f} s) = {tot_a / (len(rows) * floor_s):.2f}x" if floor_s else "")
        out += [f"| total >= 3x the reference | {tot_a:.1f} s / {tot_b:.1f} s = {tot_a / tot_b:.2f}x{bound} | "
                f"{'yes' if tot_a / tot_b >= 3 else 'no'} |",
                f"| faster on every task | slowest ratio {slowest['ratio']:.2f}x ({slowest['task']}) | "
                f"{'yes' if slowest['ratio'] > 1 else 'no'} |",
                f"| fixed cost per process <= 3 s | largest {fixed:.2f} s, median "
                f"{sorted(r['mieb']['stages']['fixed'] for r in rows)[len(rows) // 2]:.2f} s"
                + (f"; floor {floor_s:.2f} s (interpreter + torch + transformers CLIP built)" if floor_s else "")
                + f" | {'yes' if fixed <= 3 else 'no'} |",
                f"| peak memory not above the reference's | largest {peak_b:.0f} MiB vs {peak_a:.0f} MiB; above on: "
                f"{', '.join(over) or 'none'} | {'yes' if not over else 'no'} |",
                f"| scores equal | max abs difference {worst:.2g} | {'yes' if worst == 0 else 'no'} |"]
    if scoring:
        limit = (f"; the floor (matrix + top-1,000) alone allows "
                 f"{scoring['reference']['total'] / scoring['mieb']['floor_matmul_topk']:.1f}x, search + metrics "
                 f"at the floor's search {scoring['reference']['total'] / (scoring['mieb']['floor_matmul_topk'] + scoring['mieb']['score']):.1f}x"
                 if "floor_matmul_topk" in scoring["mieb"] else "")
        out.append(f"| retrieval scoring >= 10x | {scoring['reference']['total']:.2f} s / {scoring['mieb']['total']:.2f} s"
                   f" = {scoring['ratio']:.1f}x{limit} | {'yes' if scoring['ratio'] >= 10 else 'no'} |")
    return "\n".join(out) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--images", type=int, default=5000, help="images per pool (a task reads one or two pools)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--tasks", nargs="*", help="only these workload tasks (default: all)")
    p.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "mieb-speed-vs-reference"),
                   help="where the workload, model and results go (built once)")
    p.add_argument("--reference-python", default=os.environ.get("MIEB_REFERENCE_PYTHON", DEFAULT_REFERENCE),
                   help="interpreter of an environment with mteb==2.26.24")
    p.add_argument("--make-reference-env", metavar="FOLDER", help="create that environment here first")
    p.add_argument("--score-queries", type=int, default=5000)
    p.add_argument("--score-docs", type=int, default=10000)
    p.add_argument("--no-scoring", action="store_true", help="skip the retrieval-scoring comparison")
    p.add_argument("--no-tasks", action="store_true", help="only the retrieval-scoring comparison")
    p.add_argument("--no-draft", dest="draft", action="store_false",
                   help="skip the opt-in draft decode runs (each task a third time, and MIEB(offline) twice)")
    p.add_argument("--out", help="write OUT.md and OUT.json")
    p.add_argument("--report-from", metavar="JSON", help="only render the report of an earlier run's OUT.json "
                   "(or the OUT.partial.json of a run cut short)")
    args = p.parse_args()
    if args.report_from:
        saved = json.loads(Path(args.report_from).read_text())
        if isinstance(saved, list):  # a partial run: its finished tasks only
            saved = {"tasks": saved, "scoring": None, "offline_draft": None,
                     "meta": {"machine": "?", "load_before": "?", "load_after": "?", "images": "?",
                              "batch_size": "?", "command": f"(tasks finished before the run was cut short: "
                                                            f"{args.report_from})"}}
        print(report(saved["tasks"], saved["scoring"], saved["offline_draft"], saved["meta"], saved.get("floor")))
        return
    reference_python = str(make_reference_env(Path(args.make_reference_env))) if args.make_reference_env \
        else args.reference_python
    meta = {"machine": f"{platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} CPUs",
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()), "images": args.images,
            "batch_size": args.batch_size, "command": "python " + " ".join(sys.argv)}
    rows = [] if args.no_tasks else run_tasks(args, reference_python)
    offline = run_offline_draft_shift(args) if args.draft and not args.no_tasks else None
    scoring = None if args.no_scoring else run_scoring(args, reference_python)
    floor = None if args.no_tasks else measure_floor(speed_workload.tiny_clip(Path(args.work)))
    meta["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(rows, scoring, offline, meta, floor)
    print(text)
    if args.out:
        Path(args.out).with_suffix(".md").write_text(text)
        Path(args.out).with_suffix(".json").write_text(json.dumps({"meta": meta, "tasks": rows, "scoring": scoring,
                                                                   "offline_draft": offline, "floor": floor},
                                                                  indent=1))


if __name__ == "__main__":
    main()
