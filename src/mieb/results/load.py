"""Reading results folders: `{root}/{model}/{revision}/{task}.json`, as mieb and the reference write them.

`root` may be a results folder, one model's or one revision's folder, or a local clone of the
reference's public results repository (whose scores sit under `results/`). Files in the
reference's 1.x (including pre-1.11) and 2.x formats load alongside mieb's own.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mieb.paths import safe_component
from mieb.results.schema import TaskResult

logger = logging.getLogger("mieb")

# Sub-folders of a revision folder that hold something other than the default run: the reference's
# runs with extra model kwargs, and mieb's records of failed tasks.
_NOT_RESULTS = {"experiments", "errors"}
MODEL_META_FILE = "model_meta.json"


@dataclass
class ModelResults:
    model_name: str
    revision: str
    path: Path
    tasks: dict[str, TaskResult] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # model_meta.json, when the folder has one


def _is_revision_dir(p: Path) -> bool:
    return p.is_dir() and p.name not in _NOT_RESULTS and any(p.glob("*.json"))


def _subdirs(p: Path) -> list[Path]:
    return sorted(c for c in p.iterdir() if c.is_dir() and not c.name.startswith(".") and c.name not in _NOT_RESULTS)


def find_revision_dirs(root: Path) -> list[Path]:
    """Revision folders under `root`, which may itself be a results root, a model folder or a revision."""
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"no results folder at {root}")
    if (root / "results").is_dir() and not _is_revision_dir(root / "results"):
        root = root / "results"  # a clone of the results repository, or an mteb cache folder
    if _is_revision_dir(root) and not any(_is_revision_dir(c) for c in _subdirs(root)):
        return [root]
    found = []
    for model_dir in _subdirs(root):
        if _is_revision_dir(model_dir) and not any(_is_revision_dir(c) for c in _subdirs(model_dir)):
            found.append(model_dir)  # root was a model folder
            continue
        found.extend(r for r in _subdirs(model_dir) if _is_revision_dir(r))
    return found


def _read_meta(rev_dir: Path) -> dict[str, Any]:
    meta_file = rev_dir / MODEL_META_FILE
    if not meta_file.is_file():
        return {}
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        logger.warning("skipping unreadable %s: %s", meta_file, e)
        return {}
    return meta if isinstance(meta, dict) else {}


@dataclass
class ResultListing:
    """One revision folder as listed, without reading its result files: task names are file names."""

    model_name: str
    revision: str
    path: Path
    task_names: list[str]
    meta: dict[str, Any]


def list_results(path: str | Path) -> list[ResultListing]:
    """Every model revision folder under `path` and the task names of its result files (nothing parsed
    but model_meta.json); raises FileNotFoundError when `path` does not exist."""
    out = []
    for rev_dir in find_revision_dirs(Path(path)):
        meta = _read_meta(rev_dir)
        name = meta.get("name") or rev_dir.parent.name.replace("__", "/")
        names = [f.stem for f in sorted(rev_dir.glob("*.json")) if f.name != MODEL_META_FILE]
        out.append(ResultListing(name, rev_dir.name, rev_dir, names, meta))
    return out


def load_results(path: str | Path, tasks: Iterable[str] | None = None) -> list[ModelResults]:
    """Every model revision's task results under `path`; unreadable files are skipped with a warning.

    `tasks` restricts reading to those task names (by file name), which keeps loading a clone of the
    whole public results repository (every MTEB task) fast.
    """
    wanted = set(tasks) if tasks is not None else None
    out = []
    for listing in list_results(path):
        rev_dir = listing.path
        mr = ModelResults(model_name=listing.model_name, revision=listing.revision, path=rev_dir, meta=listing.meta)
        for task_name in listing.task_names:
            f = rev_dir / f"{task_name}.json"
            if wanted is not None and task_name not in wanted:
                continue
            try:
                tr = TaskResult.from_disk(f)
                safe_component(tr.task_name, "task name")  # later named as a file (site copies, links)
            except Exception as e:  # noqa: BLE001 - one bad file must not hide the rest
                logger.warning("skipping unreadable result %s: %s", f, e)
                continue
            mr.tasks[tr.task_name] = tr
        if mr.tasks:
            out.append(mr)
    return out
