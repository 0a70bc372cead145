"""The offline world of MIEB(offline): procedurally generated datasets, built locally, no download.

`BUILDERS[key]` writes one task's dataset as a Hugging Face dataset folder (README.md with
`configs:` and one parquet file per config and split), which mieb then reads with the same
`datasets.load_dataset(path, name=config, split=split)` call as a hub dataset.
`materialize(key, version)` builds it once into `offline_datasets_dir()/<key>/<version>/`.

Pixels are drawn with numpy only (shapes, textures, a hand-made bitmap font), so they are identical
on every machine; images are stored as PNG.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from mieb.data.synthetic.builders import BUILDERS, TRAIN_SEED_BASE, Builder

__all__ = ["BUILDERS", "Builder", "TRAIN_SEED_BASE", "materialize", "MARKER"]

MARKER = "_mieb_build.json"  # written last into a build; a folder without it is never used


def generator_fingerprint() -> str:
    """A hash of the generator's source. A build made by other code (for example a development
    checkout that changed the world without bumping a version) is rebuilt, never silently reused."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _is_complete(folder: Path, key: str, version: str) -> bool:
    try:
        info = json.loads((folder / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return (info.get("key"), info.get("version"), info.get("generator")) == (key, version, generator_fingerprint())


def materialize(key: str, version: str) -> Path:
    """Build offline dataset `key` (once) and return its folder `offline_datasets_dir()/key/version`.

    The build happens in a temporary folder beside the target, which is then renamed into place:
    a reader never sees a half-written folder, and if two processes race, one rename wins and the
    other's copy is discarded. Raises ValueError if `version` is not the builder's current version
    (the task metadata and the generator disagree: one of them changed without the other).
    """
    from mieb.atomic import make_temporary_dir, remove_stale_temporaries
    from mieb.paths import offline_datasets_dir, safe_component

    if key not in BUILDERS:
        raise KeyError(f"no offline dataset builder {key!r}; known: {sorted(BUILDERS)}")
    builder = BUILDERS[key]
    if str(version) != builder.version:
        raise ValueError(
            f"offline dataset {key!r}: version {version!r} was requested but the generator in this "
            f"mieb is at version {builder.version!r}; update the task's dataset revision (or mieb)"
        )
    root = offline_datasets_dir() / safe_component(key, "offline dataset key")
    final = root / safe_component(builder.version, "offline dataset version")
    if _is_complete(final, key, builder.version):
        return final
    remove_stale_temporaries(root)  # builds killed mid-way
    tmp = make_temporary_dir(final)
    try:
        t0 = time.perf_counter()
        builder.build(tmp)
        info = {
            "key": key,
            "version": builder.version,
            "seed": builder.seed,
            "generator": generator_fingerprint(),
            "like": builder.like,
            "build_seconds": round(time.perf_counter() - t0, 3),
        }
        (tmp / MARKER).write_text(json.dumps(info, indent=1) + "\n")
        if final.exists() and not _is_complete(final, key, builder.version):
            # A folder without the completion marker (e.g. copied in by hand): move it out of the way.
            stale = make_temporary_dir(final)
            try:
                os.rename(final, stale)
                shutil.rmtree(stale, ignore_errors=True)
            except OSError:
                pass
        try:
            os.rename(tmp, final)
        except OSError:
            if not _is_complete(final, key, builder.version):
                raise
            # Another process finished first; use its folder.
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final
