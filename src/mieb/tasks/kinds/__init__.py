"""Evaluation protocols ("kinds"), one module each, imported only when a task of that kind is used.

A new kind is a module here defining its settings block, its data type and a `KIND` instance of a
`TaskKind` (or `AggregateKind`) subclass, plus one line in `KINDS` (see docs/contributing.md).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from mieb.importing import load_object

if TYPE_CHECKING:
    from mieb.tasks.kinds.base import Kind

# settings `kind` string -> "module:attribute" of the protocol object.
KINDS: dict[str, str] = {
    "zeroshot": "mieb.tasks.kinds.zeroshot:KIND",
    "retrieval": "mieb.tasks.kinds.retrieval:KIND",
    "multiple_choice": "mieb.tasks.kinds.multiple_choice:KIND",
    "linear_probe": "mieb.tasks.kinds.linear_probe:KIND",
    "multilabel": "mieb.tasks.kinds.multilabel:KIND",
    "clustering": "mieb.tasks.kinds.clustering:KIND",
    "compositionality": "mieb.tasks.kinds.compositionality:KIND",
    "sts": "mieb.tasks.kinds.sts:KIND",
    "aggregate": "mieb.tasks.kinds.aggregate:KIND",
}


@cache
def get_kind(kind: str) -> Kind[Any]:
    """The protocol object for a settings `kind` string (NotImplementedError for an unknown one)."""
    from mieb.tasks.kinds.base import Kind

    try:
        spec = KINDS[kind]
    except KeyError:
        raise NotImplementedError(f"no evaluation protocol is implemented for kind {kind!r}") from None
    obj = load_object(spec)
    if not isinstance(obj, Kind) or obj.name != kind:
        raise TypeError(f"{spec} is not the protocol object of kind {kind!r}")
    return obj
