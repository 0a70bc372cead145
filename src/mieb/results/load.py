"""Reading results folders: `{root}/{model}/{revision}/{task}.json`, as mieb and the reference write them."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from mieb.results.schema import TaskResult

logger = logging.getLogger("mieb")


@dataclass
class ModelResults:
    model_name: str
    revision: str
    path: Path
    tasks: dict[str, TaskResult] = field(default_factory=dict)


def _is_revision_dir(p: Path) -> bool:
    return p.is_dir() and (any(p.glob("*.json")))


def find_revision_dirs(root: Path) -> list[Path]:
    """Revision folders under `root`, which may itself be a results root, a model folder or a revision."""
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"no results folder at {root}")
    if _is_revision_dir(root) and not any(c.is_dir() and _is_revision_dir(c) for c in root.iterdir()):
        return [root]
    found = []
    for model_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if _is_revision_dir(model_dir) and not any(c.is_dir() and _is_revision_dir(c) for c in model_dir.iterdir()):
            found.append(model_dir)  # root was a model folder
            continue
        found.extend(sorted(r for r in model_dir.iterdir() if _is_revision_dir(r)))
    return found


def load_results(path: str | Path) -> list[ModelResults]:
    """Every model revision's task results under `path`; unreadable files are skipped with a warning."""
    out = []
    for rev_dir in find_revision_dirs(Path(path)):
        meta_file = rev_dir / "model_meta.json"
        name = rev_dir.parent.name.replace("__", "/")
        if meta_file.is_file():
            try:
                name = json.loads(meta_file.read_text()).get("name") or name
            except (OSError, ValueError):
                pass
        mr = ModelResults(model_name=name, revision=rev_dir.name, path=rev_dir)
        for f in sorted(rev_dir.glob("*.json")):
            if f.name == "model_meta.json":
                continue
            try:
                tr = TaskResult.from_disk(f)
            except Exception as e:  # noqa: BLE001 - one bad file must not hide the rest
                logger.warning("skipping unreadable result %s: %s", f, e)
                continue
            mr.tasks[tr.task_name] = tr
        out.append(mr)
    return out
