"""Catalog tasks evaluated end to end on their schema fixtures with the ColourOracle test model.

The fixtures are colour-coded, so a correctly built task (ids, qrels, candidates, prompts, rows) scores
perfectly; the one expected exception is Hateful Memes, whose text deduplication removes the relevant
document of one of its five queries (quirk 10).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_models import ColourOracle
from schemas import SchemaFolders

import mieb
from mieb.runner.run import MIEB

RUN = dict(encode_kwargs={"batch_size": 8, "num_workers": 0}, progress=False, raise_errors=True)

EXPECTED = {
    "CIFAR10ZeroShot": 1.0,  # model-similarity path
    "SUN397ZeroShot": 1.0,  # softmax path, "/r/red" -> "red" names
    "DTD": 1.0,
    "CIFAR100Clustering": 1.0,
    "Flickr30kT2IRetrieval": 1.0,
    "BLINKIT2IMultiChoice": 1.0,
    "CVBenchCount": 1.0,
    "VidoreDocVQARetrieval": 1.0,
    "HatefulMemesI2TRetrieval": 0.8,
    "HatefulMemesT2IRetrieval": 0.8,
    "MemotionI2TRetrieval": 1.0,
    "MemotionT2IRetrieval": 1.0,
    "SciMMIRI2TRetrieval": 1.0,
    "SciMMIRT2IRetrieval": 1.0,
    "WITT2IRetrieval": 1.0,
    "XM3600T2IRetrieval": 1.0,
    "XFlickr30kCoT2IRetrieval": 1.0,
    "AROCocoOrder": 1.0,
    "SugarCrepe": 1.0,
    "Winoground": 1.0,
    "ImageCoDe": 1.0,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_main_score_on_colour_fixture(name: str, schemas: SchemaFolders, tmp_path: Path) -> None:
    meta = mieb.get_task_metadata(name)
    task = schemas.task(meta, meta.hf_subsets[:2])
    (result,) = MIEB([task]).run(ColourOracle(), output_folder=tmp_path, **RUN).results
    entries = [e for split in meta.eval_splits for e in result.scores[split]]
    assert [e["hf_subset"] for e in entries] == task.hf_subsets * len(meta.eval_splits)
    for entry in entries:
        assert entry["main_score"] == pytest.approx(EXPECTED[name]), entry["hf_subset"]


def test_rendered_sts_correlates(schemas: SchemaFolders, tmp_path: Path) -> None:
    meta = mieb.get_task_metadata("STSBenchmarkMultilingualVisualSTS")
    task = schemas.task(meta, ["en", "zh"])
    (result,) = MIEB([task]).run(ColourOracle(), output_folder=tmp_path, **RUN).results
    assert sorted(result.scores) == ["dev", "test"]
    assert all(e["cosine_spearman"] > 0.7 for split in ("dev", "test") for e in result.scores[split])
