"""Where mieb keeps files it makes, and the one check every name must pass before it becomes a path.

Caches live under one root, overridable with the MIEB_CACHE environment variable. Any path component
that comes from a name (model name, revision, task name, benchmark name, dataset generator key) or from
something read from a file or the Hub goes through `safe_component` before it touches the file system,
so no name can climb out of (`..`), replace (`/abs/dir`) or hide in (`.name`) the folder it is meant
for. Normal names pass unchanged, so the folders keep the reference's layout (`org__name/<revision>`).
"""

from __future__ import annotations

import os
from pathlib import Path

from mieb.errors import UsageError

# Room for mieb's own suffixes (".json", ".<8 chars>.tmp", ".lock") within NAME_MAX (255 bytes).
MAX_COMPONENT_BYTES = 200


class UnsafeNameError(UsageError, ValueError):
    """A name cannot be used as a file or folder name (it would escape, hide or not fit its folder).

    A ValueError too, so that pydantic validators report it as a validation error of the field.
    """


def safe_component(value: object, what: str) -> str:
    """`value` itself if it is usable as one file or folder name inside a folder; raises otherwise.

    Refused (raises `UnsafeNameError` naming `what` and the value): non-strings, the empty name, names
    with a path separator (`/`, `\\`), a NUL or another control character, names starting with `.`
    (`.` and `..` climb or stay put; other dot names are hidden from results readers and could collide
    with mieb's temporary files), and names over `MAX_COMPONENT_BYTES` bytes in UTF-8.
    """
    if not isinstance(value, str):
        raise UnsafeNameError(f"{what} must be a string to name a file or folder, not {type(value).__name__}")
    problem = None
    if not value:
        problem = "it is empty"
    elif "/" in value or "\\" in value:
        problem = "it contains a path separator"
    elif any(ord(c) < 32 or ord(c) == 127 for c in value):
        problem = "it contains a control character"
    elif value.startswith("."):
        problem = "it starts with '.'"
    elif len(value.encode("utf-8", "surrogatepass")) > MAX_COMPONENT_BYTES:
        problem = f"it is longer than {MAX_COMPONENT_BYTES} bytes"
    if problem:
        raise UnsafeNameError(
            f"{what} {value!r} cannot be used as a file or folder name: {problem}. mieb writes it as one "
            "path component (results/<model>/<revision>/<task>.json), so it must stay inside its folder; "
            "use a plain name (a revision as its commit sha)"
        )
    return value


def model_folder_name(name: str) -> str:
    """The results folder of a model, as the reference names it (`/` -> `__`, space -> `_`), checked."""
    return safe_component(name.replace("/", "__").replace(" ", "_"), "model name")


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
