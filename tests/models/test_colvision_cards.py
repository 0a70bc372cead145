"""The document retrievers' cards (colpali_engine and ColQwen3 families), without any backend: the published
results' facts (shipped in mieb.leaderboard.data, from the reference's model metadata and the results'
folders; every card of a published model carries its published revision), the remote-code consent gate,
and the extra a missing backend names."""

from __future__ import annotations

import importlib.util

import pytest

from mieb.errors import MissingDependencyError, UsageError
from mieb.leaderboard.scores import _published_facts
from mieb.models.registry import get_model, get_model_meta, get_model_metas

# The colpali_engine and ColQwen3 checkpoints of the published leaderboard.
COLVISION = [
    "vidore/colpali-v1.1", "vidore/colpali-v1.2", "vidore/colpali-v1.3", "vidore/colqwen2-v1.0",
    "vidore/colqwen2.5-v0.2", "vidore/colSmol-256M", "vidore/colSmol-500M", "nomic-ai/colnomic-embed-multimodal-3b",
    "nomic-ai/colnomic-embed-multimodal-7b", "TomoroAI/tomoro-colqwen3-embed-4b", "TomoroAI/tomoro-colqwen3-embed-8b",
    "OpenSearch-AI/Ops-Colqwen3-4B", "ApsaraStackMaaS/EvoQwen2.5-VL-Retriever-3B-v1",
    "ApsaraStackMaaS/EvoQwen2.5-VL-Retriever-7B-v1",
]


def test_every_published_model_with_a_card_has_the_published_revision() -> None:
    facts = _published_facts()
    checked = [m for m in get_model_metas() if m.name in facts]
    assert len(checked) >= len(COLVISION)
    for meta in checked:
        assert meta.revision == facts[meta.name]["revision"], meta.name


def test_document_retriever_cards_match_the_published_facts() -> None:
    facts = _published_facts()
    for name in COLVISION:
        meta, fact = get_model_meta(name), facts[name]
        assert sorted(meta.modalities) == sorted(fact["modalities"]), name
        for field in ("revision", "n_parameters", "embed_dim", "release_date", "license", "open_weights"):
            assert getattr(meta, field) == fact[field], (name, field)
        assert meta.similarity == "max_sim" and meta.reference == fact["reference"], name


@pytest.mark.parametrize("name", ["TomoroAI/tomoro-colqwen3-embed-4b", "TomoroAI/tomoro-colqwen3-embed-8b",
                                  "OpenSearch-AI/Ops-Colqwen3-4B"])
def test_remote_code_checkpoints_need_consent(name: str) -> None:
    assert get_model_meta(name).trust_remote_code
    with pytest.raises(UsageError, match="--trust-remote-code"):
        get_model(name)


@pytest.mark.parametrize(("name", "module", "extra"), [
    ("vidore/colqwen2-v1.0", "colpali_engine", "colpali"),
    ("vidore/colSmol-256M", "colpali_engine", "colpali"),
    ("nomic-ai/colnomic-embed-multimodal-3b", "peft", "colpali"),
    ("TomoroAI/tomoro-colqwen3-embed-4b", "torchvision", "colqwen3"),
    ("OpenSearch-AI/Ops-Colqwen3-4B", "torchvision", "colqwen3"),
    ("DataScience-UIBK/Argus-Colqwen3.5-2b-v0", "torchvision", "colqwen3"),
    ("webAI-Official/webAI-ColVec1-4b", "torchvision", "colqwen3"),
])
def test_a_missing_backend_names_its_extra(name: str, module: str, extra: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == module else real(n, *a))
    with pytest.raises(MissingDependencyError, match=rf"pip install 'mieb\[{extra}\]'"):
        get_model(name, trust_remote_code=True)
