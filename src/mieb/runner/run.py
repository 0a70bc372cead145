"""Running tasks against a model: selection, skipping finished work, writing results, surviving failures."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import platform
import sys
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mieb import hub
from mieb.atomic import remove_stale_temporaries
from mieb.errors import MiebError, ModalityError
from mieb.locks import task_lease
from mieb.models.meta import ModelMeta
from mieb.results.io import (
    ERRORS_FOLDER,
    OVERWRITE_STRATEGIES,
    OverwriteStrategy,
    error_file,
    model_dir,
    result_file,
    write_json_atomic,
)
from mieb.results.load import MODEL_META_FILE
from mieb.results.schema import TaskResult
from mieb.tasks.kinds.base import AggregateKind, SplitContext, TaskKind
from mieb.tasks.task import Task

if TYPE_CHECKING:  # torch is imported only when something is computed: a finished re-run needs neither
    from mieb.models.encoder import Encoder
    from mieb.runner.embedder import Embedder
    from mieb.runner.progress import RunProgress

logger = logging.getLogger("mieb")

_VERSIONED = ("torch", "transformers", "datasets", "numpy", "scikit-learn", "scipy", "pillow")


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version(), "mieb": mieb_version()}
    for dist in _VERSIONED:
        try:
            out[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            out[dist] = None
    return out


def mieb_version() -> str:
    from mieb import __version__

    return __version__


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
        decode_mode: str = "exact",
    ) -> RunReport:
        """Evaluate `model` (an Encoder, a model card, a model name or a checkpoint folder) on every task.

        A model given by name or card is loaded only if some task has something left to compute: a
        re-run of a finished selection reads its results and returns in about a second.

        `overwrite_strategy`: "only-missing" (default) skips finished tasks and completes partial ones;
        "always" recomputes; "never" keeps any existing file untouched; "only-cache" computes nothing
        and returns what is on disk. A failing task is recorded under `errors/` and the run goes on,
        unless `raise_errors`. `encode_kwargs`: batch_size (default 32) and num_workers.
        `decode_mode`: "exact" (default: every JPEG pixel decoded, as the reference does) or "draft"
        (opt-in, approximate: JPEGs decoded at a reduced DCT scale; faster, scores move slightly; see
        `mieb.data.images.DECODE_MODES`). Results record the mode and the embedding cache keys on it.
        `cache`: embeddings are stored per model and input content (default under $MIEB_CACHE) and
        reused by every later task and run; False disables it, a path relocates it; a cache fault
        (corrupt file, read-only location, full disk) is one warning, never an error.

        Runs sharing `output_folder` compute each task once: a task is computed under a lease, and a
        run that finds one held does its other tasks first, then waits and reuses the result. Whether
        the Hugging Face Hub can be reached is found out once (HF_HUB_OFFLINE is honoured); without it,
        tasks whose model or dataset is not cached locally fail at once with the fix in the message.
        Raises `mieb.paths.UnsafeNameError` (a UsageError) before writing anything if a model name,
        revision or task name cannot name a file, and MiebError when the results' disk is full.
        See docs/guarantees.md.

        `progress`: None (default) shows a live view on a terminal and otherwise one line per task on
        stderr (status, main score, seconds, images/s, cache hits); True the live view, "lines" the
        lines only, False nothing (see `mieb.runner.progress`). The libraries' own progress bars and
        Pillow's large-image warning are kept out unless `verbose`.
        """
        if overwrite_strategy not in OVERWRITE_STRATEGIES:
            raise ValueError(f"overwrite_strategy must be one of {OVERWRITE_STRATEGIES}")
        from mieb.data.images import DECODE_MODES
        from mieb.runner.progress import RunProgress, resolve_mode

        if decode_mode not in DECODE_MODES:
            raise ValueError(f"decode_mode must be one of {DECODE_MODES}, not {decode_mode!r}")
        with contextlib.ExitStack() as scope:
            scope.enter_context(hub.run_scope())  # whether the Hub can be reached is found out at most once per run
            reporter = scope.enter_context(RunProgress(resolve_mode(progress), self.tasks))
            return self._run(model, scope, reporter, output_folder, overwrite_strategy, encode_kwargs, device,
                             precision, raise_errors, cache, trust_remote_code, verbose, decode_mode)

    def _run(self, model: Encoder | ModelMeta | str, scope: contextlib.ExitStack, reporter: RunProgress,
             output_folder: str | Path | None, overwrite_strategy: str, encode_kwargs: dict[str, Any] | None,
             device: str | None, precision: str | None, raise_errors: bool, cache: bool | str | Path,
             trust_remote_code: bool, verbose: bool, decode_mode: str) -> RunReport:
        from mieb.runner.progress import quiet_libraries

        if isinstance(model, (str, os.PathLike, ModelMeta)):
            from mieb.models.registry import check_loadable, get_model_meta

            card = model if isinstance(model, ModelMeta) else get_model_meta(os.fspath(model))
            check_loadable(card, trust_remote_code)
            scan = self._scan(card, output_folder, overwrite_strategy)
            if not scan.pending:
                self._report_all(reporter, scan.report)
                return scan.report
            scope.enter_context(quiet_libraries(not verbose))  # the model and data libraries load from here on
            try:
                model = _load_model(card, device, precision, trust_remote_code)
            except ModelLoadError as e:
                if raise_errors:
                    raise
                # Every task with work left fails at once with the same message; finished ones are reported.
                logger.error("%d task(s) cannot run: %s", len(scan.pending), e)
                out_dir = _prepare_output(card, self.tasks, output_folder)
                for task in scan.pending:
                    _record_failure(scan.report, out_dir, card, task, log=False)
                self._report_all(reporter, scan.report)
                return scan.report
        else:
            scope.enter_context(quiet_libraries(not verbose))
        from mieb.models.encoder import Encoder
        from mieb.runner.embedder import Embedder

        if not isinstance(model, Encoder):
            raise TypeError(f"model must be an Encoder, a model card, a model name or a checkpoint folder, "
                            f"not {type(model).__name__}")
        encoder = model
        meta = encoder.meta
        out_dir = _prepare_output(meta, self.tasks, output_folder)
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
            store = EmbeddingCache(root).store(model_fingerprint(meta, encoder.precision, encoder.device.type,
                                                                 decode_mode))
        reporter.cache = store is not None
        embedder = Embedder(encoder, batch_size=batch_size, num_workers=num_workers, store=store,
                            progress=reporter.encoding, decode_mode=decode_mode)
        report = RunReport()
        if out_dir is not None:
            try:
                write_json_atomic(out_dir / MODEL_META_FILE, meta.to_dict())
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                raise _disk_full(e, out_dir) from e

        ctx = _RunContext(encoder, embedder, out_dir, overwrite_strategy, batch_size)
        busy = [task for task in self.tasks if not self._run_task(ctx, task, report, raise_errors, reporter)]
        if busy:  # held by another run: done by now, or wait for it (its lease ends if it is killed)
            ctx.wait = True
            for task in busy:
                self._run_task(ctx, task, report, raise_errors, reporter)
            order = {t.name: i for i, t in enumerate(self.tasks)}
            report.results.sort(key=lambda r: order.get(r.task_name, len(order)))
        return report

    def _run_task(self, ctx: _RunContext, task: Task, report: RunReport, raise_errors: bool,
                  reporter: RunProgress) -> bool:
        """Run one task into `report` (and its line to `reporter`); False (nothing recorded) if another run
        holds it and `ctx.wait` is off."""
        meta = ctx.encoder.meta
        reporter.task_started(task)
        t0 = time.perf_counter()
        try:
            result, computed = ctx.run_one(task)
        except (KeyboardInterrupt, SystemExit):
            raise
        except TaskBusy as busy:
            logger.warning("task %s is being computed by another run (%s): doing the other tasks first, then "
                           "waiting for it", busy.task, busy.holder)
            return False
        except Exception as e:  # noqa: BLE001 - a failing task must not end the run
            if raise_errors:
                raise
            if isinstance(e, OSError) and e.errno == errno.ENOSPC:  # every later write would fail the same way
                raise _disk_full(e, ctx.out_dir, task.name) from e
            _record_failure(report, ctx.out_dir, meta, task, log=reporter.mode == "off")  # else its line says it
            reporter.task_finished(task, "FAILED", error=report.failures[task.name])
            return True
        if result is None:
            reporter.task_finished(task, "missing")
            report.missing.append(task.name)
            return True
        if not computed:
            reporter.task_finished(task, "reused", result)
            report.skipped.append(task.name)
        else:
            reporter.task_finished(task, "done", result, time.perf_counter() - t0, ctx.embedder.stats.as_dict())
            if ctx.out_dir is not None:
                error_file(ctx.out_dir, task.name).unlink(missing_ok=True)
        report.results.append(result)
        return True

    def _report_all(self, reporter: RunProgress, report: RunReport) -> None:
        """The lines of a run that computed nothing: every task reused, missing, or failed before loading."""
        results = {r.task_name: r for r in report.results}
        for task in self.tasks:
            if task.name in report.failures:
                reporter.task_finished(task, "FAILED", error=report.failures[task.name])
            elif task.name in results:
                reporter.task_finished(task, "reused", results[task.name])
            else:
                reporter.task_finished(task, "missing")

    def _scan(self, meta: ModelMeta, output_folder: str | Path | None, strategy: str) -> _Scan:
        """What is on disk before loading the model: finished tasks (reported as skipped), tasks whose
        results are missing under "only-cache", and the tasks with something left to compute."""
        scan = _Scan(RunReport(), [])
        out_dir = _prepare_output(meta, self.tasks, output_folder)  # names checked before the model loads
        if out_dir is None or strategy == "always":
            scan.pending = list(self.tasks)
            return scan
        for task in self.tasks:
            existing = _read_existing(result_file(out_dir, task.name))
            if strategy == "only-cache" and existing is None:
                scan.report.missing.append(task.name)
            elif existing is None or _pending(task, existing, strategy):
                scan.pending.append(task)
            else:
                scan.report.results.append(existing)
                scan.report.skipped.append(task.name)
        return scan


@dataclass
class _Scan:
    report: RunReport
    pending: list[Task]


class TaskBusy(Exception):
    """Another run holds the task's lease (raised only while the runner is not waiting for leases)."""

    def __init__(self, task: str, holder: str):
        super().__init__(f"task {task} is held by {holder}")
        self.task, self.holder = task, holder


