"""Running tasks against a model: selection, skipping finished work, writing results, surviving failures."""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mieb.errors import MiebError, ModalityError
from mieb.models.meta import ModelMeta
from mieb.results.io import (
    OVERWRITE_STRATEGIES,
    OverwriteStrategy,
    error_path,
    result_path,
    write_json_atomic,
)
from mieb.results.schema import TaskResult
from mieb.tasks.task import Task

if TYPE_CHECKING:  # torch is imported only when something is computed: a finished re-run needs neither
    from mieb.models.encoder import Encoder
    from mieb.runner.embedder import Embedder
    from mieb.runner.progress import RunProgress

logger = logging.getLogger("mieb")

_VERSIONED = ("mieb", "torch", "transformers", "datasets", "numpy", "scikit-learn", "scipy", "pillow")


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for dist in _VERSIONED:
        try:
            out[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            out[dist] = None
    return out


def mieb_version() -> str:
    try:
        return importlib_metadata.version("mieb")
    except importlib_metadata.PackageNotFoundError:
        return "0+unknown"


@dataclass
class RunReport:
    """What a run did: results (computed or reused), failures by task, and what was skipped."""

    results: list[TaskResult] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def __iter__(self):  # noqa: ANN204 - iterate like the list of results mteb returns
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


class MIEB:
    """`MIEB(tasks=...).run(model)`: evaluate a model on tasks and write one JSON per task."""

    def __init__(self, tasks: Iterable[Task | str] | None = None, *, benchmark: str | None = None):
        from mieb.benchmarks import get_benchmark
        from mieb.tasks.registry import get_task

        selected: list[Task] = []
        if benchmark is not None:
            selected.extend(get_benchmark(benchmark).tasks)
        for t in tasks or []:
            selected.append(get_task(t) if isinstance(t, str) else t)
        if not selected:
            raise ValueError("no tasks selected: pass tasks=[...] or benchmark='...'")
        self.tasks = list(dict.fromkeys(selected))

    def run(
        self,
        model: Encoder | ModelMeta | str,
        *,
        output_folder: str | Path | None = "results",
        overwrite_strategy: OverwriteStrategy = "only-missing",
        encode_kwargs: dict[str, Any] | None = None,
        device: str | None = None,
        precision: str | None = None,
        raise_errors: bool = False,
        progress: bool | str | None = None,
        cache: bool | str | Path = True,
        trust_remote_code: bool = False,
        verbose: bool = False,
    ) -> RunReport:
        """Evaluate `model` (an Encoder, a model card, a model name or a checkpoint folder) on every task.

        A model given by name or card is loaded only if some task has something left to compute: a
        re-run of a finished selection reads its results and returns in about a second.

        `overwrite_strategy`: "only-missing" (default) skips finished tasks and completes partial ones;
        "always" recomputes; "never" keeps any existing file untouched; "only-cache" computes nothing
        and returns what is on disk. A failing task is recorded under `errors/` and the run goes on,
        unless `raise_errors`. `encode_kwargs`: batch_size (default 32) and num_workers.
        `cache`: embeddings are stored per model and input content (default under $MIEB_CACHE) and
        reused by every later task and run; False disables it, a path relocates it.
        `progress`: None (default) shows a live view on a terminal and otherwise one line per task on
        stderr (status, main score, seconds, images/s, cache hits); True the live view, "lines" the
        lines only, False nothing (see `mieb.runner.progress`). The libraries' own progress bars and
        Pillow's large-image warning are kept out unless `verbose`.
        """
        if overwrite_strategy not in OVERWRITE_STRATEGIES:
            raise ValueError(f"overwrite_strategy must be one of {OVERWRITE_STRATEGIES}")
        from mieb.runner.progress import RunProgress, resolve_mode

        with contextlib.ExitStack() as scope:
            reporter = scope.enter_context(RunProgress(resolve_mode(progress), self.tasks))
            return self._run(model, scope, reporter, output_folder, overwrite_strategy, encode_kwargs, device,
                             precision, raise_errors, cache, trust_remote_code, verbose)

    def _run(self, model: Encoder | ModelMeta | str, scope: contextlib.ExitStack, reporter: RunProgress,
             output_folder: str | Path | None, overwrite_strategy: str, encode_kwargs: dict[str, Any] | None,
             device: str | None, precision: str | None, raise_errors: bool, cache: bool | str | Path,
             trust_remote_code: bool, verbose: bool) -> RunReport:
        from mieb.runner.progress import quiet_libraries

        if isinstance(model, (str, os.PathLike, ModelMeta)):
            from mieb.models.registry import check_loadable, get_model, get_model_meta

            card = model if isinstance(model, ModelMeta) else get_model_meta(os.fspath(model))
            check_loadable(card, trust_remote_code)
            finished = self._finished(card, output_folder, overwrite_strategy)
            if finished is not None:
                for task, result in zip(self.tasks, finished.results, strict=True):
                    reporter.task_finished(task, "reused", result)
                return finished
            scope.enter_context(quiet_libraries(not verbose))  # the model and data libraries load from here on
            model = get_model(card, device=device, precision=precision, trust_remote_code=trust_remote_code)
        else:
            scope.enter_context(quiet_libraries(not verbose))
        from mieb.models.encoder import Encoder
        from mieb.runner.embedder import Embedder

        if not isinstance(model, Encoder):
            raise TypeError(f"model must be an Encoder, a model card, a model name or a checkpoint folder, "
                            f"not {type(model).__name__}")
        encoder = model
        meta = encoder.meta
        kwargs = dict(encode_kwargs or {})
        batch_size = int(kwargs.pop("batch_size", 32))
        num_workers = kwargs.pop("num_workers", None)
        if kwargs:
            raise TypeError(f"unknown encode_kwargs: {sorted(kwargs)}")
        store = None
        if cache is not False:
            from mieb.cache.keys import model_fingerprint
            from mieb.cache.store import EmbeddingCache

            root = None if cache is True else cache
            store = EmbeddingCache(root).store(model_fingerprint(meta, encoder.precision, encoder.device.type))
        reporter.cache = store is not None
        embedder = Embedder(encoder, batch_size=batch_size, num_workers=num_workers, store=store,
                            progress=reporter.encoding)
        report = RunReport()
        out_dir = None
        if output_folder is not None:
            out_dir = Path(output_folder)
            write_json_atomic(out_dir / meta.folder_name / meta.revision_folder / "model_meta.json", meta.to_dict())

        ctx = _RunContext(encoder, embedder, out_dir, overwrite_strategy, batch_size)
        for task in self.tasks:
            reporter.task_started(task)
            t0 = time.perf_counter()
            try:
                result, computed = ctx.run_one(task)
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception as e:  # noqa: BLE001 - a failing task must not end the run
                if raise_errors:
                    raise
                msg = str(e) if isinstance(e, MiebError) else f"{type(e).__name__}: {e}"
                if reporter.mode == "off":  # otherwise the task's line says it
                    logger.error("task %s failed: %s", task.name, msg)
                reporter.task_finished(task, "FAILED", error=msg)
                report.failures[task.name] = msg
                if out_dir is not None:
                    write_json_atomic(error_path(out_dir, meta.folder_name, meta.revision_folder, task.name), {
                        "task_name": task.name, "model": meta.name, "revision": meta.revision,
                        "error": msg, "traceback": traceback.format_exc(), "date": time.time(),
                    })
                continue
            if result is None:
                reporter.task_finished(task, "missing")
                report.missing.append(task.name)
                continue
            if not computed:
                reporter.task_finished(task, "reused", result)
                report.skipped.append(task.name)
            else:
                reporter.task_finished(task, "done", result, time.perf_counter() - t0, embedder.stats.as_dict())
                if out_dir is not None:
                    error_path(out_dir, meta.folder_name, meta.revision_folder, task.name).unlink(missing_ok=True)
            report.results.append(result)
        return report


    def _finished(self, meta: ModelMeta, output_folder: str | Path | None, strategy: str) -> RunReport | None:
        """The report of a run with nothing left to compute (every task's result on disk), else None."""
        if output_folder is None or strategy == "always":
            return None
        report = RunReport()
        for task in self.tasks:
            path = result_path(Path(output_folder), meta.folder_name, meta.revision_folder, task.name)
            existing = _read_existing(path)
            if existing is None or _pending(task, existing, strategy):
                return None
            report.results.append(existing)
            report.skipped.append(task.name)
        return report


@dataclass
class _RunContext:
    """What running one task needs; aggregates recurse into their subtasks through `run_one`."""

    encoder: Encoder
    embedder: Embedder
    out_dir: Path | None
    strategy: str
    batch_size: int

    def run_one(self, task: Task) -> tuple[TaskResult | None, bool]:
        """(result, whether anything was computed); result None only for "only-cache" misses."""
        meta = self.encoder.meta
        path = result_path(self.out_dir, meta.folder_name, meta.revision_folder, task.name) if self.out_dir else None
        existing = _read_existing(path)
        todo = _pending(task, existing, self.strategy)
        if not todo:
            return existing, False
        check_modalities(task, self.encoder)
        subtasks = getattr(task.kind, "subtasks", None)
        sub_results = [self.run_one(t)[0] for t in subtasks(task)] if subtasks else None
        return self._compute(task, todo, existing, path, sub_results), True

    def _compute(self, task: Task, todo: list[tuple[str, str]], existing: TaskResult | None, path: Path | None,
                 sub_results: list[TaskResult | None] | None) -> TaskResult:
        md = task.metadata
        embedder = self.embedder
        embedder.start_task(md.name, md.type, md.category, md.prompt)
        timings = dict((existing.mieb or {}).get("timings", {})) if existing else {}
        timings = {k: float(timings.get(k, 0.0)) for k in ("load", "encode", "score", "total")}
        result = existing
        for i, (split, subset) in enumerate(todo):
            t0 = time.perf_counter()
            enc0 = embedder.stats.seconds
            embedder.split = split
            if sub_results is not None:
                if any(r is None for r in sub_results):
                    raise MiebError(f"task {md.name}: a subtask has no result (overwrite strategy only-cache?)")
                scores = task.kind.combine(task, split, sub_results)  # type: ignore[attr-defined]
                t1 = t2 = time.perf_counter()
            else:
                data = task.kind.load(task, split, subset)
                t1 = time.perf_counter()
                scores = task.kind.evaluate(task, data, embedder)
                t2 = time.perf_counter()
            enc = embedder.stats.seconds - enc0
            timings["load"] += t1 - t0
            timings["encode"] += enc
            timings["score"] += (t2 - t1) - enc
            timings["total"] += t2 - t0
            if md.main_score not in scores:
                raise KeyError(f"task {md.name}: protocol returned no {md.main_score!r} (main score)")
            entry = {**scores, "main_score": scores[md.main_score], "hf_subset": subset,
                     "languages": md.subset_languages(subset)}
            part = TaskResult(
                dataset_revision=md.dataset.revision,
                task_name=md.name,
                mieb_version=mieb_version(),
                scores={split: [entry]},
                evaluation_time=timings["total"],
                date=time.time(),
                mieb=_run_info(task, self.encoder, embedder, self.batch_size, timings,
                               complete=i == len(todo) - 1),
            )
            result = part if result is None else result.merge(part)
            if path is not None:
                result.to_disk(path)
        assert result is not None
        return result


def evaluate(model: Encoder | str, tasks: Iterable[Task | str], **kwargs: Any) -> RunReport:
    """Functional form of `MIEB(tasks).run(model, **kwargs)`."""
    return MIEB(tasks).run(model, **kwargs)


def check_modalities(task: Task, encoder: Encoder) -> None:
    """Refuse, before any data is loaded, a task the model cannot encode (as the reference does)."""
    have = set(encoder.modalities)
    md = task.metadata
    query_side, doc_side = task.kind.needed_modalities(task)
    if doc_side:
        for side, needed in (("query", query_side), ("document", doc_side)):
            if needed and not have & set(needed):
                raise ModalityError(
                    f"model {encoder.name} ({sorted(have)}) cannot encode the {side} side of task {md.name} "
                    f"({'+'.join(needed)})"
                )
            if set(needed) - have:
                logger.warning("model %s lacks %s for the %s side of task %s", encoder.name,
                               sorted(set(needed) - have), side, md.name)
    elif set(query_side) - have:
        raise ModalityError(
            f"model {encoder.name} has modalities {sorted(have)} but task {md.name} needs {sorted(query_side)}"
        )


def _read_existing(path: Path | None) -> TaskResult | None:
    if path is None or not path.exists():
        return None
    try:
        return TaskResult.from_disk(path)
    except Exception as e:  # noqa: BLE001 - an unreadable file is set aside, never silently overwritten
        backup = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
        path.rename(backup)
        logger.warning("could not read %s (%s); moved it to %s and will recompute", path, e, backup)
        return None


def _pending(task: Task, existing: TaskResult | None, strategy: str) -> list[tuple[str, str]]:
    wanted = [(sp, su) for sp in task.metadata.eval_splits for su in task.hf_subsets]
    if strategy == "only-cache":
        return []
    if existing is None or strategy == "always":
        return wanted
    if strategy == "never":
        return []
    return [(sp, su) for sp, su in wanted if not existing.has(sp, su)]


def _run_info(task: Task, encoder: Encoder, embedder: Embedder, batch_size: int, timings: dict[str, float],
              complete: bool) -> dict[str, Any]:
    meta = encoder.meta
    return {
        "complete": complete,
        "task": task.metadata.summary(),
        "model": {
            "name": meta.name,
            "revision": meta.revision,
            "family": meta.family,
            "similarity": meta.similarity,
            "fusion": meta.fusion,
            "image_preprocessing": meta.image.model_dump(mode="json") if meta.image else None,
            "text_preprocessing": meta.text.model_dump(mode="json") if meta.text else None,
        },
        "run": {
            "precision": encoder.precision,
            "card_precision": meta.precision,
            **({"precision_note": encoder.precision_note} if encoder.precision_note else {}),
            "device": str(encoder.device),
            "batch_size": batch_size,
            "num_workers": embedder.num_workers,
            "embedding_cache": embedder.store is not None,
            **({"maxsim": info} if (info := encoder.scoring_info()) is not None else {}),
        },
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "counts": embedder.stats.as_dict(),
        "versions": library_versions(),
    }
