"""Result paths (every name checked by `mieb.paths.safe_component`) and atomic writes (`mieb.atomic`)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal, get_args

from mieb.atomic import write_json_atomic
from mieb.paths import safe_component

__all__ = ["ERRORS_FOLDER", "OVERWRITE_STRATEGIES", "OverwriteStrategy", "error_file", "error_path", "model_dir",
           "result_file", "result_path", "round_floats", "write_json_atomic"]

# What a run does with results already on disk (see `mieb.runner.run.MIEB.run`).
OverwriteStrategy = Literal["always", "never", "only-missing", "only-cache"]
OVERWRITE_STRATEGIES: tuple[str, ...] = get_args(OverwriteStrategy)
ERRORS_FOLDER = "errors"


def model_dir(output_folder: str | Path, model_folder_name: str, revision: str) -> Path:
    """`{output}/{model name with "/" as "__"}/{revision}`, the reference's layout.

    Raises `mieb.paths.UnsafeNameError` if either name would not stay inside `output_folder`.
    """
    return (Path(output_folder) / safe_component(model_folder_name, "model folder name")
            / safe_component(revision, "model revision"))


def result_file(revision_dir: Path, task_name: str) -> Path:
    """`{revision_dir}/{task}.json`; raises `UnsafeNameError` for a task name that is not a plain file name."""
    return revision_dir / f"{safe_component(task_name, 'task name')}.json"


def error_file(revision_dir: Path, task_name: str) -> Path:
    """Failures go to a sub-folder, so readers that load every `*.json` of a revision never see them."""
    return revision_dir / ERRORS_FOLDER / f"{safe_component(task_name, 'task name')}.json"


def result_path(output_folder: str | Path, model_folder_name: str, revision: str, task_name: str) -> Path:
    return result_file(model_dir(output_folder, model_folder_name, revision), task_name)


def error_path(output_folder: str | Path, model_folder_name: str, revision: str, task_name: str) -> Path:
    return error_file(model_dir(output_folder, model_folder_name, revision), task_name)


def round_floats(obj: Any, ndigits: int = 6) -> Any:
    """Round every finite float in a nested structure, as the reference does before writing scores."""
    if isinstance(obj, float):
        return round(obj, ndigits) if math.isfinite(obj) else obj
    if isinstance(obj, dict):
        return {k: round_floats(v, ndigits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [round_floats(v, ndigits) for v in obj]
    return obj
