"""Loading task data from the Hugging Face hub (or the local offline world) with errors users can act on."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mieb.errors import TaskDataError

if TYPE_CHECKING:
    from datasets import Dataset

    from mieb.tasks.metadata import TaskMetadata


def dataset_location(meta: TaskMetadata) -> tuple[str, str | None]:
    """(path for load_dataset, revision): the hub id and pinned revision, or the built offline folder."""
    ref = meta.dataset
    if ref.generator is not None:
        from mieb.data.synthetic import materialize

        return str(materialize(ref.generator, ref.revision)), None
    return ref.path, ref.revision


def load_split(meta: TaskMetadata, split: str, config: str | None = None) -> Dataset:
    """`datasets.load_dataset(path, name=config, revision=..., split=split)` for one task split.

    Honours HF_HUB_OFFLINE and the HF cache as `datasets` does. A gated dataset, a missing config or a
    missing split raises `TaskDataError` naming the task and what is missing.
    """
    import datasets

    path, revision = dataset_location(meta)
    try:
        return datasets.load_dataset(path, name=config, revision=revision, split=split,
                                     cache_dir=local_cache_dir(path))
    except Exception as e:  # datasets raises many types; translate the ones users can act on
        raise _translate_load_error(meta, split, config, e) from e


def local_cache_dir(path: str) -> str | None:
    """A cache folder keyed by a local dataset folder's files, None for hub datasets.

    `datasets` keys its Arrow cache of a local folder by the folder's name only, so two different
    folders with the same name (or a rebuilt one) would silently share a stale cache.
    """
    import hashlib

    import datasets

    root = Path(path)
    if not root.is_dir():
        return None
    h = hashlib.sha256(str(root.resolve()).encode())
    for f in sorted(p for p in root.rglob("*") if p.is_file() and ".cache" not in p.parts):
        st = f.stat()
        h.update(f"{f.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return str(Path(datasets.config.HF_DATASETS_CACHE) / "mieb-local" / h.hexdigest()[:20])


def _translate_load_error(meta: TaskMetadata, split: str, config: str | None, e: Exception) -> Exception:
    text = f"{type(e).__name__}: {e}"
    where = f"{meta.dataset.path}@{meta.dataset.revision}" + (f" config {config!r}" if config else "")
    low = text.lower()
    if meta.dataset.gated or "gated" in low or "401" in low or "403" in low:
        return TaskDataError(
            meta.name,
            f"dataset {where} is gated on the Hugging Face Hub: accept its terms on "
            f"https://huggingface.co/datasets/{meta.dataset.path} and log in with `hf auth login` "
            f"(or set HF_TOKEN). Original error: {text}",
            split=split,
        )
    if "unknown split" in low or ("split" in low and "not" in low and split in text):
        return TaskDataError(meta.name, f"dataset {where} has no split {split!r} ({text})", split=split)
    if os.environ.get("HF_HUB_OFFLINE") in {"1", "true", "True", "YES", "yes"} or "offline" in low:
        return TaskDataError(
            meta.name,
            f"dataset {where} is not in the local Hugging Face cache and HF_HUB_OFFLINE is set; "
            f"fetch it first where there is internet. Original error: {text}",
            split=split,
        )
    return TaskDataError(meta.name, f"could not load dataset {where}: {text}", split=split)


def require_columns(meta: TaskMetadata, ds: Any, columns: Iterable[str], split: str,
                    config: str | None = None) -> None:
    """Fail early, naming task, split and column, when a dataset lacks a column the protocol reads."""
    have = list(ds.column_names)
    for col in columns:
        if col not in have:
            where = f" (config {config!r})" if config else ""
            raise TaskDataError(meta.name, f"missing column{where}; the dataset has {have}", split=split, column=col)


def read_column(ds: Any, column: str) -> list[Any]:
    """A whole non-image column at Arrow speed (not row by row), honouring select/filter indices."""
    table = ds.select_columns([column]).with_format("arrow")[0 : len(ds)]
    return table.column(column).to_pylist()
