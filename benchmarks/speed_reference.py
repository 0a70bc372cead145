"""One task through the reference, mteb 2.26.24, as its users run it: its own task class (the dataset
pointed at a local folder), its own transformers CLIP wrapper, `mteb.evaluate`.

Runs in the reference's environment (see benchmarks/speed.py); it imports nothing of mieb. Prints one
JSON line: the scores, mteb's own phase timings (`TaskResult.evaluation_phases`) and wall-clock marks of this process
(epoch seconds), from which the driver derives start-up, imports, model loading, the task and exit.

    python benchmarks/speed_reference.py TASK DATA_FOLDER MODEL_FOLDER [--subsets de,en] [--batch-size 32]
"""

from __future__ import annotations

import time

MARKS = {"script": time.time()}  # first thing: the interpreter has started

import argparse  # noqa: E402
import json  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("task")
    p.add_argument("data")
    p.add_argument("model")
    p.add_argument("--subsets", default="")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--num-proc", type=int, default=0, help="mteb.evaluate's num_proc (0: its default, None)")
    args = p.parse_args()

    import mteb
    from mteb.models.model_implementations.clip_models import CLIPModel

    MARKS["imported"] = time.time()
    task = mteb.get_task(args.task, hf_subsets=args.subsets.split(",") if args.subsets else None)
    task.metadata = task.metadata.model_copy(update={"dataset": {"path": args.data, "revision": "local"}})
    model = CLIPModel(args.model, revision=None, device="cpu")
    # The card `mteb.get_model` gives a CLIP checkpoint (cosine similarity), named for the local folder.
    model.mteb_model_meta = mteb.get_model_meta("openai/clip-vit-base-patch32").model_copy(
        update={"name": "local/speed-tiny-clip", "revision": "local"})
    MARKS["model_loaded"] = time.time()
    result = mteb.evaluate(model, task, encode_kwargs={"batch_size": args.batch_size}, show_progress_bar=False,
                           overwrite_strategy="always", num_proc=args.num_proc or None)
    MARKS["evaluated"] = time.time()
    (task_result,) = result.task_results
    phases = [{"name": ph["name"], "seconds": ph["end"] - ph["start"]} for ph in task_result.evaluation_phases or []]
    print(json.dumps({"scores": task_result.scores, "phases": phases, "marks": MARKS}))


if __name__ == "__main__":
    main()
