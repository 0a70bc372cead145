"""Where mieb keeps files it makes: one root, overridable with the MIEB_CACHE environment variable."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Root of mieb's own caches (offline datasets, embeddings); default ~/.cache/mieb."""
    root = os.environ.get("MIEB_CACHE")
    if root:
        return Path(root).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "mieb"


def offline_datasets_dir() -> Path:
    return cache_dir() / "offline"


def embeddings_dir() -> Path:
    return cache_dir() / "embeddings"
