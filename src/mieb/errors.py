"""The errors mieb raises on bad input; each names what the user must fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class MiebError(Exception):
    """Base of mieb's own errors: the message is meant for the user, without a traceback.

    Picklable whatever a subclass's `__init__` takes (rebuilt from its message and attributes), so an
    error raised in a Ray worker or a decode worker reaches the driver as itself."""

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild_error, (type(self), self.args, self.__dict__)


def _rebuild_error(cls: type[MiebError], args: tuple[Any, ...], state: dict[str, Any]) -> MiebError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class UnknownNameError(MiebError, KeyError):
    """An unknown task, benchmark or model name; carries close matches as suggestions."""

    def __init__(self, what: str, name: str, known: Iterable[str], hint: str | None = None):
        self.what = what
        self.name = name
        self.suggestions = suggest(name, known)
        close = f" Did you mean {', '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"Unknown {what} {name!r}.{close}" + (f" {hint}" if hint else ""))

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class UsageError(MiebError):
    """The command line or call asked for something inconsistent (exit code 2)."""


class TaskDataError(MiebError):
    """A dataset does not have the split, column or row content its task needs."""

    def __init__(self, task: str, message: str, *, split: str | None = None, column: str | None = None,
                 row: int | None = None):
        self.task, self.split, self.column, self.row = task, split, column, row
        where = [f"task {task}"]
        if split is not None:
            where.append(f"split {split!r}")
        if column is not None:
            where.append(f"column {column!r}")
        if row is not None:
            where.append(f"row {row}")
        super().__init__(f"{', '.join(where)}: {message}")


class ModelOutputError(MiebError):
    """A model returned embeddings of the wrong shape, dtype or with NaN/inf values."""

    def __init__(self, model: str, task: str | None, message: str):
        self.model, self.task = model, task
        where = f"model {model}" + (f" on task {task}" if task else "")
        super().__init__(f"{where}: {message}")


class ModalityError(MiebError):
    """A model lacks a modality a task needs; raised before any data is loaded."""


class MissingDependencyError(MiebError, ImportError):
    """An optional backend is not installed; the message says which pip command installs it."""

    def __init__(self, package: str, extra: str | None = None, purpose: str | None = None):
        cmd = f"pip install 'mieb[{extra}]'" if extra else f"pip install {package}"
        why = f" (needed for {purpose})" if purpose else ""
        super().__init__(f"The optional package {package!r} is not installed{why}. Install it with: {cmd}")


def suggest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Close matches for `name`, case-insensitive, best first."""
    known = list(known)
    lower = {k.lower(): k for k in known}
    hits = difflib.get_close_matches(name.lower(), list(lower), n=n, cutoff=0.6)
    # Names containing the input ("retrieval" -> "Any2AnyRetrieval"), each suggested once.
    subs = [k for k in known if name.lower() in k.lower() and k.lower() not in hits]
    return [lower[h] for h in hits] + subs[: max(0, n - len(hits))]
