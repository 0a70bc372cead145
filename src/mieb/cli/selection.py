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
    p.add_argument("--tasks-from", action="append", metavar="FILE",
                   help="tasks of your own: a YAML or JSON file of TaskMetadata, or a Python module defining "
                        "TASKS (repeatable; added to any other selection; see the README)")


def select_tasks(args: argparse.Namespace, *, default_all: bool) -> list[Task]:
    """The tasks the command line selects, then those of --tasks-from files. Unknown names raise
    `UnknownNameError`; filters that select nothing together raise `UsageError` saying what each filter
    selects on its own; a task file's task named like a catalog task raises `UsageError`."""
    from mieb.benchmarks import get_benchmark
    from mieb.tasks.registry import get_tasks

    own = _tasks_from_files(getattr(args, "tasks_from", None) or [])
    given = {f: getattr(args, f) for f in _FILTERS if getattr(args, f)}
    if args.benchmark:
        if given:
            logger.warning("a benchmark is given: ignoring --%s", ", --".join(f.replace("_", "-") for f in given))
        tasks: list[Task] = []
        for name in args.benchmark:
            tasks.extend(get_benchmark(name).tasks)
        return list(dict.fromkeys(tasks)) + own
    if not given:
        if own:
            return own
        if not default_all:
            raise UsageError("select tasks with -b/--benchmark, -t/--tasks, a filter (--task-types, ...) or "
                             "--tasks-from FILE")
    tasks = get_tasks(**given)
    if given and not tasks:
        alone = [f"{_flag(f)} {' '.join(v)} selects {len(get_tasks(**{f: v}))}" for f, v in given.items()]
        raise UsageError(f"no task matches all of the filters: {'; '.join(alone)}. "
                         "`mieb list tasks` shows each task's type, category and languages")
    return tasks + own


def _tasks_from_files(files: list[str]) -> list[Task]:
    from mieb.tasks.files import tasks_from_file
    from mieb.tasks.registry import task_names

    catalog = set(task_names())
    out: list[Task] = []
    for file in files:
        for task in tasks_from_file(file):
            if task.name in catalog:
                raise UsageError(f"task file {file}: task {task.name} has the name of a MIEB task; give it a name of "
                                 "its own (results are files named after the task)")
            if any(t.name == task.name for t in out):
                raise UsageError(f"task {task.name} is defined in more than one --tasks-from file")
            out.append(task)
    return out


def _flag(field: str) -> str:
    return {"tasks": "-t"}.get(field, "--" + field.replace("_", "-"))