class ModelLoadError(MiebError):
    """A model could not be loaded; the message names it, its revision and, when offline, the fix."""


def _load_model(card: ModelMeta, device: str | None, precision: str | None, trust_remote_code: bool) -> Encoder:
    """`get_model`, with an unreachable Hub found out first (so loading fails at once, not after retries)
    and any failure turned into a `ModelLoadError` naming the model and its revision."""
    from mieb.models.registry import get_model

    repo = hub.model_repo(card)
    current = hub.status() if repo is not None else hub.HubStatus(True, "")
    online = current.reachable
    if repo is not None and not online and not hub.model_cached(repo, card.revision):  # fail before importing torch
        raise ModelLoadError(hub.model_unavailable(card.name, card.revision, f"no snapshot of {repo} at that "
                                                   "revision in the local cache", current))
    try:
        return get_model(card, device=device, precision=precision, trust_remote_code=trust_remote_code)
    except MiebError:
        raise
    except Exception as e:
        first_line = (str(e).strip().splitlines() or [""])[0]
        why = f"{type(e).__name__}: {first_line}"
        if not online:
            raise ModelLoadError(hub.model_unavailable(card.name, card.revision, why, current)) from e
        raise ModelLoadError(f"model {card.name} (revision {card.revision or 'default'}) could not be loaded: "
                             f"{why}") from e


