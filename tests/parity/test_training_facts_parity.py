"""The shipped training-data facts give the reference's zero-shot verdicts and open-weights flags."""

from __future__ import annotations

import warnings

import pytest

mteb = pytest.importorskip("mteb")

import mieb  # noqa: E402
from mieb.leaderboard.site import zero_shot  # noqa: E402
from mieb.models.registry import _training_facts  # noqa: E402


@pytest.mark.parametrize("benchmark", ["MIEB(lite)", "MIEB(Multilingual)"])
def test_zero_shot_and_open_weights_match_mteb(benchmark: str) -> None:
    tasks = mieb.get_benchmark(benchmark).task_names
    facts = _training_facts()
    assert len(facts) > 100
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, known in facts.items():
            meta = mteb.get_model_meta(name, fetch_from_hf=False)
            assert zero_shot(known["training_datasets"], tasks) == meta.is_zero_shot_on(tasks), name
            assert known["open_weights"] == meta.open_weights, name
