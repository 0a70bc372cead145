"""mieb: the Massive Image Embedding Benchmark, fast and reproducible.

    import mieb
    tasks = mieb.get_tasks(task_types=["ZeroShotClassification"])      # or mieb.get_benchmark("MIEB(lite)")
    model = mieb.get_model("openai/clip-vit-base-patch16")
    mieb.MIEB(tasks=tasks).run(model, output_folder="results")

Public names are imported on first use, so `import mieb` stays light (no torch, no transformers).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"  # the one version source (pyproject.toml reads it)

_EXPORTS: dict[str, str] = {
    "get_task": "mieb.tasks.registry",
    "get_tasks": "mieb.tasks.registry",
    "get_task_metadata": "mieb.tasks.registry",
    "Task": "mieb.tasks.task",
    "TaskMetadata": "mieb.tasks.metadata",
    "DatasetRef": "mieb.tasks.metadata",
    "SplitStats": "mieb.tasks.metadata",
    "tasks_from_file": "mieb.tasks.files",
    # The settings block of each task type's protocol, for tasks of your own (see the README).
    "ZeroShotSettings": "mieb.tasks.kinds.zeroshot",
    "RetrievalSettings": "mieb.tasks.kinds.retrieval",
    "MultipleChoiceSettings": "mieb.tasks.kinds.multiple_choice",
    "LinearProbeSettings": "mieb.tasks.kinds.linear_probe",
    "MultilabelSettings": "mieb.tasks.kinds.multilabel",
    "ClusteringSettings": "mieb.tasks.kinds.clustering",
    "CompositionalitySettings": "mieb.tasks.kinds.compositionality",
    "STSSettings": "mieb.tasks.kinds.sts",
    "AggregateSettings": "mieb.tasks.kinds.aggregate",
    "get_benchmark": "mieb.benchmarks",
    "get_benchmarks": "mieb.benchmarks",
    "Benchmark": "mieb.benchmarks",
    "get_model": "mieb.models.registry",
    "get_model_meta": "mieb.models.registry",
    "get_model_metas": "mieb.models.registry",
    "ModelMeta": "mieb.models.meta",
    "MIEB": "mieb.runner.run",
    "evaluate": "mieb.runner.run",
    "RunReport": "mieb.runner.run",
    "TaskResult": "mieb.results.schema",
    "load_results": "mieb.results.load",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # for type checkers and IDEs; at run time `__getattr__` imports on first use
    from mieb.benchmarks import Benchmark, get_benchmark, get_benchmarks
    from mieb.models.meta import ModelMeta
    from mieb.models.registry import get_model, get_model_meta, get_model_metas
    from mieb.results.load import load_results
    from mieb.results.schema import TaskResult
    from mieb.runner.run import MIEB, RunReport, evaluate
    from mieb.tasks.files import tasks_from_file
    from mieb.tasks.kinds.aggregate import AggregateSettings
    from mieb.tasks.kinds.clustering import ClusteringSettings
    from mieb.tasks.kinds.compositionality import CompositionalitySettings
    from mieb.tasks.kinds.linear_probe import LinearProbeSettings
    from mieb.tasks.kinds.multilabel import MultilabelSettings
    from mieb.tasks.kinds.multiple_choice import MultipleChoiceSettings
    from mieb.tasks.kinds.retrieval import RetrievalSettings
    from mieb.tasks.kinds.sts import STSSettings
    from mieb.tasks.kinds.zeroshot import ZeroShotSettings
    from mieb.tasks.metadata import DatasetRef, SplitStats, TaskMetadata
    from mieb.tasks.registry import get_task, get_task_metadata, get_tasks
    from mieb.tasks.task import Task


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mieb' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