def _prepare_output(meta: ModelMeta, tasks: list[Task], output_folder: str | Path | None) -> Path | None:
    """The model's revision folder (None without output): every name checked before anything is written
    (`UnsafeNameError`), and mieb's own stale temporaries from killed runs removed."""
    if output_folder is None:
        return None
    out_dir = model_dir(output_folder, meta.folder_name, meta.revision_folder)
    for task in tasks:
        result_file(out_dir, task.name)
    remove_stale_temporaries(out_dir)
    remove_stale_temporaries(out_dir / ERRORS_FOLDER)
    return out_dir


def _disk_full(error: OSError, where: Path | None, task: str | None = None) -> MiebError:
    what = f"the result of task {task}" if task else "results"
    return MiebError(f"no space left on the device while writing {what} under {where} ({error}): the results written "
                     "so far are intact; free some space and run the same command again to complete the rest")


def _record_failure(report: RunReport, out_dir: Path | None, meta: ModelMeta, task: Task, log: bool = True) -> None:
    """Record the exception being handled as `task`'s failure: in the report and in `errors/<task>.json`."""
    e = sys.exc_info()[1]
    msg = str(e) if isinstance(e, MiebError) else f"{type(e).__name__}: {e}"
    if log:
        logger.error("task %s failed: %s", task.name, msg)
    report.failures[task.name] = msg
    if out_dir is None:
        return
    path = error_file(out_dir, task.name)
    try:
        write_json_atomic(path, {"task_name": task.name, "model": meta.name, "revision": meta.revision,
                                 "error": msg, "traceback": traceback.format_exc(), "date": time.time()})
    except OSError as write_error:  # e.g. a full disk: the failure is still in the report and the log
        logger.error("could not record the failure of task %s in %s: %s", task.name, path, write_error)


