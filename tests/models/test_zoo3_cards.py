"""Issue 16's other document retrievers and the text baselines, without any backend: their cards against the
published results' facts (shipped in mieb.leaderboard.data) and which of them run remote code."""

from __future__ import annotations

from mieb.leaderboard.scores import _published_facts
from mieb.models.registry import get_model_meta

OTHERS = [
    *(f"DataScience-UIBK/Argus-Colqwen3.5-{size}-v0{twin}" for size in ("2b", "4b", "9b") for twin in ("", "-bf16")),
    "athrael-soju/colqwen3.5-4.5B-v3", "vultr/VultronRetrieverCore-Qwen3.5-4.5B",
    "vultr/VultronRetrieverFlash-Qwen3.5-0.8B", "vultr/VultronRetrieverPrime-Qwen3.5-8B",
    *(f"VAGOsolutions/SauerkrautLM-ColQwen3-{size}-v0.1" for size in ("1.7b-Turbo", "2b", "4b", "8b")),
    "VAGOsolutions/SauerkrautLM-ColLFM2-450M-v0.1", "VAGOsolutions/SauerkrautLM-ColMinistral3-3b-v0.1",
    "nvidia/llama-nemoretriever-colembed-1b-v1", "nvidia/llama-nemoretriever-colembed-3b-v1",
    "nvidia/llama-nemotron-colembed-vl-3b-v2", "nvidia/nemotron-colembed-vl-4b-v2", "nvidia/nemotron-colembed-vl-8b-v2",
    "ibm-granite/granite-vision-3.3-2b-embedding", "jinaai/jina-embeddings-v4", "eagerworks/eager-embed-v1",
    "nanovdr/NanoVDR-S-Multi", "webAI-Official/webAI-ColVec1-4b", "webAI-Official/webAI-ColVec1-9b",
    "mteb/baseline-bm25s", "intfloat/multilingual-e5-small", "minishlab/potion-multilingual-128M",
    "sentence-transformers/static-similarity-mrl-multilingual-v1", "codefuse-ai/F2LLM-v2-80M",
]
REMOTE_CODE = [n for n in OTHERS if n.split("/")[0] in ("DataScience-UIBK", "nvidia", "ibm-granite", "jinaai",
                                                          "webAI-Official")]


def test_cards_match_the_published_facts() -> None:
    facts = _published_facts()
    assert len(OTHERS) == 32 and len(set(OTHERS)) == 32  # 27 retrievers (issue 16) and 5 text baselines
    for name in OTHERS:
        meta, fact = get_model_meta(name), facts[name]
        assert sorted(meta.modalities) == sorted(fact["modalities"]), name
        for field in ("revision", "n_parameters", "embed_dim", "release_date", "license", "open_weights"):
            assert getattr(meta, field) == fact[field], (name, field)
        assert meta.reference == fact["reference"], name
    # the remote-code consent and the missing-extra message are tested for every card in test_registry_cards.py
    assert {n for n in OTHERS if get_model_meta(n).trust_remote_code} == set(REMOTE_CODE)
