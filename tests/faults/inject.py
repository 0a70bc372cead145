"""Run MIEB on small local tasks with a kill -9 armed at one moment (the fault suite runs this in a subprocess).

    python inject.py '{"root": DATA, "out": OUT, "cache": CACHE, "kill": MOMENT, "task": NAME, "delay": S}'

The tasks are ColourT2IRetrieval, ColourZeroShot and ColourProbe (tests/local_tasks.py, built under
DATA), the model the colour oracle (tests/fake_models.py; `delay` seconds of sleep per batch make runs
overlap). MOMENT: "encode" (the model's second image batch of task NAME), "score" (inside the zero-shot
metric, after the embeddings are computed), "cache" (between two SQLite steps of an embedding-cache
write transaction during task NAME), "write" (writing NAME's result: its temporary file is complete
but not yet renamed), or null for a plain run. `only` restricts the tasks. The process kills itself with SIGKILL
there, which is what `kill -9` from outside at that instant does. Prints a JSON report when it ends.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

TASKS = ("ColourT2IRetrieval", "ColourZeroShot", "ColourProbe")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    cfg = json.loads(sys.argv[1])
    from fake_models import ColourOracle
    from local_tasks import colour_probe, colour_t2i, colour_zeroshot

    import mieb.cache.store as store_module
    import mieb.metrics.zeroshot as zeroshot
    from mieb.errors import MiebError
    from mieb.runner.run import MIEB

    root = Path(cfg["root"])
    tasks = [colour_t2i(root), colour_zeroshot(root), colour_probe(root)]
    assert [t.name for t in tasks] == list(TASKS)
    tasks = [t for t in tasks if t.name in cfg.get("only", TASKS)]
    if not tasks:  # only the datasets were wanted
        print(json.dumps({"built": str(root)}))
        return
    state = {"batches": 0, "armed": False}
    moment, target, delay = cfg.get("kill"), cfg.get("task"), float(cfg.get("delay", 0))

    class Watched(ColourOracle):
        def encode_images(self, images, ctx):  # noqa: ANN001, ANN201 - the Encoder method's signature
            time.sleep(delay)
            if ctx.task_name == target:
                state["armed"] = True
                state["batches"] += 1
                if moment == "encode" and state["batches"] == 2:
                    die()
            return super().encode_images(images, ctx)

    if moment == "score":
        scores = zeroshot.zeroshot_scores

        def dying_scores(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            die()
            return scores(*args, **kwargs)

        zeroshot.zeroshot_scores = dying_scores
    if moment == "write":
        import mieb.atomic as atomic

        replace = atomic.os.replace

        def dying_replace(src, dst):  # noqa: ANN001, ANN202
            if Path(dst).name == f"{target}.json":
                die()  # the temporary is written and synced, the rename not done
            return replace(src, dst)

        atomic.os.replace = dying_replace
    if moment == "cache":
        make_store = store_module.EmbeddingCache.store

        def store(self, fingerprint):  # noqa: ANN001, ANN202
            s = make_store(self, fingerprint)
            db = s._db  # the real connection: die between two SQLite steps of an open write transaction
            db.set_progress_handler(lambda: die() if state["armed"] and db.in_transaction else 0, 20)
            return s

        store_module.EmbeddingCache.store = store
    try:
        report = MIEB(tasks).run(Watched(), output_folder=cfg["out"], cache=cfg.get("cache") or False,
                                 progress=False, encode_kwargs={"batch_size": 4, "num_workers": 0})
    except MiebError as e:  # as `mieb run` reports it: one line, exit 1
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"ok": report.ok, "skipped": report.skipped, "results": [r.task_name for r in report.results],
                      "failures": report.failures}))


if __name__ == "__main__":
    main()
