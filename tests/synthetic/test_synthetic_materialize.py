"""`materialize`: builds once, atomically, into offline_datasets_dir()/<key>/<version>/."""

from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

import pytest

import mieb.data.synthetic as synth
from mieb.data.synthetic import BUILDERS, MARKER, materialize

KEY = "ShapesZeroShot"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MIEB_CACHE", str(tmp_path))
    return tmp_path


def _entries(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_builds_once_and_reuses(cache, monkeypatch):
    version = BUILDERS[KEY].version
    path = materialize(KEY, version)
    assert path == cache / "offline" / KEY / version
    info = json.loads((path / MARKER).read_text())
    assert info["key"] == KEY and info["version"] == version
    assert (path / "README.md").is_file()
    mtime = (path / "default" / "test-00000-of-00001.parquet").stat().st_mtime_ns

    def boom(self, out_dir):
        raise AssertionError("must not rebuild")

    monkeypatch.setattr(synth.Builder, "build", boom)
    assert materialize(KEY, version) == path
    assert (path / "default" / "test-00000-of-00001.parquet").stat().st_mtime_ns == mtime
    assert _entries(path.parent) == [version]  # no temporary folders left behind


def test_version_mismatch_and_unknown_key(cache):
    with pytest.raises(ValueError, match="version"):
        materialize(KEY, "not-a-version")
    with pytest.raises(KeyError, match="no offline dataset builder"):
        materialize("NoSuchTask", "1")
    assert not (cache / "offline" / KEY / "not-a-version").exists()


def test_failed_build_leaves_nothing(cache, monkeypatch):
    def half_then_fail(self, out_dir):
        Path(out_dir, "default").mkdir(parents=True)
        Path(out_dir, "README.md").write_text("partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(synth.Builder, "build", half_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        materialize(KEY, BUILDERS[KEY].version)
    assert _entries(cache / "offline" / KEY) == []


def test_incomplete_folder_is_replaced(cache):
    version = BUILDERS[KEY].version
    final = cache / "offline" / KEY / version
    final.mkdir(parents=True)
    (final / "README.md").write_text("half-written, no marker")
    path = materialize(KEY, version)
    assert path == final and (final / MARKER).is_file()
    assert "configs:" in (final / "README.md").read_text()
    assert _entries(final.parent) == [version]


def test_build_by_other_generator_code_is_rebuilt(cache):
    """A world changed without a version bump (e.g. a development checkout) must not reuse old data."""
    version = BUILDERS[KEY].version
    path = materialize(KEY, version)
    marker = path / MARKER
    info = json.loads(marker.read_text())
    assert info["generator"] == synth.generator_fingerprint()
    marker.write_text(json.dumps({**info, "generator": "older-code"}))
    (path / "README.md").write_text("stale")
    assert materialize(KEY, version) == path
    assert "configs:" in (path / "README.md").read_text()
    assert json.loads(marker.read_text())["generator"] == synth.generator_fingerprint()
    assert _entries(path.parent) == [version]


def _worker(cache: str, q) -> None:
    import os

    os.environ["MIEB_CACHE"] = cache
    from mieb.data.synthetic import BUILDERS, materialize

    q.put(str(materialize(KEY, BUILDERS[KEY].version)))


def test_concurrent_builds_agree(cache):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(str(cache), q)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    paths = {q.get(timeout=5) for _ in procs}
    assert paths == {str(cache / "offline" / KEY / BUILDERS[KEY].version)}
    assert _entries(cache / "offline" / KEY) == [BUILDERS[KEY].version]
    assert (cache / "offline" / KEY / BUILDERS[KEY].version / MARKER).is_file()
