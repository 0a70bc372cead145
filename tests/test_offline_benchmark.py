"""MIEB(offline) with the bundled model: far above chance everywhere, a random twin near chance, scores
pinned, and the fast path (workers, batching, de-duplication, cache) moving no score.

This is how a mislabelled evaluator gets caught without any download: the bundled model was trained
(scripts/train_tiny_clip.py) on the same synthetic world, so a protocol that scores it near chance is
wired wrong, and one that scores its random twin far above chance is leaking labels.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import mieb
from mieb.runner.run import MIEB

BUNDLED = "mieb/tiny-clip-shapes"

# Main score of each task with the bundled model, as computed on the reference machine (CPU, fp32).
# A change here means a protocol, the synthetic world or the model changed: say why in the commit.
PINNED: dict[str, float] = {
    "ShapesZeroShot": 1.0,
    "ShapesT2IRetrieval": 1.0,
    "ShapesI2TRetrieval": 1.0,
    "ShapesI2IRetrieval": 0.9,
    "ShapesIT2TRetrieval": 1.0,
    "ShapesClassification": 1.0,
    "ShapesMultilabel": 0.692028,
    "ShapesClustering": 1.0,
    "ShapesCompositionality": 0.48,
    "RenderedShapesSTS": 0.721730,
    "RenderedShapesSTSMultilingual": 0.742465,
    "RenderedShapesSTSDe": 0.718769,
    "ShapesMultipleChoice": 0.995,
    "ShapesDocumentRetrieval": 0.996160,
    "ShapesMultilingualT2IRetrieval": 1.0,
}

# (chance level where it has a closed form, least score the bundled model must reach, most score its
# random twin may reach). Floors sit well below the bundled scores and far above the ceilings.
BOUNDS: dict[str, tuple[float | None, float, float]] = {
    "ShapesZeroShot": (1 / 8, 0.8, 0.3),
    "ShapesT2IRetrieval": (None, 0.8, 0.15),
    "ShapesI2TRetrieval": (None, 0.8, 0.15),
    "ShapesI2IRetrieval": (1 / 53, 0.7, 0.15),
    "ShapesIT2TRetrieval": (None, 0.8, 0.4),  # few answer texts: a random ranking finds some
    "ShapesClassification": (1 / 8, 0.8, 0.3),
    "ShapesMultilabel": (None, 0.55, 0.4),
    "ShapesClustering": (0.0, 0.8, 0.25),
    "ShapesCompositionality": (1 / 5, 0.38, 0.3),
    "RenderedShapesSTS": (0.0, 0.55, 0.4),  # pixels alone (text length) correlate a little
    "RenderedShapesSTSMultilingual": (0.0, 0.55, 0.4),
    "RenderedShapesSTSDe": (0.0, 0.55, 0.4),
    "ShapesMultipleChoice": (0.27, 0.8, 0.45),
    "ShapesDocumentRetrieval": (None, 0.8, 0.2),
    "ShapesMultilingualT2IRetrieval": (None, 0.8, 0.15),
}


def _scores(report: mieb.RunReport) -> dict[str, float]:
    assert report.ok, report.failures
    return {r.task_name: r.get_score() for r in report.results}


@pytest.fixture(scope="module")
def bundled_scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    out = tmp_path_factory.mktemp("offline-bundled")
    report = MIEB(benchmark="MIEB(offline)").run(BUNDLED, output_folder=out, cache=out / "cache", progress=False,
                                                   encode_kwargs={"batch_size": 64})
    return _scores(report)


@pytest.fixture(scope="module")
def random_twin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled model's architecture, tokenizer and preprocessing with random weights."""
    import torch
    from transformers import CLIPConfig, CLIPModel

    from mieb.models.registry import get_model_meta
    from mieb.models.wrappers._common import resolve_weights

    folder = Path(resolve_weights(get_model_meta(BUNDLED))[0])
    twin = tmp_path_factory.mktemp("random-twin")
    for f in folder.iterdir():
        if f.suffix != ".safetensors":
            shutil.copy(f, twin / f.name)
    torch.manual_seed(0)
    CLIPModel(CLIPConfig.from_pretrained(folder)).save_pretrained(twin)
    return twin


def test_every_offline_task_runs_and_every_type_is_covered(bundled_scores: dict[str, float]) -> None:
    bench = mieb.get_benchmark("MIEB(offline)")
    assert set(bundled_scores) == set(bench.task_names)
    types = {t.metadata.type for t in bench.tasks}
    assert types == set(mieb.tasks.metadata.TASK_TYPES)  # all ten MIEB task types


def test_bounds_are_meaningful() -> None:
    for task, (chance, floor, ceiling) in BOUNDS.items():
        assert ceiling < floor and (chance is None or chance < ceiling), task


def test_bundled_model_far_above_chance(bundled_scores: dict[str, float]) -> None:
    low = {t: (round(s, 3), BOUNDS[t][1]) for t, s in bundled_scores.items() if s < BOUNDS[t][1]}
    assert not low, f"below the floor (score, floor): {low}"


def test_random_twin_near_chance(random_twin: Path, tmp_path: Path) -> None:
    report = MIEB(benchmark="MIEB(offline)").run(str(random_twin), output_folder=None, cache=False, progress=False,
                                                   encode_kwargs={"batch_size": 64})
    scores = _scores(report)
    high = {t: (round(s, 3), BOUNDS[t][2]) for t, s in scores.items() if s > BOUNDS[t][2]}
    assert not high, f"a random model scored above the ceiling (score, ceiling): {high}"


def test_scores_pinned(bundled_scores: dict[str, float]) -> None:
    moved = {t: (PINNED[t], round(s, 6)) for t, s in bundled_scores.items() if abs(s - PINNED[t]) > 2e-4}
    assert not moved, f"pinned score moved (pinned, now): {moved}"


def test_fast_path_moves_no_score(bundled_scores: dict[str, float], tmp_path: Path) -> None:
    """No workers, small batches, no cache, against workers, big batches and the cache."""
    report = MIEB(benchmark="MIEB(offline)").run(BUNDLED, output_folder=None, cache=False, progress=False,
                                                   encode_kwargs={"batch_size": 7, "num_workers": 0})
    slow = _scores(report)
    diff = {t: abs(slow[t] - bundled_scores[t]) for t in slow}
    assert max(diff.values()) <= 1e-6, diff


def test_pins_written_into_results(tmp_path: Path) -> None:
    """Every result records what could change its score."""
    MIEB(["ShapesZeroShot"]).run(BUNDLED, output_folder=tmp_path, cache=False, progress=False)
    (path,) = tmp_path.glob("*/*/ShapesZeroShot.json")
    info = json.loads(path.read_text())["mieb"]
    assert info["task"]["dataset_revision"] and info["task"]["protocol_version"]
    assert info["model"]["revision"] and info["model"]["image_preprocessing"]["size"] == 64
    assert info["run"]["precision"] == "fp32" and info["model"]["fusion"] == "sum"
