"""What a run shows while it goes: one line per task for logs, a live view in a terminal, and the
libraries' own progress bars and warnings kept out unless asked for.

Modes (`MIEB.run(progress=...)`, `mieb run`):
    "live"   (default on a terminal): per-task lines above a live view: the run's task bar with its ETA
             and a bar with ETA per encoding pass (rich).
    "lines"  (default when stderr is not a terminal: cluster jobs, `| tee`): one line per task, nothing else.
    "off"    (`progress=False`): nothing.

A task line reads

    [ 3/12] CIFAR10ZeroShot  done  accuracy 81.23  12.4 s  806 images/s  cache 0/10000

status (done, reused: already on disk, FAILED, missing: "only-cache" found no result), the main score
x100, the task's wall-clock seconds, images embedded per second of it (inputs served from the embedding
cache included), and cache hits out of the inputs requested (images and texts), or "cache off".
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, TextIO

if TYPE_CHECKING:
    from mieb.results.schema import TaskResult
    from mieb.tasks.task import Task

Tick = Callable[[int], None]
Mode = Literal["live", "lines", "off"]
Status = Literal["done", "reused", "FAILED", "missing"]


def resolve_mode(progress: bool | str | None, stream: TextIO | None = None) -> Mode:
    """None: "live" on a terminal, else "lines"; True: "live"; False: "off"; or a mode by name.
    Raises ValueError for another string."""
    if progress is None:
        return "live" if (stream or sys.stderr).isatty() else "lines"
    if progress is True:
        return "live"
    if progress is False:
        return "off"
    if progress in ("live", "lines", "off"):
        return progress  # type: ignore[return-value]
    raise ValueError(f"progress must be True, False, None or one of 'live', 'lines', 'off', not {progress!r}")


def task_line(index: int, total: int, task: Task, status: Status, result: TaskResult | None = None,
              seconds: float | None = None, counts: dict[str, Any] | None = None, error: str | None = None,
              name_width: int = 0, cache: bool = True) -> str:
    """One task's line (see the module docstring); `counts` are the Embedder's (`EmbedStats.as_dict()`);
    the name is padded to `name_width` so that a run's lines line up; `cache`: the embedding cache is on."""
    md = task.metadata
    parts = [f"[{index:>{len(str(total))}}/{total}]", md.name.ljust(name_width), f"{status:<6}"]
    if result is not None:
        score = result.get_score(md.eval_splits, task.hf_subsets)
        if score == score:  # not NaN
            parts.append(f"{md.main_score} {100 * score:.2f}")
    if seconds is not None and status == "done":
        parts.append(f"{seconds:.1f} s")
        if counts:
            images = int(counts.get("images_requested", 0))
            if images and seconds > 0:
                parts.append(f"{images / seconds:.0f} images/s")
            requested = images + int(counts.get("texts_requested", 0))
            if not cache:
                parts.append("cache off")
            elif requested:
                hits = int(counts.get("images_cached", 0)) + int(counts.get("texts_cached", 0))
                parts.append(f"cache {hits}/{requested}")
    if error:
        parts.append(error.strip().splitlines()[0] if error.strip() else error)
    return "  ".join(parts).rstrip()


class RunProgress:
    """Reports a run's tasks in one of the modes above; `encoding` is what the Embedder calls per pass.

    Use as a context manager (the live view is stopped on exit, also on errors and Ctrl-C).
    """

    def __init__(self, mode: Mode, tasks: Sequence[Task], stream: TextIO | None = None):
        self.mode = mode
        self.total = len(tasks)
        self.name_width = max((len(t.name) for t in tasks), default=0)
        self.stream = stream or sys.stderr
        self.cache = True  # whether the run uses the embedding cache (the lines say "cache off" if not)
        self._done = 0
        self._live: Any = None
        self._run_bar: Any = None

    def __enter__(self) -> RunProgress:
        if self.mode == "live":
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._live = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("ETA"), TimeRemainingColumn(), transient=True,
                                  console=Console(file=self.stream, force_terminal=True))
            self._live.start()
            self._run_bar = self._live.add_task("tasks", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def task_started(self, task: Task) -> None:
        if self._live is not None:
            self._live.update(self._run_bar, description=f"tasks ({task.name})")

    def task_finished(self, task: Task, status: Status, result: TaskResult | None = None,
                      seconds: float | None = None, counts: dict[str, Any] | None = None,
                      error: str | None = None) -> None:
        self._done += 1
        if self.mode == "off":
            return
        line = task_line(self._done, self.total, task, status, result, seconds, counts, error, self.name_width, self.cache)
        if self._live is not None:
            self._live.console.print(line, highlight=False, markup=False, soft_wrap=True)
            self._live.update(self._run_bar, advance=1)
        else:
            print(line, file=self.stream, flush=True)

    def encoding(self, label: str, total: int) -> Tick | None:
        """A bar with its ETA for one encoding pass (live mode only): returns tick(n)."""
        live = self._live
        if live is None:
            return None
        bar = live.add_task(f"  {label}", total=total)

        def tick(n: int) -> None:
            live.advance(bar, n)
            if live.tasks[live.task_ids.index(bar)].finished:
                live.remove_task(bar)

        return tick


@contextlib.contextmanager
def quiet_libraries(enabled: bool = True) -> Iterator[None]:
    """Keep the libraries' own noise out for the duration of a run, then restore it.

    Silenced: the progress bars of transformers ("Loading weights"), datasets ("Generating split",
    "Creating parquet") and huggingface_hub (downloads), and Pillow's DecompressionBombWarning for large
    images (an image too large to decode stays an error). The libraries' log messages are left alone:
    a warning about unused weights matters. The libraries are imported here: call this where a run is
    about to load a model or data anyway.
    """
    if not enabled:
        yield
        return
    import datasets.utils as ds_utils
    import huggingface_hub.utils as hub_utils
    import transformers.utils.logging as tf_logging
    from PIL import Image

    restore: list[Callable[[], None]] = []
    if not ds_utils.are_progress_bars_disabled():
        ds_utils.disable_progress_bars()
        restore.append(ds_utils.enable_progress_bars)
    if tf_logging.is_progress_bar_enabled():
        tf_logging.disable_progress_bar()
        restore.append(tf_logging.enable_progress_bar)
    if not hub_utils.are_progress_bars_disabled():
        hub_utils.disable_progress_bars()
        restore.append(hub_utils.enable_progress_bars)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        for undo in reversed(restore):
            undo()
