"""What a run prints: one line per task for logs, a live view in a terminal, no library noise."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from fake_models import ColourOracle
from local_tasks import colour_t2i, colour_zeroshot

from mieb.runner.progress import RunProgress, quiet_libraries, resolve_mode
from mieb.runner.run import MIEB

RUN = dict(encode_kwargs={"batch_size": 4, "num_workers": 0})


def _lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("[")]


def test_one_line_per_task_when_stderr_is_not_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    tasks = [colour_zeroshot(tmp_path), colour_t2i(tmp_path), colour_zeroshot(tmp_path, name="Broken", broken_row=2)]
    cache = tmp_path / "cache"
    report = MIEB(tasks).run(ColourOracle(), output_folder=tmp_path / "out", cache=cache, **RUN)
    assert list(report.failures) == ["Broken"]
    lines = _lines(capsys.readouterr().err)
    assert len(lines) == 3
    assert re.fullmatch(r"\[1/3\]  ColourZeroShot\s+done    accuracy 100\.00  \d+\.\d s  \d+ images/s  cache 0/16",
                        lines[0]), lines[0]  # 12 images + 4 class prompts, none cached yet
    assert re.fullmatch(r"\[2/3\]  ColourT2IRetrieval\s+done    ndcg_at_10 100\.00  \d+\.\d s  \d+ images/s  cache 0/8",
                        lines[1]), lines[1]
    assert lines[2].startswith("[3/3]  Broken") and "FAILED" in lines[2] and "unreadable image" in lines[2]

    # A re-run reuses the finished results (and says so); the failed task is retried.
    MIEB(tasks[:2]).run(ColourOracle(), output_folder=tmp_path / "out", cache=cache, **RUN)
    assert [line.split()[1:3] for line in _lines(capsys.readouterr().err)] == [
        ["ColourZeroShot", "reused"], ["ColourT2IRetrieval", "reused"]]
    # Recomputed from the embedding cache: every input is a hit.
    MIEB(tasks[:1]).run(ColourOracle(), output_folder=tmp_path / "out", cache=cache, overwrite_strategy="always",
                        **RUN)
    assert _lines(capsys.readouterr().err)[0].endswith("cache 16/16")

    MIEB(tasks[:1]).run(ColourOracle(), output_folder=tmp_path / "out2", cache=False, progress=False, **RUN)
    assert capsys.readouterr().err == ""  # progress=False: nothing at all


def test_live_view_in_a_terminal() -> None:
    class T:  # the few fields a line needs
        def __init__(self, name: str):
            self.name = name

    stream = io.StringIO()
    assert resolve_mode(None, stream) == "lines" and resolve_mode(True) == "live" and resolve_mode(False) == "off"
    with pytest.raises(ValueError, match="progress must be"):
        resolve_mode("bars")
    with RunProgress("live", [T("A"), T("LongerName")], stream=stream) as progress:
        tick = progress.encoding("A: images", 10)
        assert tick is not None
        for _ in range(10):
            tick(1)
        assert progress._live.tasks[0].completed == 0  # the run's bar; the finished encoding bar is gone
        assert len(progress._live.tasks) == 1
    assert RunProgress("lines", [], stream=stream).encoding("x", 3) is None  # no bars in a log


def test_quiet_libraries_silences_bars_and_large_image_warning_then_restores() -> None:
    import datasets.utils
    import huggingface_hub.utils
    import transformers.utils.logging as tf_logging
    from PIL import Image

    before = (datasets.utils.are_progress_bars_disabled(), tf_logging.is_progress_bar_enabled(),
              huggingface_hub.utils.are_progress_bars_disabled())
    with quiet_libraries():
        assert datasets.utils.are_progress_bars_disabled()
        assert not tf_logging.is_progress_bar_enabled()
        assert huggingface_hub.utils.are_progress_bars_disabled()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            with quiet_libraries():
                warnings.warn("large", Image.DecompressionBombWarning, stacklevel=1)
        assert caught == []
    assert (datasets.utils.are_progress_bars_disabled(), tf_logging.is_progress_bar_enabled(),
            huggingface_hub.utils.are_progress_bars_disabled()) == before
    with quiet_libraries(enabled=False):
        assert tf_logging.is_progress_bar_enabled() == before[1]


def test_cli_run_in_a_log_has_task_lines_and_no_library_noise(tmp_path: Path) -> None:
    """A real run (bundled model, offline data built from scratch) with stderr going to a file: the task's
    line and nothing from transformers ("Loading weights"), datasets ("Generating", "Creating parquet")
    or Pillow (a large-image warning, provoked by lowering its limit under the 64x64 images)."""
    code = ("import PIL.Image, sys; PIL.Image.MAX_IMAGE_PIXELS = 3000\n"
            "from mieb.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    env = {**os.environ, "MIEB_CACHE": str(tmp_path / "cache"), "PYTHONWARNINGS": "default"}
    proc = subprocess.run([sys.executable, "-c", code, "run", "-t", "ShapesZeroShot", "-m", "mieb/tiny-clip-shapes",
                           "--output-folder", str(tmp_path / "out"), "--no-cache"],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(r"\[1/1\]  ShapesZeroShot  done    accuracy \d+\.\d\d  \d+\.\d s  \d+ images/s  cache off\n",
                        proc.stderr), proc.stderr
    assert "ShapesZeroShot" in proc.stdout  # the summary table
