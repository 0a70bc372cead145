"""Whether the local Hugging Face cache holds given (config, split) pairs of a dataset.

With HF_HUB_OFFLINE set, `datasets.load_dataset` reads only its Arrow cache: one folder per prepared
config, `<HF_DATASETS_CACHE>/<namespace>___<name>/<config>/<version>/<commit sha>/` (HF_DATASETS_CACHE
defaults to `$HF_HOME/datasets`). A task is runnable offline when every (config, split) its protocol
reads (`Task.data_needs`, stated by each kind) has such a folder at the task's pinned revision. This
module answers that from the filesystem alone: no network, and no import of `datasets` (listing tasks
stays fast). It knows datasets, not tasks.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

_TRUE = {"1", "ON", "YES", "TRUE"}


@dataclass(frozen=True)
class DataNeed:
    """One Hugging Face config and split a loader reads. `config=None` is the dataset's default (or only)
    config; `split=None` means whichever splits the config has; `alternatives` are other config names the
    loader accepts in its place (e.g. `query` for `queries`)."""

    config: str | None
    split: str | None = None
    alternatives: tuple[str, ...] = ()

    @property
    def configs(self) -> tuple[str, ...] | None:
        return None if self.config is None else (self.config, *self.alternatives)


def hub_offline() -> bool:
    """HF_HUB_OFFLINE (or HF_DATASETS_OFFLINE), read as `datasets` reads it."""
    value = os.environ.get("HF_DATASETS_OFFLINE") or os.environ.get("HF_HUB_OFFLINE") or ""
    return value.upper() in _TRUE


def datasets_cache_dir() -> Path:
    """HF_DATASETS_CACHE, else $HF_HOME/datasets, else $XDG_CACHE_HOME/huggingface/datasets (as `datasets`)."""
    if os.environ.get("HF_DATASETS_CACHE"):
        return Path(os.environ["HF_DATASETS_CACHE"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "~/.cache")
    hf_home = os.environ.get("HF_HOME") or os.path.join(xdg, "huggingface")
    return Path(hf_home).expanduser() / "datasets"


def _snake(name: str) -> str:
    """`datasets`' camel-case to snake-case rule for cache folder names (MMSoc_Memotion -> mm_soc__memotion)."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z\d])([A-Z])", r"\1_\2", name).lower()


def arrow_cache_folder(path: str) -> Path:
    """Where `datasets` prepares the configs of dataset `path`: for a hub id (mteb/cifar10) the shared
    cache's `mteb___cifar10`; for a local folder, mieb's per-folder cache (see `local_cache_dir`)."""
    if Path(path).is_dir():
        return local_cache_dir(path) / _snake(Path(path).name)
    *namespace, name = path.split("/")
    return datasets_cache_dir() / "___".join([*namespace, _snake(name)])


def local_cache_dir(path: str) -> Path:
    """The Arrow cache folder mieb gives a local dataset folder, keyed by the folder's files.

    `datasets` keys its cache of a local folder by the folder's name only, so two different folders with
    the same name (or a rebuilt one) would silently share a stale cache.
    """
    root = Path(path)
    h = hashlib.sha256(str(root.resolve()).encode())
    for f in sorted(p for p in root.rglob("*") if p.is_file() and ".cache" not in p.parts):
        st = f.stat()
        h.update(f"{f.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return datasets_cache_dir() / "mieb-local" / h.hexdigest()[:20]


def _pinned(path: str, revision: str) -> str | None:
    """The revision folder name to look for: the commit sha for hub datasets; any for a local folder,
    whose cache is keyed by its files instead."""
    return None if Path(path).is_dir() else revision


def _prepared(folder: Path, config: str | None, revision: str | None) -> dict[str, set[str]]:
    """Configs prepared under a dataset's cache folder at `revision` (any if None), with their splits."""
    out: dict[str, set[str]] = {}
    pattern = f"{config or '*'}/*/{revision or '*'}/dataset_info.json"
    for info in folder.glob(pattern):
        config_dir = info.parent.parent.parent.name
        try:
            splits = set(json.loads(info.read_text(encoding="utf-8")).get("splits") or {})
        except (OSError, ValueError):
            continue
        out.setdefault(config_dir, set()).update(splits)
    return out


def cached_configs(path: str, revision: str | None) -> list[str]:
    """Config names of `path` prepared in the local cache at `revision`, sorted."""
    return sorted(_prepared(arrow_cache_folder(path), None, revision))


def cached_revisions(path: str, config: str | None) -> set[str]:
    """Revisions (commit shas) at which `config` of `path` is prepared locally."""
    pattern = f"{config or '*'}/*/*/dataset_info.json"
    return {info.parent.name for info in arrow_cache_folder(path).glob(pattern)}


def missing_needs(path: str, revision: str, needs: list[DataNeed]) -> list[DataNeed]:
    """The needs that the local cache does not satisfy at `revision`."""
    prepared = _prepared(arrow_cache_folder(path), None, _pinned(path, revision))
    missing = []
    for need in needs:
        configs = need.configs
        candidates = [splits for name, splits in prepared.items() if configs is None or name in configs]
        if not any(need.split is None or need.split in splits for splits in candidates):
            missing.append(need)
    return missing
