"""Bad inputs: corrupt and odd images, bad model outputs, names that try to leave their folder.

Each bad input fails its own task with a message naming the task and row (or model); the other tasks
of the run complete, and nothing written before is lost or written outside the output folder.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from datasets import ClassLabel, Dataset, Features, Image
from fake_models import ColourOracle, colour_meta
from fault_helpers import MODEL, mieb, results
from helpers import solid_image, write_hub_folder
from local_tasks import colour_t2i, colour_zeroshot
from PIL import Image as PILImage

from mieb.runner.run import MIEB
from mieb.tasks.kinds.zeroshot import ZeroShotSettings
from mieb.tasks.metadata import DatasetRef, TaskMetadata
from mieb.tasks.task import Task

pytestmark = pytest.mark.faults
RUN = dict(encode_kwargs={"batch_size": 4, "num_workers": 0}, progress=False, cache=False)


def _png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR declaring a huge image, and no pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def _encoded(img: PILImage.Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


CORRUPT = {
    "zero-byte image": b"",
    "truncated PNG": solid_image((255, 0, 0))[:60],
    "not an image": b"GIF89a but not really" * 3,
    "decompression bomb (PNG declaring 100000x100000)": _png_header_only(100_000, 100_000),
}
ODD = {
    "16-bit greyscale PNG": _encoded(PILImage.fromarray(np.full((20, 30), 40000, np.uint16)), "PNG"),
    "palette PNG with transparency": _encoded(PILImage.new("P", (17, 9), 3), "PNG"),
    "CMYK JPEG": _encoded(PILImage.new("CMYK", (31, 19), (0, 255, 255, 0)), "JPEG"),
    "1x1 image": _encoded(PILImage.new("RGB", (1, 1), (0, 0, 255)), "PNG"),
    "RGBA WebP": _encoded(PILImage.new("RGBA", (40, 12), (0, 255, 0, 128)), "WEBP"),
}


def _task(root: Path, name: str, odd: bytes | None = None, bad_row: bytes | None = None) -> Task:
    imgs = [{"bytes": solid_image(c, noise=5, seed=i), "path": None}
            for i, c in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)])]
    labels = [0, 1, 2, 3]
    if odd is not None:
        imgs.append({"bytes": odd, "path": None})
        labels.append(2)
    if bad_row is not None:
        imgs.insert(2, {"bytes": bad_row, "path": None})
        labels.insert(2, 1)
    feats = Features({"image": Image(), "label": ClassLabel(names=["red", "green", "blue", "yellow"])})
    folder = write_hub_folder(root / name, {"default": {"test": Dataset.from_dict({"image": imgs, "label": labels},
                                                                                   features=feats)}})
    return Task(TaskMetadata(
        name=name, description="images", type="ZeroShotClassification", category="i2t",
        modalities=["image", "text"], dataset=DatasetRef(path=str(folder), revision="local"),
        eval_splits=["test"], eval_langs=["eng-Latn"], main_score="accuracy",
        settings=ZeroShotSettings(template="a photo of a {name} thing.")))


def test_corrupt_and_odd_images(tmp_path: Path, ledger) -> None:
    corrupt = {f"Corrupt{i}": (what, _task(tmp_path, f"Corrupt{i}", bad_row=blob))
               for i, (what, blob) in enumerate(CORRUPT.items())}
    odd = {f"Odd{i}": (what, _task(tmp_path, f"Odd{i}", odd=blob)) for i, (what, blob) in enumerate(ODD.items())}
    out = tmp_path / "out"
    report = MIEB([t for _, t in [*corrupt.values(), *odd.values()]]).run(ColourOracle(), output_folder=out, **RUN)
    assert sorted(report.failures) == sorted(corrupt)
    for name, (what, _) in corrupt.items():
        msg = report.failures[name]
        assert f"task {name}" in msg and "row 2" in msg and "image" in msg, (what, msg)
        assert (out / "test__colour-oracle" / "1" / "errors" / f"{name}.json").is_file()
        ledger.record(f"{what} in a dataset row", outcome="the task fails naming task, split, column and row")
    assert sorted(r.task_name for r in report.results) == sorted(odd)
    for what, _ in odd.values():
        ledger.record(f"{what}", outcome="decoded and scored")
    ledger.record("a run over all these tasks", runs_completed=1, outcome="completes; exit status says which failed")


class _Bad(ColourOracle):
    def __init__(self, how: str):
        super().__init__()
        self.how = how

    def encode_texts(self, texts, ctx):  # noqa: ANN001, ANN201 - the Encoder method's signature
        emb = super().encode_texts(texts, ctx)
        if self.how == "NaN":
            emb[0, 0] = float("nan")
        elif self.how == "inf":
            emb[-1, 1] = float("inf")
        elif self.how == "one row missing":
            emb = emb[:-1]
        elif self.how == "a 3-D array":
            emb = emb[:, None, :]
        elif self.how == "another embedding size":
            emb = torch.cat([emb, emb], dim=1)
        elif self.how == "not an array":
            return ["x"] * len(texts)
        return emb


@pytest.mark.parametrize("how", ["NaN", "inf", "one row missing", "a 3-D array", "another embedding size",
                                 "not an array"])
def test_bad_model_outputs(how: str, tmp_path: Path, ledger) -> None:
    out = tmp_path / "out"
    good = colour_t2i(tmp_path)
    MIEB([good]).run(ColourOracle(), output_folder=out, **RUN)
    before = results(out)
    report = MIEB([colour_zeroshot(tmp_path), good]).run(_Bad(how), output_folder=out, overwrite_strategy="always",
                                                       **RUN)
    assert set(report.failures) == {"ColourZeroShot", "ColourT2IRetrieval"} or "ColourZeroShot" in report.failures
    for msg in report.failures.values():
        assert "test/colour-oracle" in msg and ("ColourZeroShot" in msg or "ColourT2IRetrieval" in msg), msg
    after = results(out)
    assert after == before  # the earlier result is kept when its recomputation fails
    ledger.record(f"model output: {how}", runs_completed=1, results_lost=sum(after.get(t) != b for t, b in
                                                                               before.items()),
                  outcome="the task fails naming model and task; earlier result kept")


def _everything(root: Path) -> set[Path]:
    return set(root.rglob("*"))


@pytest.mark.parametrize("revision", ["ABS", "../../x", ".."])
def test_path_tricks_from_the_command_line(revision: str, tmp_path: Path, ledger) -> None:
    work = tmp_path / "work"
    work.mkdir()
    out = work / "a" / "results"
    rev = str(tmp_path / "elsewhere") if revision == "ABS" else revision
    before = _everything(tmp_path)
    proc = mieb("run", "-t", "ShapesZeroShot", "-m", MODEL, "--model-revision", rev, "--output-folder", str(out),
                "--no-progress", "--no-cache")
    assert proc.returncode == 2 and "cannot be used as a file or folder name" in proc.stderr, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert _everything(tmp_path) == before
    ledger.record(f"--model-revision {'an absolute folder' if revision == 'ABS' else repr(revision)}",
                  outcome="refused before anything is written (exit 2)")


def test_path_tricks_from_python_and_from_files(tmp_path: Path, ledger) -> None:
    from mieb.errors import UsageError
    from mieb.leaderboard.scores import ScoreSet
    from mieb.leaderboard.site import build_site

    sneaky = ColourOracle(colour_meta().model_copy(update={"name": ".."}))
    before = _everything(tmp_path)
    with pytest.raises(UsageError, match="model name"):
        MIEB([colour_zeroshot(tmp_path / "data")]).run(sneaky, output_folder=tmp_path / "in" / "out", **RUN)
    assert {p for p in _everything(tmp_path) - before if "data" not in p.parts} == set()
    ledger.record("a model named '..' through the Python API", outcome="refused before anything is written")

    rev = tmp_path / "results" / "org__model" / "1"
    rev.mkdir(parents=True)
    entry = {"task_name": "Winoground", "dataset_revision": "x",
             "scores": {"test": [{"main_score": 0.5, "hf_subset": "default", "text_acc": 0.5}]}}
    (rev / "Winoground.json").write_text(json.dumps(entry))
    (rev / "Evil.json").write_text(json.dumps({**entry, "task_name": "../../../escaped"}))
    (tmp_path / "escaped.json").write_text(json.dumps(entry))
    site = tmp_path / "x" / "y" / "site"
    build_site(ScoreSet.from_folder(tmp_path / "results"), ["MIEB(lite)"], site)
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("escaped.json")] == [Path("escaped.json")]
    ledger.record("a result file naming its task '../../../escaped' (leaderboard site)",
                  outcome="skipped with a warning; nothing written outside the site")
