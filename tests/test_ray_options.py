"""The Ray executor's options and set-up errors, without a Ray cluster: wrong options are refused before
anything runs, a missing extra names its install command, an address nothing answers fails at once."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from mieb.cli import main
from mieb.errors import MiebError, MissingDependencyError

RUN = ["run", "-t", "ShapesZeroShot", "-m", "mieb/tiny-clip-shapes", "--num-workers", "0", "--no-progress"]


@pytest.mark.parametrize("option", [["--gpus-per-job", "1"], ["--encoders", "2"], ["--shard-size", "64"],
                                    ["--address", "auto"], ["--shared-cache", "file:///tmp/x"]])
def test_ray_only_options_are_refused_with_the_local_executor(option: list[str], tmp_path: Path,
                                                              capsys: pytest.CaptureFixture) -> None:
    assert main([*RUN, "--output-folder", str(tmp_path), *option]) == 2
    assert "apply to --executor ray" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("option", "needle"), [(["--shard-size", "0"], "shard_size must be at least 1"),
                                                (["--encoders", "0"], "encoders must be at least 1"),
                                                (["--gpus-per-job", "-1"], "gpus_per_job must be >= 0")])
def test_bad_ray_options_exit_2(option: list[str], needle: str, tmp_path: Path,
                                capsys: pytest.CaptureFixture) -> None:
    assert main([*RUN, "--output-folder", str(tmp_path), "--executor", "ray", *option]) == 2
    assert needle in capsys.readouterr().err


def test_the_ray_executor_without_ray_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mieb.runner.run import MIEB

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError, as without the extra
    with pytest.raises(MissingDependencyError, match=r"pip install 'mieb\[ray\]'"):
        MIEB(["ShapesZeroShot"]).run("mieb/tiny-clip-shapes", output_folder=tmp_path, progress=False,
                                     executor="ray")
    assert not list(tmp_path.glob("*/*/*.json"))


def test_an_address_nothing_answers_fails_at_once() -> None:
    from mieb.runner.ray.executor import _check_reachable

    t0 = time.perf_counter()
    with pytest.raises(MiebError, match="nothing answers there"):
        _check_reachable("127.0.0.1:1")  # port 1: refused
    with pytest.raises(MiebError, match="nothing answers there"):
        _check_reachable("ray://127.0.0.1:1")
    assert time.perf_counter() - t0 < 10
    for not_host_port in (None, "auto", "local", "http://127.0.0.1:8265/jobs"):
        _check_reachable(not_host_port)  # left to Ray
