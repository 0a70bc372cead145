"""Atomic writes give files the mode a plain open() would, and the next run clears a killed write's debris."""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_models import ColourOracle
from local_tasks import colour_t2i, colour_zeroshot

from mieb.results.io import write_json_atomic
from mieb.runner.run import MIEB

RUN = dict(encode_kwargs={"batch_size": 4, "num_workers": 0}, progress=False, cache=False)
HOUR = 3600


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _plain_open_mode(folder: Path) -> int:
    probe = folder / "plain-open-probe"
    with open(probe, "w"):
        pass
    mode = _mode(probe)
    probe.unlink()
    return mode


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o027, 0o077])
def test_results_model_meta_and_errors_get_the_umask_mode(mask: int, tmp_path: Path) -> None:
    """They were written 0600 whatever the umask, so colleagues on a shared folder could not read them."""
    broken = colour_zeroshot(tmp_path, name="BrokenZeroShot", broken_row=2)
    out = tmp_path / "out"
    with umask(mask):
        MIEB([colour_t2i(tmp_path), broken]).run(ColourOracle(), output_folder=out, **RUN)
        expected = _plain_open_mode(tmp_path)
    assert expected == 0o666 & ~mask
    rev = out / "test__colour-oracle" / "1"
    written = [rev / "ColourT2IRetrieval.json", rev / "model_meta.json", rev / "errors" / "BrokenZeroShot.json"]
    assert {p.name: oct(_mode(p)) for p in written} == {p.name: oct(expected) for p in written}


def test_rewriting_a_file_keeps_its_mode(tmp_path: Path) -> None:
    """open(path, "w") over an existing file keeps that file's mode; so does the atomic write."""
    path = tmp_path / "r.json"
    write_json_atomic(path, {"a": 1})
    path.chmod(0o640)
    with umask(0o077):
        write_json_atomic(path, {"a": 2})
    assert _mode(path) == 0o640 and path.read_text().strip().endswith("}")


def _age(path: Path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_next_run_removes_only_its_own_old_temporaries(tmp_path: Path) -> None:
    """A kill during a result write left `.<Task>.json.<random>.tmp` for ever."""
    out = tmp_path / "out"
    task = colour_zeroshot(tmp_path)
    MIEB([task]).run(ColourOracle(), output_folder=out, **RUN)
    rev = out / "test__colour-oracle" / "1"
    (rev / "errors").mkdir(exist_ok=True)
    debris = {
        rev / ".ColourZeroShot.json.k3j_x9ab.tmp": True,  # tempfile.mkstemp's names (earlier mieb)
        rev / ".model_meta.json.0123abcd.tmp": True,  # mieb's own pattern
        rev / "errors" / ".ColourZeroShot.json.deadbeef.tmp": True,
    }
    keep = {
        rev / ".ColourZeroShot.json.fedcba98.tmp": False,  # recent: may be a write in progress elsewhere
        rev / "notes.tmp": True,  # not mieb's pattern
        rev / ".ColourZeroShot.json.tmp": True,
        rev / "user.json.12345678.tmp": True,  # no leading dot: not ours
    }
    for path, old in {**debris, **keep}.items():
        path.write_text("partial")
        if old:
            _age(path, 2 * HOUR)
    again = MIEB([task, colour_t2i(tmp_path)]).run(ColourOracle(), output_folder=out, **RUN)
    assert again.ok
    assert [p for p in debris if p.exists()] == []
    assert [p for p in keep if not p.exists()] == []


def test_a_killed_offline_dataset_build_is_cleaned_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mieb.data.synthetic import BUILDERS, materialize

    monkeypatch.setenv("MIEB_CACHE", str(tmp_path / "cache"))
    key = sorted(BUILDERS)[0]
    version = BUILDERS[key].version
    root = tmp_path / "cache" / "offline" / key
    stale = root / f".{version}.0a1b2c3d.tmp"
    stale.mkdir(parents=True)
    (stale / "half.parquet").write_bytes(b"x")
    _age(stale, 2 * HOUR)
    with umask(0o022):
        final = materialize(key, version)
    assert not stale.exists() and final.is_dir()
    assert _mode(final) == 0o755  # built in a temporary folder: mkdtemp's 0700 no longer leaks through
