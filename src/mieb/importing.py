"""Names of objects as "package.module:attribute" strings, the form registries store (lazily imported)."""

from __future__ import annotations

import importlib
from typing import Any


def check_object_path(spec: str) -> str:
    """`spec` itself if it has the form "package.module:attribute"; ValueError otherwise."""
    module, sep, attr = spec.partition(":")
    if not sep or not module or not attr or ":" in attr:
        raise ValueError(f"{spec!r} must name an object as 'package.module:attribute'")
    return spec


def load_object(spec: str) -> Any:
    """The object named by "package.module:attribute", importing its module on first use.

    Raises ValueError for a malformed string, ImportError when the module is missing, and
    AttributeError (naming `spec`) when the module has no such attribute.
    """
    module, _, attr = check_object_path(spec).partition(":")
    obj: Any = importlib.import_module(module)
    try:
        for part in attr.split("."):
            obj = getattr(obj, part)
    except AttributeError:
        raise AttributeError(f"{spec!r}: module {module} has no attribute {attr!r}") from None
    return obj
