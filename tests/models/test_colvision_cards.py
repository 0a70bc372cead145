"""The document retrievers' cards (colpali_engine and ColQwen3 families), without any backend: the published
results' facts (shipped in mieb.leaderboard.data, from the reference's model metadata and the results'
folders; every card of a published model carries its published revision) and which of them run remote code."""

from __future__ import annotations

from mieb.leaderboard.scores import _published_facts
from mieb.models.registry import get_model_meta, get_model_metas

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
    # the consent gate and the missing-extra message are tested for every card in test_registry_cards.py
    assert {n for n in COLVISION if get_model_meta(n).trust_remote_code} == {
        "TomoroAI/tomoro-colqwen3-embed-4b", "TomoroAI/tomoro-colqwen3-embed-8b", "OpenSearch-AI/Ops-Colqwen3-4B"}
