"""Task selection options shared by `mieb run` and `mieb list tasks`."""

from __future__ import annotations

import argparse
import logging

from mieb.errors import UsageError
from mieb.tasks.task import Task

logger = logging.getLogger("mieb")


_FILTERS = ("tasks", "task_types", "categories", "languages", "modalities")


def add_task_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("-b", "--benchmark", action="append", metavar="NAME",
                   help="benchmark name, e.g. 'MIEB(lite)' (repeatable, any case); other task filters are then ignored")
    p.add_argument("-t", "--tasks", nargs="+", metavar="TASK", help="task names")
    p.add_argument("--task-types", nargs="+", metavar="TYPE", help="e.g. ZeroShotClassification Any2AnyRetrieval")
    p.add_argument("--categories", nargs="+", metavar="CAT", help="e.g. i2t t2i it2t")
    p.add_argument("-l", "--languages", nargs="+", metavar="LANG", help="ISO 639-3 codes, e.g. eng deu")
    p.add_argument("--modalities", nargs="+", choices=["image", "text"], help="keep tasks using these modalities")


def select_tasks(args: argparse.Namespace, *, default_all: bool) -> list[Task]:
    """The tasks the command line selects. Unknown names raise `UnknownNameError`; filters that select
    nothing together raise `UsageError` saying what each filter selects on its own."""
    from mieb.benchmarks import get_benchmark
    from mieb.tasks.registry import get_tasks

    if args.benchmark:
        filters = [f for f in _FILTERS if getattr(args, f)]
        if filters:
            logger.warning("a benchmark is given: ignoring --%s", ", --".join(f.replace("_", "-") for f in filters))
        tasks: list[Task] = []
        for name in args.benchmark:
            tasks.extend(get_benchmark(name).tasks)
        return list(dict.fromkeys(tasks))
    given = {f: getattr(args, f) for f in _FILTERS if getattr(args, f)}
    if not default_all and not given:
        raise UsageError("select tasks with -b/--benchmark, -t/--tasks or a filter (--task-types, ...)")
    tasks = get_tasks(**given)
    if not tasks:
        alone = [f"{_flag(f)} {' '.join(v)} selects {len(get_tasks(**{f: v}))}" for f, v in given.items()]
        raise UsageError(f"no task matches all of the filters: {'; '.join(alone)}. "
                         "`mieb list tasks` shows each task's type, category and languages")
    return tasks


def _flag(field: str) -> str:
    return {"tasks": "-t"}.get(field, "--" + field.replace("_", "-"))
