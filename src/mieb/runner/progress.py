"""Progress bars for long encoding work (rich), shown only on an interactive terminal by default."""

from __future__ import annotations

import sys
from collections.abc import Callable

Tick = Callable[[int], None]


def progress_factory(enabled: bool | None) -> Callable[[str, int], Tick] | None:
    """A function (label, total) -> tick(n), or None when progress is off (default: stderr is a TTY)."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        transient=True,
    )

    def start(label: str, total: int) -> Tick:
        if not progress.live.is_started:
            progress.start()
        task_id = progress.add_task(label, total=total)

        def tick(n: int) -> None:
            progress.advance(task_id, n)
            if progress.tasks[progress.task_ids.index(task_id)].finished:
                progress.remove_task(task_id)
                if not progress.tasks:
                    progress.stop()

        return tick

    return start
