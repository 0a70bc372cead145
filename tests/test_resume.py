"""Killing a run mid-way and running the same command again completes the rest and keeps what was done."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TASKS = ["ShapesZeroShot", "ShapesT2IRetrieval", "ShapesClustering", "ShapesMultipleChoice", "RenderedShapesSTS"]


def _cmd(model: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "mieb", "run", "-t", *TASKS, "-m", str(model), "--output-folder", str(out),
            "--batch-size", "16", "--num-workers", "0", "--no-progress"]


def test_kill_and_rerun_completes(tiny_clip_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(_cmd(tiny_clip_dir, out), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    first: list[Path] = []
    while time.time() < deadline and proc.poll() is None:
        first = [p for p in out.glob("*/*/*.json") if p.name != "model_meta.json"]
        if first:
            break
        time.sleep(0.05)
    assert first, "the run produced no result before the deadline"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = {p.name: p.read_bytes() for p in out.glob("*/*/*.json") if p.name != "model_meta.json"}
    assert 1 <= len(done_before) < len(TASKS)
    assert not list(out.rglob("*.tmp")) or all(p.name.startswith(".") for p in out.rglob("*.tmp"))

    rerun = subprocess.run(_cmd(tiny_clip_dir, out), env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    results = {p.name: p for p in out.glob("*/*/*.json") if p.name != "model_meta.json"}
    assert sorted(results) == sorted(f"{t}.json" for t in TASKS)
    for name, blob in done_before.items():  # finished tasks were skipped, not redone
        assert results[name].read_bytes() == blob
    for p in results.values():
        assert json.loads(p.read_text())["mieb"]["complete"] is True
    assert "reused" in rerun.stdout


def test_rerun_of_a_finished_selection_does_not_load_the_model(tiny_clip_dir: Path, tmp_path: Path,
                                                              monkeypatch) -> None:
    import mieb.models.registry as registry
    from mieb.runner.run import MIEB, ModelLoadError

    out = tmp_path / "results"
    first = MIEB(TASKS[:2]).run(str(tiny_clip_dir), output_folder=out, cache=False, progress=False)
    assert first.ok and not first.skipped

    def no_loading(*args, **kwargs):
        raise AssertionError("the model was loaded although nothing was left to compute")

    # In a fresh process, reading the finished results back imports neither torch nor transformers.
    probe = ("import sys, json; from mieb.runner.run import MIEB; "
             f"r = MIEB({TASKS[:2]!r}).run({str(tiny_clip_dir)!r}, output_folder={str(out)!r}, cache=False, "
             "progress=False); "
             "print(json.dumps([r.skipped, sorted(m for m in ('torch', 'transformers') if m in sys.modules)]))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    fresh = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert fresh.returncode == 0, fresh.stderr[-2000:]
    assert json.loads(fresh.stdout.strip().splitlines()[-1]) == [TASKS[:2], []]

    monkeypatch.setattr(registry, "get_model", no_loading)
    again = MIEB(TASKS[:2]).run(str(tiny_clip_dir), output_folder=out, cache=False, progress=False)
    assert again.ok and again.skipped == TASKS[:2]
    assert [r.get_score() for r in again.results] == [r.get_score() for r in first.results]
    with pytest.raises(ModelLoadError, match="nothing was left"):  # one more task: now it must load
        MIEB(TASKS[:3]).run(str(tiny_clip_dir), output_folder=out, cache=False, progress=False, raise_errors=True)


def _edit_result(path: Path, section: str, key: str, value: object) -> None:
    data = json.loads(path.read_text())
    data["mieb"][section][key] = value
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(("section", "key", "old"), [("task", "protocol_version", 0),
                                                      ("task", "dataset_revision", "an-older-revision"),
                                                      ("model", "image_decoding", "1"),
                                                      ("run", "decode_mode", "draft")])
def test_a_result_computed_with_other_settings_is_computed_again_unless_never(
        tiny_clip_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, section: str, key: str,
        old: object) -> None:
    from mieb.runner.run import MIEB

    out = tmp_path / "results"
    run = MIEB(TASKS[:1])
    first = run.run(str(tiny_clip_dir), output_folder=out, cache=False, progress=False)
    (path,) = [p for p in out.glob("*/*/*.json") if p.name != "model_meta.json"]
    _edit_result(path, section, key, old)

    kept = run.run(str(tiny_clip_dir), output_folder=out, cache=False, progress=False, overwrite_strategy="never")
    assert kept.skipped == TASKS[:1] and kept.results[0].mieb[section][key] == old

    with caplog.at_level("WARNING", logger="mieb"):
        again = run.run(str(tiny_clip_dir), output_folder=out, cache=False, progress=False)
    assert again.ok and not again.skipped  # computed, not reused
    assert again.results[0].mieb[section][key] == first.results[0].mieb[section][key]
    assert json.loads(path.read_text())["mieb"][section][key] == first.results[0].mieb[section][key]
    assert again.results[0].get_score() == first.results[0].get_score()
    assert f"{key.replace('_', ' ')}" in caplog.text or key in caplog.text
    assert "computing it again" in caplog.text


def test_a_rerun_with_another_decode_mode_or_explicit_precision_recomputes(tiny_clip_dir: Path,
                                                                          tmp_path: Path) -> None:
    from mieb.runner.run import MIEB

    out = tmp_path / "results"
    run = MIEB(TASKS[:1])
    kw = {"output_folder": out, "cache": False, "progress": False}
    first = run.run(str(tiny_clip_dir), **kw)
    assert first.results[0].mieb["run"]["decode_mode"] == "exact"
    draft = run.run(str(tiny_clip_dir), decode_mode="draft", **kw)
    assert not draft.skipped and draft.results[0].mieb["run"]["decode_mode"] == "draft"
    assert run.run(str(tiny_clip_dir), decode_mode="draft", **kw).skipped == TASKS[:1]  # same settings: reused
    assert run.run(str(tiny_clip_dir), decode_mode="draft", precision="auto", **kw).skipped == TASKS[:1]
    bf16 = run.run(str(tiny_clip_dir), decode_mode="draft", precision="bf16", **kw)
    assert not bf16.skipped and bf16.results[0].mieb["run"]["precision"] == "bf16"


def test_always_recomputes_with_this_runs_seconds_only(tiny_clip_dir: Path, tmp_path: Path) -> None:
    """Seconds add up over the parts of a resumed result, not over a file that "always" replaces whole."""
    from mieb.runner.run import MIEB

    out = tmp_path / "results"
    run = MIEB(TASKS[:1])
    kw = {"output_folder": out, "cache": False, "progress": False}
    run.run(str(tiny_clip_dir), **kw)
    (path,) = [p for p in out.glob("*/*/*.json") if p.name != "model_meta.json"]
    data = json.loads(path.read_text())
    data["mieb"]["timings"] = {k: 1000.0 for k in ("load", "encode", "score", "total")}
    data["evaluation_time"] = 1000.0
    path.write_text(json.dumps(data))
    again = run.run(str(tiny_clip_dir), overwrite_strategy="always", **kw)
    assert not again.skipped
    assert again.results[0].evaluation_time < 1000
    assert all(v < 1000 for v in again.results[0].mieb["timings"].values())
