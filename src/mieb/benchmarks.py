"""Benchmarks: named, fixed task lists (`get_benchmark`, `get_benchmarks`)."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict

from mieb.errors import UnknownNameError
from mieb.tasks.task import Task


class Benchmark(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    task_names: tuple[str, ...]
    description: str
    reference: str | None = None
    citation: str | None = None

    @property
    def tasks(self) -> list[Task]:
        from mieb.tasks.registry import get_tasks

        return get_tasks(tasks=self.task_names)

    def __len__(self) -> int:
        return len(self.task_names)


@cache
def _benchmarks() -> dict[str, Benchmark]:
    out: dict[str, Benchmark] = {}
    for b in _definitions():
        if b.name in out:
            raise ValueError(f"duplicate benchmark name {b.name!r}")
        out[b.name] = b
    return out


def get_benchmark(name: str) -> Benchmark:
    try:
        return _benchmarks()[name]
    except KeyError:
        raise UnknownNameError("benchmark", name, _benchmarks()) from None


def get_benchmarks(names: list[str] | None = None) -> list[Benchmark]:
    if names is None:
        return list(_benchmarks().values())
    return [get_benchmark(n) for n in names]


def _definitions() -> list[Benchmark]:
    from mieb.tasks.catalog.offline import OFFLINE_TASK_NAMES

    return [
        Benchmark(
            name="MIEB(offline)",
            task_names=tuple(OFFLINE_TASK_NAMES),
            description=(
                "Procedurally generated tasks (coloured shapes, captions, rendered words), one per implemented "
                "protocol, built locally with no download. A smoke test of the whole pipeline and a check of every "
                "evaluator: the bundled mieb/tiny-clip-shapes model scores far above chance, a random one near it."
            ),
        ),
    ]
