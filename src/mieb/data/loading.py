"""Loading task data from the Hugging Face hub (or the local offline world) with errors users can act on."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mieb import hub
from mieb.data.hub_cache import (
    DataNeed,
    cached_configs,
    cached_revisions,
    hub_offline,
    local_cache_dir,
    missing_needs,
)
from mieb.data.source import DatasetSource
from mieb.errors import TaskDataError

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict


def dataset_location(meta: DatasetSource) -> tuple[str, str | None]:
    """(path for load_dataset, revision): the hub id and pinned revision, or the built offline folder."""
    ref = meta.dataset
    if ref.generator is not None:
        from mieb.data.synthetic import materialize

        return str(materialize(ref.generator, ref.revision)), None
    return ref.path, ref.revision


def load_split(meta: DatasetSource, split: str, config: str | None = None) -> Dataset:
    """`datasets.load_dataset(path, name=config, revision=..., split=split)` for one task split.

    Honours HF_HUB_OFFLINE and the HF cache as `datasets` does. A gated dataset, a missing config or a
    missing split raises `TaskDataError` naming the task and what is missing.
    """
    return _load(meta, config, split)


def load_splits(meta: DatasetSource, config: str | None = None) -> DatasetDict:
    """Every split of one config, in the dataset's own split order (for loaders that combine splits)."""
    return _load(meta, config, None)


def _load(meta: DatasetSource, config: str | None, split: str | None) -> Any:
    import datasets

    path, revision = dataset_location(meta)
    if not Path(path).is_dir():
        current = hub.status()  # in a run, decided once: if the Hub cannot be reached, offline mode from here on
        _check_offline_revision(meta, path, revision, config, split)  # the more precise message first
        _check_reachable(meta, path, revision, config, split, current)
    cache_dir = str(local_cache_dir(path)) if Path(path).is_dir() else None
    try:
        return datasets.load_dataset(path, name=config, revision=revision, split=split, cache_dir=cache_dir)
    except Exception as e:  # datasets raises many types; translate the ones users can act on
        raise _translate_load_error(meta, split, config, e) from e


def dataset_config_names(meta: DatasetSource) -> list[str]:
    """The dataset's config names. Offline, `datasets` reports only "default" for a cached hub dataset,
    so the names come from the local cache at the pinned revision instead."""
    import datasets

    path, revision = dataset_location(meta)
    current = None if Path(path).is_dir() else hub.status()
    if current is not None and not current.reachable:
        names = cached_configs(path, revision)
        if not names:
            raise TaskDataError(meta.name, hub.dataset_unavailable(meta.name, f"{path}@{revision}", current))
        return names
    return list(datasets.get_dataset_config_names(path, revision=revision))


def _check_reachable(meta: DatasetSource, path: str, revision: str | None, config: str | None,
                     split: str | None, current: hub.HubStatus) -> None:
    """A hub dataset that the Hub cannot serve now and the local cache lacks fails at once, not after
    `datasets`' retries."""
    if current.reachable or revision is None:
        return
    if missing_needs(path, revision, [DataNeed(config, split)]):
        where = f"{path}@{revision}" + (f" config {config!r}" if config else "")
        raise TaskDataError(meta.name, hub.dataset_unavailable(meta.name, where, current), split=split)


def _check_offline_revision(meta: DatasetSource, path: str, revision: str | None, config: str | None,
                            split: str | None) -> None:
    """Offline, `datasets` silently loads whichever revision of a config was cached last; refuse a cache
    that holds the config only at other revisions, since results record the pinned one."""
    if not hub_offline() or revision is None or Path(path).is_dir():
        return
    others = cached_revisions(path, config)
    if others and revision not in others:
        raise TaskDataError(
            meta.name,
            f"the local cache holds {path}" + (f" config {config!r}" if config else "")
            + f" only at revision(s) {sorted(others)}, not at the pinned {revision}; "
            f"fetch it with `mieb download -t {meta.name}` where there is internet",
            split=split,
        )


def _translate_load_error(meta: DatasetSource, split: str | None, config: str | None, e: Exception) -> Exception:
    text = f"{type(e).__name__}: {e}"
    where = f"{meta.dataset.path}@{meta.dataset.revision}" + (f" config {config!r}" if config else "")
    low = text.lower()
    if hub_offline() or "offline" in low:
        gated = f" It is gated: {_auth_hint(meta)} before downloading." if meta.dataset.gated else ""
        return TaskDataError(
            meta.name,
            f"dataset {where} is not in the local Hugging Face cache and HF_HUB_OFFLINE is set; fetch it first "
            f"where there is internet (`mieb download -t {meta.name}`).{gated} Original error: {text}",
            split=split,
        )
    if meta.dataset.gated or "gated" in low or "authenticat" in low or re.search(r"\b(401|403)\b", low):
        return TaskDataError(
            meta.name, f"dataset {where} is gated on the Hugging Face Hub: {_auth_hint(meta)}. "
            f"Original error: {text}", split=split,
        )
    if split is not None and ("unknown split" in low or ("split" in low and "not" in low and split in text)):
        return TaskDataError(meta.name, f"dataset {where} has no split {split!r} ({text})", split=split)
    return TaskDataError(meta.name, f"could not load dataset {where}: {text}", split=split)


def _auth_hint(meta: DatasetSource) -> str:
    return (f"accept its terms on https://huggingface.co/datasets/{meta.dataset.path} and log in with "
            "`hf auth login` (or set HF_TOKEN)")


def require_columns(meta: DatasetSource, ds: Any, columns: Iterable[str], split: str,
                    config: str | None = None) -> None:
    """Fail early, naming task, split and column, when a dataset lacks a column the protocol reads."""
    have = list(ds.column_names)
    for col in columns:
        if col not in have:
            where = f" (config {config!r})" if config else ""
            raise TaskDataError(meta.name, f"missing column{where}; the dataset has {have}", split=split, column=col)


def require_text(meta: DatasetSource, values: Sequence[Any], split: str, column: str, *,
                 config: str | None = None, ids: Sequence[Any] | None = None,
                 rows: Iterable[int] | None = None) -> None:
    """Fail, naming task, split, column and row (and the row's id), on the first value among `rows`
    (default: all) of a text the model reads that is not a string. The reference cannot build a model
    input from a missing text either: it fails with a bare TypeError (title + text, text.strip()) or its
    collate's "Found None in batch"."""
    for row in range(len(values)) if rows is None else rows:
        value = values[row]
        if not isinstance(value, str):
            where = f" of config {config!r}" if config else ""
            which = f" (id {ids[row]!r})" if ids is not None else ""
            raise TaskDataError(meta.name, f"text{where}{which} is {value!r}, not a string", split=split,
                                column=column, row=row)


def require_labels(meta: DatasetSource, values: Sequence[Any], split: str, column: str, *,
                   rows: Iterable[int] | None = None) -> None:
    """Fail, naming task, split, column and row, on the first missing (None) label among `rows` (default:
    all): the reference's scikit-learn fails on it with a bare TypeError."""
    for row in range(len(values)) if rows is None else rows:
        if values[row] is None:
            raise TaskDataError(meta.name, "label is missing (None)", split=split, column=column, row=row)


def read_column(ds: Any, column: str) -> list[Any]:
    """A whole non-image column at Arrow speed (not row by row), honouring select/filter indices."""
    table = ds.select_columns([column]).with_format("arrow")[0 : len(ds)]
    return table.column(column).to_pylist()
