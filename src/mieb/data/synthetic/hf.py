"""Writing a Hugging Face dataset folder: README.md (YAML `configs:` and `dataset_info:`) plus one
parquet file per config and split."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import numpy as np

Table = tuple[Any, dict[str, list[Any]]]  # (datasets.Features, columns)


def png_bytes(arr: np.ndarray) -> bytes:
    """Lossless PNG of a uint8 (H, W, 3) array."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(arr, dtype=np.uint8), mode="RGB").save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


def image_value(arr: np.ndarray | None) -> dict[str, Any] | None:
    return None if arr is None else {"bytes": png_bytes(arr), "path": None}


def parquet_path(config: str, split: str) -> str:
    return f"{config}/{split}-00000-of-00001.parquet"


def write_dataset_folder(
    out_dir: Path, tables: dict[str, dict[str, Table]], name: str, version: str, description: str
) -> None:
    """Write `tables[config][split] = (features, columns)` as a folder `datasets.load_dataset` reads.

    The README's `dataset_info` names the dataset, its version and a sha256 of each config's parquet
    files. `datasets` keys its cache of a local folder on the folder's name and on this metadata
    (not on the file contents or the full path), so without it two offline datasets in folders both
    named after their version ("1") with a config "default" would share one cache entry.
    """
    import yaml
    from datasets import Dataset

    out_dir.mkdir(parents=True, exist_ok=True)
    configs, infos = [], []
    for config, splits in tables.items():
        h = hashlib.sha256()
        data_files, features = [], None
        for split, (features, columns) in splits.items():
            rel = parquet_path(config, split)
            (out_dir / config).mkdir(parents=True, exist_ok=True)
            ds = Dataset.from_dict(columns, features=features)
            ds.to_parquet(str(out_dir / rel))
            h.update(split.encode() + b"\0" + (out_dir / rel).read_bytes())
            data_files.append({"split": split, "path": rel})
        configs.append({"config_name": config, "data_files": data_files})
        assert features is not None, f"config {config} has no splits"
        infos.append(
            {
                "config_name": config,
                "dataset_name": name,
                "description": f"mieb offline dataset {name} version {version} config {config} "
                f"sha256:{h.hexdigest()}",
                "features": features._to_yaml_list(),
            }
        )
    front = yaml.safe_dump(
        {"configs": configs, "dataset_info": infos, "license": "apache-2.0"}, sort_keys=False, width=1000
    )
    (out_dir / "README.md").write_text(f"---\n{front}---\n\n# {name}\n\n{description.strip()}\n")