@dataclass
class _RunContext:
    """What running one task needs; aggregates recurse into their subtasks through `run_one`."""

    encoder: Encoder
    embedder: Embedder
    out_dir: Path | None
    strategy: str
    batch_size: int
    wait: bool = False  # for a task another run holds: wait for it (True) or raise TaskBusy (False)

    def run_one(self, task: Task) -> tuple[TaskResult | None, bool]:
        """(result, whether anything was computed); result None only for "only-cache" misses.

        A task with work left is computed under its lease (`mieb.locks.task_lease`), so two runs on
        one output folder never compute it both: the second finds the result when the lease is free.
        """
        path = result_file(self.out_dir, task.name) if self.out_dir else None
        existing = _read_existing(path)
        todo = _pending(task, existing, self.strategy)
        if not todo:
            return existing, False
        check_modalities(task, self.encoder)
        with self._lease(task):
            if self.strategy != "always":  # another run may have finished it while we waited
                existing = _read_existing(path)
                todo = _pending(task, existing, self.strategy)
                if not todo:
                    return existing, False
            kind = task.kind
            sub_results = ([self.run_one(t)[0] for t in kind.subtasks(task)] if isinstance(kind, AggregateKind)
                           else None)
            return self._compute(task, todo, existing, path, sub_results), True

    @contextlib.contextmanager
    def _lease(self, task: Task) -> Iterator[None]:
        if self.out_dir is None:  # nothing is written, so nothing is shared
            yield
            return
        lease = task_lease(self.out_dir, task.name)
        if not lease.try_acquire():
            if not self.wait:
                raise TaskBusy(task.name, lease.holder())
            logger.warning("waiting for task %s, which another run is computing (%s)", task.name, lease.holder())
            lease.acquire()
        try:
            yield
        finally:
            lease.release()

    def _compute(self, task: Task, todo: list[tuple[str, str]], existing: TaskResult | None, path: Path | None,
                 sub_results: list[TaskResult | None] | None) -> TaskResult:
        md = task.metadata
        embedder = self.embedder
        embedder.start_task(md.name, md.type, md.category, md.prompt)
        timings = dict((existing.mieb or {}).get("timings", {})) if existing else {}
        timings = {k: float(timings.get(k, 0.0)) for k in ("load", "encode", "score", "total")}
        result = existing
        kind = task.kind
        for i, (split, subset) in enumerate(todo):
            t0 = time.perf_counter()
            enc0 = embedder.stats.seconds
            ctx = SplitContext(split, subset)
            if isinstance(kind, AggregateKind):
                finished = [r for r in sub_results or [] if r is not None]
                if sub_results is None or len(finished) != len(sub_results):
                    raise MiebError(f"task {md.name}: a subtask has no result (overwrite strategy only-cache?)")
                scores = kind.combine(task, split, finished)
                t1 = t2 = time.perf_counter()
            else:
                assert isinstance(kind, TaskKind)
                data = kind.load(task, ctx)
                t1 = time.perf_counter()
                scores = kind.evaluate(task, data, embedder.bind(ctx))
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
    except FileNotFoundError:  # another run set it aside between the two calls
        return None
    except Exception as e:  # noqa: BLE001 - an unreadable file is set aside, never silently overwritten
        backup = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
        try:
            path.rename(backup)
        except FileNotFoundError:
            return None
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
            # halvings after the device ran out of memory: {"inputs", "from", "to"} each, in order
            "batch_size_reductions": list(embedder.batch_size_reductions),
            "num_workers": embedder.num_workers,
            "decode_mode": embedder.decode_mode,
            "embedding_cache": embedder.store is not None and embedder.store.enabled,
            **({"maxsim": info} if (info := encoder.scoring_info()) is not None else {}),
        },
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "counts": embedder.stats.as_dict(),
        "versions": library_versions(),
    }
