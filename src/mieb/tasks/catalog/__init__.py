"""The task catalog as data: every module here defines `TASKS: list[TaskMetadata]`.

Modules are discovered, so adding a dataset means adding entries (or a module) here and nothing else.
Modules whose name starts with "_" hold what the others share (dataset sources, citations, helpers).
"""

from __future__ import annotations

import importlib
import pkgutil

from mieb.tasks.metadata import TaskMetadata


def load_catalog() -> dict[str, TaskMetadata]:
    """All registered task metadata by name. A name defined twice is an error, and so is what a task's
    protocol rejects (`Kind.check`: e.g. a custom loader name that no protocol registers)."""
    from mieb.tasks.kinds import get_kind

    out: dict[str, TaskMetadata] = {}
    where: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for meta in getattr(module, "TASKS", []):
            if meta.name in out:
                raise ValueError(
                    f"duplicate task name {meta.name!r}: defined in {where[meta.name]} and {module.__name__}"
                )
            out[meta.name] = meta
            where[meta.name] = module.__name__
    for meta in out.values():
        get_kind(meta.settings.kind).check(meta)
    return out
