"""An unreachable Hub: found out once per run in seconds, one clear message per affected task, exit non-zero.

These tests have no internet, which is the case under test. The Hub endpoint is pointed at local
sockets: a closed port (refused at once) and a listening socket that never answers (a timeout).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_models import ColourOracle
from local_tasks import colour_zeroshot

from mieb.runner.run import MIEB

RUN = dict(encode_kwargs={"batch_size": 4, "num_workers": 0}, progress=False, cache=False)
CLIP16 = "openai/clip-vit-base-patch16"
CLIP16_REV = "57c216476eefef5ab752ec549e440a49ae4ae5f3"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: connections are refused


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A port that accepts connections and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def unreachable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """No Hub (a refused endpoint), an empty Hugging Face cache, offline mode not set."""
    endpoint = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf" / "datasets"))
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    return endpoint


def test_probe_is_quick_when_refused(unreachable: str) -> None:
    from mieb import hub

    t0 = time.monotonic()
    reason = hub.probe(timeout=3)
    assert reason is not None and unreachable in reason and time.monotonic() - t0 < 2


def test_probe_gives_up_after_its_timeout(silent_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from mieb import hub

    monkeypatch.setenv("HF_ENDPOINT", silent_server)
    t0 = time.monotonic()
    reason = hub.probe(timeout=0.5)
    assert reason is not None and silent_server in reason and time.monotonic() - t0 < 3


def test_hf_hub_offline_is_honoured_without_probing(monkeypatch: pytest.MonkeyPatch) -> None:
    from mieb import hub

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hub, "probe", lambda *a, **k: pytest.fail("probed although HF_HUB_OFFLINE is set"))
    with hub.run_scope():
        assert hub.status() == hub.HubStatus(False, "HF_HUB_OFFLINE is set")


def test_one_probe_per_run_and_offline_mode_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    from mieb import hub

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    calls = []
    monkeypatch.setattr(hub, "probe", lambda *a, **k: calls.append(1) or "injected: no route")
    before = huggingface_hub.constants.HF_HUB_OFFLINE
    with hub.run_scope():
        for _ in range(3):
            assert not hub.status().reachable
        assert os.environ["HF_HUB_OFFLINE"] == "1" and huggingface_hub.constants.HF_HUB_OFFLINE is True
    assert calls == [1]
    assert "HF_HUB_OFFLINE" not in os.environ and huggingface_hub.constants.HF_HUB_OFFLINE == before


def test_unreachable_model_fails_each_task_at_once_naming_model_revision_and_fix(
        unreachable: str, tmp_path: Path) -> None:
    tasks = [colour_zeroshot(tmp_path, name=f"Colour{i}ZeroShot") for i in range(3)]
    t0 = time.monotonic()
    report = MIEB(tasks).run(CLIP16, output_folder=tmp_path / "out", **RUN)
    assert time.monotonic() - t0 < 15
    assert sorted(report.failures) == sorted(t.name for t in tasks)
    for msg in report.failures.values():
        assert CLIP16 in msg and CLIP16_REV in msg and unreachable in msg
        assert "hf download" in msg and "HF_HUB_OFFLINE=1" in msg and "local checkpoint folder" in msg
    errors = tmp_path / "out" / "openai__clip-vit-base-patch16" / CLIP16_REV / "errors"
    assert sorted(p.stem for p in errors.glob("*.json")) == sorted(t.name for t in tasks)


def test_unreachable_dataset_fails_its_task_at_once(unreachable: str, tmp_path: Path) -> None:
    from mieb.tasks.registry import get_task

    cifar = get_task("CIFAR10ZeroShot")
    local = colour_zeroshot(tmp_path)
    t0 = time.monotonic()
    report = MIEB([cifar, local]).run(ColourOracle(), output_folder=tmp_path / "out", **RUN)
    assert time.monotonic() - t0 < 15
    assert list(report.failures) == ["CIFAR10ZeroShot"] and [r.task_name for r in report.results] == ["ColourZeroShot"]
    msg = report.failures["CIFAR10ZeroShot"]
    ref = cifar.metadata.dataset
    assert f"{ref.path}@{ref.revision}" in msg and unreachable in msg
    assert "mieb download -t CIFAR10ZeroShot" in msg and "HF_HUB_OFFLINE=1" in msg


def test_cli_offline_run_is_quick_prints_each_line_once_and_fails(tmp_path: Path) -> None:
    """Offline, `mieb run -t ... -m openai/clip-vit-base-patch16` printed 37 s of retry warnings, each twice,
    then a traceback that never named the model."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HF_ENDPOINT": f"http://127.0.0.1:{closed_port()}",
           "HF_HOME": str(tmp_path / "hf")}
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_CACHE", "HF_DATASETS_CACHE"):
        env.pop(name, None)
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mieb", "run", "-t", "CIFAR10ZeroShot", "DTD", "-m", CLIP16,
                           "--output-folder", str(tmp_path / "out"), "--no-progress"],
                          capture_output=True, text=True, timeout=300, env=env)
    elapsed = time.monotonic() - t0
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert elapsed < 60, elapsed
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and "Retrying" not in text
    assert CLIP16 in text and CLIP16_REV in text and "hf download" in text
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == len(set(lines)), "a line was printed twice"


def test_library_warnings_are_printed_once() -> None:
    """mieb's logging set-up printed every huggingface_hub warning a second time (it has its own handler)."""
    code = ("import logging\n"
            "from mieb.cli import main\n"
            "main(['list', 'benchmarks'])\n"
            "from huggingface_hub.utils import logging as hf_logging\n"
            "hf_logging.get_logger('huggingface_hub.probe').warning('a hub warning')\n"
            "logging.getLogger('mieb').warning('a mieb warning')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("a hub warning") == 1 and proc.stderr.count("a mieb warning") == 1


def test_download_without_a_hub_fails_at_once(unreachable: str, capsys: pytest.CaptureFixture) -> None:
    from mieb.cli import main

    t0 = time.monotonic()
    assert main(["download", "-t", "CIFAR10ZeroShot", "DTD"]) == 1
    err = capsys.readouterr().err
    assert time.monotonic() - t0 < 15
    assert "cannot download the data of 2 task(s) (CIFAR10ZeroShot, DTD)" in err and unreachable in err
