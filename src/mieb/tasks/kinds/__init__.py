"""Evaluation protocols ("kinds"), one module each, imported only when a task of that kind runs."""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mieb.tasks.kinds.base import TaskKind

KIND_MODULES: dict[str, str] = {
    "zeroshot": "mieb.tasks.kinds.zeroshot",
    "retrieval": "mieb.tasks.kinds.retrieval",
    "multiple_choice": "mieb.tasks.kinds.multiple_choice",
    "linear_probe": "mieb.tasks.kinds.linear_probe",
    "multilabel": "mieb.tasks.kinds.multilabel",
    "clustering": "mieb.tasks.kinds.clustering",
    "compositionality": "mieb.tasks.kinds.compositionality",
    "sts": "mieb.tasks.kinds.sts",
    "aggregate": "mieb.tasks.kinds.aggregate",
}


@cache
def get_kind(kind: str) -> TaskKind:
    """The protocol object for a settings `kind` string."""
    try:
        module = importlib.import_module(KIND_MODULES[kind])
    except KeyError:
        raise NotImplementedError(f"no evaluation protocol is implemented for kind {kind!r}") from None
    return module.KIND
