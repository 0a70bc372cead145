"""`mieb render-sts`: a small STS set rendered into a Visual STS task, then run from its task file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mieb.cli import main
from mieb.tasks.render_sts import SCRIPT_FONTS, Renderer, RenderSettings

MODEL = "mieb/tiny-clip-shapes"
pytestmark = pytest.mark.skipif(not Path(SCRIPT_FONTS["latin"][0]).is_file(),
                                reason="Debian's fonts-noto-core is not installed (.ci/run installs it)")

PAIRS = [  # (sentence1, sentence2, score 0-5), written for this test
    ("A man is playing a guitar.", "A man plays the guitar.", 4.8),
    ("A woman is slicing an onion.", "A woman is cutting an onion into pieces.", 4.2),
    ("A cat sleeps on the sofa.", "A dog runs across the park.", 0.4),
    ("Two children are swimming in a lake.", "Kids swim in the water.", 3.6),
    ("The stock market fell sharply today.", "A child is drawing a picture.", 0.0),
    ("Heavy rain flooded the streets of the old town last night, and residents spent the morning clearing "
     "mud from their homes while the council promised help.", "Floods hit the town after a night of rain.", 3.2),
]


def _ink_rows(png: bytes) -> np.ndarray:
    """Indices of pixel rows holding any dark pixel."""
    gray = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return np.flatnonzero((gray < 128).any(axis=1))


def _write_csv(path: Path, pairs: list[tuple[str, str, float]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["sentence1", "sentence2", "score"])
        w.writerows(pairs)
    return path


def test_pages_are_the_reference_size_and_long_sentences_wrap() -> None:
    r = Renderer()
    short, long = r.render(PAIRS[0][0]), r.render(PAIRS[5][0])
    for png in (short, long):
        img = Image.open(io.BytesIO(png))
        assert img.size == (448, 448) and img.mode == "RGB"  # the reference's rendered pages
        assert np.asarray(img)[0, 0].tolist() == [255, 255, 255]  # white page
    rows_short, rows_long = _ink_rows(short), _ink_rows(long)
    assert rows_short.size and rows_short.max() < 448 // 4  # one line near the top
    assert rows_long.max() - rows_long.min() > 3 * (rows_short.max() - rows_short.min())  # several lines
    # No text runs off the page: the right margin stays blank.
    gray = np.asarray(Image.open(io.BytesIO(long)).convert("L"))
    assert (gray[:, 448 - RenderSettings().margin + 1:] > 200).all()
    assert r.stats.sentences == 2 and r.stats.fonts == {"NotoSans-Regular.ttf": 2}


def test_a_sentence_too_long_for_the_page_is_set_smaller() -> None:
    r = Renderer(RenderSettings(image_size=96, margin=4))
    png = r.render(" ".join(["word"] * 200))
    assert r.stats.set_smaller == 1
    assert _ink_rows(png).max() < 96


def test_render_sts_cli_writes_a_task_that_runs(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    source = _write_csv(tmp_path / "my-sts.csv", PAIRS)
    out = tmp_path / "rendered"
    assert main(["render-sts", str(source), "-o", str(out)]) == 0
    printed, noise = capsys.readouterr()
    assert "Creating parquet" not in noise and "Generating" not in noise  # datasets' bars only with a run's --verbose
    assert "rendered 12 sentences (train: 6 pairs)" in printed and "NotoSans-Regular.ttf (12)" in printed
    assert f"mieb run --tasks-from {out / 'task.yaml'} -m MODEL" in printed

    task_file = out / "task.yaml"
    assert (out / "data" / "train-00000-of-00001.parquet").is_file()
    card = (out / "README.md").read_text(encoding="utf-8")
    assert '"image_size": 448' in card and "data/train-00000-of-00001.parquet" in card

    assert main(["run", "--tasks-from", str(task_file), "-m", MODEL, "--output-folder", str(tmp_path / "res"),
                 "--no-progress"]) == 0
    result = json.loads(next((tmp_path / "res").rglob("MyStsVisualSTS.json")).read_text())
    scores = result["scores"]["train"][0]
    assert -1.0 <= scores["main_score"] <= 1.0 and "cosine_spearman" in scores


def test_render_sts_bad_sources_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["render-sts", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o")]) == 2
    assert "nope.csv" in capsys.readouterr().err

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("text_a,text_b,label\nA,B,1\n", encoding="utf-8")
    assert main(["render-sts", str(wrong), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "no column 'sentence1'" in err and "--columns" in err
    assert main(["render-sts", str(wrong), "-o", str(tmp_path / "o"), "--columns", "text_a", "text_b", "label",
                 "--split", "test"]) == 2
    assert "no split 'test'" in capsys.readouterr().err
    assert main(["render-sts", str(wrong), "-o", str(tmp_path / "o2"), "--columns", "text_a", "text_b",
                 "label"]) == 0


def test_readme_shows_the_render_command() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in readme.split("```bash\n")[1:] if "mieb render-sts" in b.split("```")[0]]
    assert len(blocks) == 1
    commands = blocks[0].split("```")[0]
    assert "mieb render-sts my-sts.csv -o my-sts-visual" in commands
    assert "mieb run --tasks-from my-sts-visual/task.yaml -m" in commands
