"""Tasks defined outside the catalog, read from a file (`mieb run --tasks-from FILE`, `mieb.tasks_from_file`).

A file holds one or more `TaskMetadata`:
    *.py           a Python module defining `TASKS`, a list of `TaskMetadata` or `Task` (as the catalog's
                   modules do); it is executed, so only give files you trust.
    *.yaml, *.yml  a list of task mappings (or {"tasks": [...]}, or one mapping): the fields of
    *.json         `TaskMetadata`, with `settings` holding `kind` and that protocol's options.
A relative `dataset.path` in a YAML or JSON file that names a folder next to the file is read from there,
so a task folder with its task file can be moved as a whole.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mieb.errors import UsageError
from mieb.tasks.metadata import TaskMetadata
from mieb.tasks.task import Task

DATA_SUFFIXES = (".yaml", ".yml", ".json")


def tasks_from_file(path: str | Path) -> list[Task]:
    """The tasks a file defines, in file order. Raises `UsageError` naming the file (and the task) for a
    missing or unreadable file, a syntax error, an invalid task or a duplicate name."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise UsageError(f"task file {path} does not exist")
    if file.suffix == ".py":
        items = _python_tasks(file)
    elif file.suffix in DATA_SUFFIXES:
        items = [_metadata(file, i, m) for i, m in enumerate(_mappings(file))]
    else:
        raise UsageError(f"task file {path}: expected a .py, .yaml, .yml or .json file")
    tasks = [t if isinstance(t, Task) else Task(t) for t in items]
    seen: set[str] = set()
    for t in tasks:
        if t.name in seen:
            raise UsageError(f"task file {path} defines task {t.name} twice")
        seen.add(t.name)
    if not tasks:
        raise UsageError(f"task file {path} defines no task")
    return tasks


def _python_tasks(file: Path) -> list[Task | TaskMetadata]:
    name = f"mieb_user_tasks_{abs(hash(file.resolve()))}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise UsageError(f"task file {file}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pydantic look their module up while the file runs
    try:
        spec.loader.exec_module(module)
    except ValidationError as e:
        raise UsageError(f"task file {file}: invalid task: {e}") from None
    except Exception as e:
        raise UsageError(f"task file {file} failed to run: {type(e).__name__}: {e}") from e
    items = getattr(module, "TASKS", None)
    if not isinstance(items, list | tuple) or not all(isinstance(t, Task | TaskMetadata) for t in items):
        raise UsageError(f"task file {file} must define TASKS, a list of TaskMetadata or Task")
    return list(items)


def _mappings(file: Path) -> list[Any]:
    text = file.read_text(encoding="utf-8")
    if file.suffix == ".json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise UsageError(f"task file {file} is not valid JSON: {e}") from None
    else:
        import yaml

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as e:  # its message gives the line and column
            raise UsageError(f"task file {file} is not valid YAML: {e}") from None
    if isinstance(doc, dict) and "tasks" in doc:
        doc = doc["tasks"]
    if isinstance(doc, dict):
        doc = [doc]
    if not isinstance(doc, list):
        raise UsageError(f"task file {file}: expected a list of tasks, got {type(doc).__name__}")
    return doc


def _metadata(file: Path, index: int, mapping: Any) -> TaskMetadata:
    where = f"task file {file}, task {index + 1}"
    if not isinstance(mapping, dict):
        raise UsageError(f"{where}: expected a mapping of TaskMetadata fields, got {type(mapping).__name__}")
    if isinstance(mapping.get("name"), str):
        where += f" ({mapping['name']})"
    dataset = mapping.get("dataset")
    if isinstance(dataset, dict) and isinstance(dataset.get("path"), str):
        local = file.parent / dataset["path"]
        if not Path(dataset["path"]).is_absolute() and local.is_dir():
            mapping = {**mapping, "dataset": {**dataset, "path": str(local.resolve())}}
    try:
        return TaskMetadata.model_validate(mapping)
    except ValidationError as e:
        raise UsageError(f"{where}: {e}") from None
