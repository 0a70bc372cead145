"""`mieb download`: fetch every dataset a task selection needs into the Hugging Face cache.

Each task's own loader is run once per split and subset, at the pinned revision, so exactly what a later
`mieb run` reads (configs, splits, the prepared Arrow cache) is on disk; a cluster without internet can
then run with HF_HUB_OFFLINE=1. Tasks whose data is already cached are skipped without network access.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from mieb.cli.selection import add_task_filters, select_tasks
from mieb.tasks.task import Task

Status = Literal["downloaded", "cached", "built", "failed"]


@dataclass
class Outcome:
    task: str
    status: Status
    seconds: float = 0.0
    message: str = ""


Report = Callable[[int, int, Task, Outcome | None], None]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("download", help="fetch the datasets of tasks into the Hugging Face cache",
                       description="Download (at their pinned revisions) the datasets a benchmark or task "
                                   "selection needs, so that it can later run offline with HF_HUB_OFFLINE=1. Set "
                                   "HF_HOME or HF_DATASETS_CACHE to choose where the cache lives.")
    add_task_filters(p)
    p.set_defaults(func=cmd_download)


def data_tasks(tasks: list[Task]) -> list[Task]:
    """The tasks whose data must be fetched: aggregates are replaced by the subtask subsets they average."""
    from mieb.tasks.kinds.base import AggregateKind

    out: list[Task] = []
    for task in tasks:
        kind = task.kind
        out += kind.subtasks(task) if isinstance(kind, AggregateKind) else [task]
    return list(dict.fromkeys(out))


def fetch(task: Task) -> None:
    """Run the task's loader on every split and subset; `datasets` downloads and prepares what it reads."""
    from mieb.tasks.kinds.base import SplitContext, TaskKind

    kind = task.kind
    if not isinstance(kind, TaskKind):
        raise TypeError(f"task {task.name} has no data of its own (an aggregate): fetch its subtasks")
    for split in task.metadata.eval_splits:
        for subset in task.hf_subsets:
            kind.load(task, SplitContext(split, subset))


def download(tasks: list[Task], report: Report | None = None) -> list[Outcome]:
    """Fetch each task's data unless it is already cached; `report(i, n, task, outcome)` is called before
    (outcome None) and after each task. A failure is recorded and the next task goes on."""
    plan = data_tasks(tasks)
    outcomes = []
    for i, task in enumerate(plan, 1):
        if report:
            report(i, len(plan), task, None)
        start = time.perf_counter()
        status = task.cache_status()
        if status == "yes":
            outcome = Outcome(task.name, "cached")
        else:
            try:
                fetch(task)
                outcome = Outcome(task.name, "built" if status == "local" else "downloaded")
            except Exception as e:  # noqa: BLE001 - report every failure and go on with the next task
                outcome = Outcome(task.name, "failed", message=str(e) or type(e).__name__)
            if outcome.status == "downloaded" and task.cache_status() != "yes":
                outcome.message = "loaded, but the cache check does not see all of it (please report this)"
        outcome.seconds = time.perf_counter() - start
        outcomes.append(outcome)
        if report:
            report(i, len(plan), task, outcome)
    return outcomes


def cmd_download(args: argparse.Namespace) -> int:
    from rich.console import Console

    from mieb import hub
    from mieb.cli import EXIT_FAILED, EXIT_OK
    from mieb.cli.tables import print_table
    from mieb.data.hub_cache import hub_offline
    from mieb.errors import MiebError, UsageError

    if hub_offline():
        raise UsageError("HF_HUB_OFFLINE is set: unset it (on a machine with internet) to download")
    tasks = select_tasks(args, default_all=False)
    console = Console(stderr=True)

    def report(i: int, n: int, task: Task, outcome: Outcome | None) -> None:
        ref = task.metadata.dataset
        if outcome is None:
            console.print(f"[{i}/{n}] {task.name}: {ref.path}@{ref.revision[:8]} ...")
        else:
            console.print(f"[{i}/{n}] {task.name}: {outcome.status} ({outcome.seconds:.1f} s)"
                          + (f" - {outcome.message}" if outcome.message else ""), highlight=False)

    with hub.run_scope():
        needed = [t.name for t in data_tasks(tasks) if t.cache_status() not in ("yes", "local")]
        if needed and not hub.status().reachable:  # one line in seconds, not retries per task
            raise MiebError(
                f"cannot download the data of {len(needed)} task(s) ({', '.join(needed[:5])}"
                f"{', ...' if len(needed) > 5 else ''}): the Hugging Face Hub cannot be reached "
                f"({hub.status().reason}). Run this where there is internet (with the same HF_HOME), or check "
                "HF_ENDPOINT and the proxy settings"
            )
        outcomes = download(tasks, report)
    columns = {"downloaded": "downloaded", "cached": "already cached", "built": "built locally", "failed": "failed"}
    counts = [sum(o.status == status for o in outcomes) for status in columns]
    print_table("download summary", list(columns.values()), [counts], justify_right=list(columns.values()))
    failed = [o for o in outcomes if o.status == "failed"]
    for o in failed:
        print(f"FAILED {o.task}: {o.message}")
    return EXIT_FAILED if failed else EXIT_OK
