"""Result paths and atomic writes: a crash never leaves a half-written result behind."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Literal, get_args

# What a run does with results already on disk (see `mieb.runner.run.MIEB.run`).
OverwriteStrategy = Literal["always", "never", "only-missing", "only-cache"]
OVERWRITE_STRATEGIES: tuple[str, ...] = get_args(OverwriteStrategy)


def model_dir(output_folder: str | Path, model_folder_name: str, revision: str) -> Path:
    """`{output}/{model name with "/" as "__"}/{revision}`, the reference's layout."""
    return Path(output_folder) / model_folder_name / revision


def result_path(output_folder: str | Path, model_folder_name: str, revision: str, task_name: str) -> Path:
    return model_dir(output_folder, model_folder_name, revision) / f"{task_name}.json"


def error_path(output_folder: str | Path, model_folder_name: str, revision: str, task_name: str) -> Path:
    """Failures go to a sub-folder, so readers that load every `*.json` of a revision never see them."""
    return model_dir(output_folder, model_folder_name, revision) / "errors" / f"{task_name}.json"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def round_floats(obj: Any, ndigits: int = 6) -> Any:
    """Round every finite float in a nested structure, as the reference does before writing scores."""
    if isinstance(obj, float):
        return round(obj, ndigits) if math.isfinite(obj) else obj
    if isinstance(obj, dict):
        return {k: round_floats(v, ndigits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [round_floats(v, ndigits) for v in obj]
    return obj
