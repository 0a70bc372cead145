"""The package's shape: which subpackage may import which, and the typed seam between kinds and runner.

The import graph is read from the source with `ast` (every import statement, including those inside
functions and under TYPE_CHECKING), so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import mieb
from mieb.metrics import K_VALUES
from mieb.tasks.kinds.base import CustomLoaders, SplitContext

SRC = Path(mieb.__file__).parent


def import_graph() -> dict[str, set[str]]:
    """module name -> the mieb modules it imports (relative imports resolved)."""
    graph: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        module = ".".join(parts)
        package = parts if is_package else parts[:-1]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
                targets |= {base} | {f"{base}.{a.name}" for a in node.names}
        graph[module] = {t for t in targets if t == "mieb" or t.startswith("mieb.")}
    return graph


def imports_between(graph: dict[str, set[str]], source: str, target: str) -> list[tuple[str, str]]:
    """(importer, imported) pairs where a module of package `source` imports one of package `target`."""
    def inside(name: str, package: str) -> bool:
        return name == package or name.startswith(package + ".")

    return sorted((m, t) for m, ts in graph.items() if inside(m, source) for t in ts if inside(t, target))


def test_the_graph_sees_lazy_imports() -> None:
    graph = import_graph()
    # imported inside a function only: the reader must still see it
    assert "mieb.tasks.registry" in graph["mieb.tasks.kinds.aggregate"]
    assert "mieb.data.hub_cache" in graph["mieb.tasks.task"]


def test_no_cycle_between_data_and_tasks() -> None:
    """Data flows one way: tasks (catalog, protocols, their loaders) use mieb.data; mieb.data knows nothing
    of tasks (it takes anything shaped like `mieb.data.source.DatasetSource`)."""
    graph = import_graph()
    assert imports_between(graph, "mieb.tasks", "mieb.data")  # the direction that exists
    assert imports_between(graph, "mieb.data", "mieb.tasks") == []


def test_metrics_depend_on_no_pipeline_stage() -> None:
    """Metrics are pure functions of arrays: they import no task, data, runner or result code."""
    graph = import_graph()
    for stage in ("mieb.tasks", "mieb.data", "mieb.runner", "mieb.results", "mieb.cache", "mieb.cli"):
        assert imports_between(graph, "mieb.metrics", stage) == [], stage


def test_no_type_ignore_for_settings() -> None:
    """Kinds read their settings through `Kind.settings` (typed by the kind), never by a cast."""
    offenders = [f"{p.name}:{i}" for p in (SRC / "tasks").rglob("*.py")
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"#\s*type:\s*ignore", line)]
    assert offenders == []


def test_settings_are_checked_against_the_kind() -> None:
    zeroshot, retrieval = mieb.get_task("CIFAR10ZeroShot"), mieb.get_task("Flickr30kT2IRetrieval")
    assert retrieval.kind.settings(retrieval).k_values == K_VALUES
    with pytest.raises(TypeError, match="CIFAR10ZeroShot.*'retrieval' protocol"):
        retrieval.kind.settings(zeroshot)


def test_split_context_is_immutable() -> None:
    ctx = SplitContext("test", "de")
    assert ctx.config == "de" and SplitContext("test", "default").config is None
    with pytest.raises(AttributeError):
        ctx.split = "train"  # type: ignore[misc]


def test_loader_registry_rejects_unknown_and_duplicate_names() -> None:
    registry: CustomLoaders[int] = CustomLoaders("test", [])

    @registry.register(lambda meta, ctx: [])
    def one(task: object, ctx: SplitContext) -> int:
        return 1

    assert registry.names() == ["one"]
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(lambda meta, ctx: [])(one)
    with pytest.raises(ValueError, match="no test loader named 'two'; known: \\['one'\\]"):
        registry.get("two")


def test_unknown_loader_name_fails_when_the_catalog_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo in a task's `loader` is caught by `load_catalog`, not when the task first runs."""
    from mieb.tasks import catalog
    from mieb.tasks.catalog import document_understanding
    from mieb.tasks.kinds.retrieval import RetrievalSettings

    first = document_understanding.TASKS[0]
    broken = first.model_copy(update={"name": "BrokenLoaderTask", "settings": RetrievalSettings(loader="vidoer")})
    monkeypatch.setattr(document_understanding, "TASKS", [*document_understanding.TASKS, broken])
    with pytest.raises(ValueError, match="BrokenLoaderTask: no retrieval loader named 'vidoer'"):
        catalog.load_catalog()
