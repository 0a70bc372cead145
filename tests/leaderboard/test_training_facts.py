"""Model cards carry the reference's training-data facts; the page's zero-shot filter follows its rule."""

from __future__ import annotations

import json
from importlib import resources

import mieb
from mieb.leaderboard.site import model_facts, zero_shot


def test_cards_get_the_reference_training_facts() -> None:
    colpali = mieb.get_model_meta("vidore/colpali-v1.2")
    assert colpali.training_datasets is not None and "VidoreDocVQARetrieval" in colpali.training_datasets
    assert colpali.public_training_data == "https://huggingface.co/datasets/vidore/colpali_train_set"
    assert mieb.get_model_meta("openai/clip-vit-base-patch32").training_datasets is None  # unknown to the reference
    assert mieb.get_model_meta("mieb/tiny-clip-shapes").training_datasets is None  # not in the reference
    assert model_facts("voyageai/voyage-multimodal-3")[0] is False


def test_facts_name_only_mieb_tasks() -> None:
    doc = json.loads(resources.files("mieb.models").joinpath("data/training_facts.json").read_text())
    assert doc["source"]["package"] == "mteb" and doc["source"]["version"] == "2.26.24"
    tasks = {t.name for t in mieb.get_tasks(include_offline=True)}
    for name, facts in doc["models"].items():
        assert set(facts["training_datasets"] or ()) <= tasks, name


def test_zero_shot_is_the_reference_rule() -> None:
    assert zero_shot(None, ["A"]) is None
    assert zero_shot([], ["A"]) is True
    assert zero_shot(["B"], ["A"]) is True
    assert zero_shot(["A", "B"], ["A"]) is False
    assert zero_shot(None, []) is True
