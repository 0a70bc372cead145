"""The model zoo as data: card counts, listing without backends, the remote-code and missing-extra gates,
and the multi-vector (MaxSim) plumbing with a hand-built encoder."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

import numpy as np
import pytest
import torch

from mieb.errors import MissingDependencyError, UsageError
from mieb.metrics.retrieval import rerank_candidates, search_top_k
from mieb.models.encoder import EncodeContext, Encoder, MultiVector, maxsim
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing
from mieb.models.registry import get_model, get_model_meta, get_model_metas
from mieb.runner.embedder import Embedder


def test_zoo_size_and_facts() -> None:
    metas = get_model_metas()
    assert len(metas) >= 50
    families = {m.family for m in metas}
    assert {"clip", "openclip", "siglip", "evaclip", "dinov2", "blip", "align", "jina-clip", "nomic-vision", "e5-v",
            "vlm2vec", "colpali", "cohere", "voyage"} <= families
    for m in metas:
        assert m.revision, m.name
        if m.open_weights and not m.name.startswith("mieb/") and m.n_parameters != 0:
            assert len(m.revision) == 40, m.name  # a commit hash, as published (BM25 has no weights: a label)


def test_listing_imports_no_backend() -> None:
    code = ("import sys; from mieb.cli import main; "
            "assert main(['list', 'models', '--modality', 'image']) == 0; "
            "assert main(['list', 'models', '--family', 'siglip']) == 0; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'open_clip', "
            "'colpali_engine', 'peft')]; assert not bad, bad")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "google/siglip2-so400m-patch16-512" in out.stdout and "facebook/dinov2-giant" in out.stdout


@pytest.mark.parametrize("name", sorted(m.name for m in get_model_metas() if m.trust_remote_code and not m.unavailable))
def test_remote_code_refused_without_consent(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import transformers

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("nothing may be loaded before consent")

    monkeypatch.setattr(transformers.AutoModel, "from_pretrained", boom)
    with pytest.raises(UsageError, match="--trust-remote-code"):
        get_model(name)


def test_cli_refuses_remote_code(capsys: pytest.CaptureFixture[str]) -> None:
    from mieb.cli import main

    assert main(["run", "-t", "ShapesZeroShot", "-m", "jinaai/jina-clip-v1", "--no-progress"]) == 2
    assert "--trust-remote-code" in capsys.readouterr().err


# Which extra each family needs is a fact of its card (the Argus/ColVec1 rows: a card without its extra let a
# base install download the weights, then fail in the processor).
@pytest.mark.parametrize(("name", "module", "extra"), [
    ("laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "open_clip", "openclip"),
    ("facebook/dinov3-vitb16-pretrain-lvd1689m", "torchvision", "dinov3"),
    ("nyu-visionx/moco-v3-vit-b", "timm", "timm"),
    ("vidore/colqwen2-v1.0", "colpali_engine", "colpali"),
    ("vidore/colSmol-256M", "colpali_engine", "colpali"),
    ("nomic-ai/colnomic-embed-multimodal-3b", "peft", "colpali"),
    ("TomoroAI/tomoro-colqwen3-embed-4b", "torchvision", "colqwen3"),
    ("OpenSearch-AI/Ops-Colqwen3-4B", "torchvision", "colqwen3"),
    ("DataScience-UIBK/Argus-Colqwen3.5-2b-v0", "torchvision", "colqwen3"),
    ("webAI-Official/webAI-ColVec1-4b", "torchvision", "colqwen3"),
    ("vultr/VultronRetrieverFlash-Qwen3.5-0.8B", "colpali_engine", "colpali"),
    ("VAGOsolutions/SauerkrautLM-ColLFM2-450M-v0.1", "sauerkrautlm_colpali", "sauerkraut"),
    ("nvidia/llama-nemoretriever-colembed-1b-v1", "accelerate", "nemotron-colembed-v1"),
    ("nvidia/nemotron-colembed-vl-8b-v2", "torchvision", "nemotron-colembed-v2"),
    ("jinaai/jina-embeddings-v4", "peft", "jina-v4"),
    ("eagerworks/eager-embed-v1", "qwen_vl_utils", "qwen-vl"),
    ("nanovdr/NanoVDR-S-Multi", "sentence_transformers", "nanovdr"),
    ("intfloat/multilingual-e5-small", "sentence_transformers", "sentence-transformers"),
    ("mteb/baseline-bm25s", "Stemmer", "bm25s"),
])
def test_a_missing_backend_names_its_extra(name: str, module: str, extra: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == module else real(n, *a))
    with pytest.raises(MissingDependencyError, match=rf"pip install 'mieb\[{extra}\]'"):
        get_model(name, trust_remote_code=True)


# -- multi-vector ---------------------------------------------------------------------------------------
def _brute_maxsim(q: list[np.ndarray], d: list[np.ndarray]) -> np.ndarray:
    return np.array([[(qi @ dj.T).max(axis=1).sum() for dj in d] for qi in q])


def _zero_padded_maxsim(q: list[np.ndarray], d: list[np.ndarray]) -> np.ndarray:
    """The reference's arithmetic: both sets zero-padded to their longest item, no mask."""
    def pad(items: list[np.ndarray]) -> np.ndarray:
        out = np.zeros((len(items), max(len(x) for x in items), items[0].shape[1]), dtype=np.float64)
        for i, x in enumerate(items):
            out[i, : len(x)] = x
        return out

    return np.einsum("qtd,nsd->qnts", pad(q), pad(d)).max(axis=3).sum(axis=2)


def test_maxsim_reference_padding_masked_option_and_chunks() -> None:
    rng = np.random.RandomState(0)
    q = [np.abs(rng.randn(n, 5)).astype(np.float32) for n in (1, 4, 2)]
    d = [-np.abs(rng.randn(n, 5)).astype(np.float32) for n in (3, 1, 6, 2)]  # all similarities negative
    qm, dm = MultiVector.from_list(q).to_device("cpu"), MultiVector.from_list(d).to_device("cpu")
    masked, reference = _brute_maxsim(q, d), _zero_padded_maxsim(q, d)
    # The floor: every document but the longest scores 0.
    assert (reference[:, [0, 1, 3]] == 0).all() and (reference[:, 2] < 0).all()
    for budget in (1 << 26, 1):
        np.testing.assert_allclose(maxsim(qm, dm, budget_bytes=budget).numpy(), reference, rtol=1e-5)
        np.testing.assert_allclose(maxsim(qm, dm, budget_bytes=budget, padding="masked").numpy(), masked,
                                   rtol=1e-5)
    # Slicing the documents (as retrieval does per block) keeps each one's padded width, hence its score.
    np.testing.assert_allclose(maxsim(qm, dm[[1, 3]]).numpy(), reference[:, [1, 3]], rtol=1e-5)
    np.testing.assert_allclose(maxsim(qm, dm[2:3]).numpy(), reference[:, 2:3], rtol=1e-5)
    # Image+text token sets are joined as the reference concatenates two padded tensors.
    joined = MultiVector.from_list(d).concat_tokens(MultiVector.from_list(d[::-1]))
    assert joined.padded_to.tolist() == [12] * 4 and joined.lengths.tolist() == [5, 7, 7, 5]
    with pytest.raises(ValueError, match="padding"):
        maxsim(qm, dm, padding="zeros")  # type: ignore[arg-type]


class TokenBag(Encoder):
    """Embeds a text as one unit vector per character (one-hot over 'abcd'); an item's length varies."""

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> MultiVector:
        return MultiVector.from_list([torch.eye(4)[["abcd".index(c) for c in t]] for t in texts])


def test_embedder_assembles_multivectors_and_retrieval_ranks_them() -> None:
    meta = ModelMeta(name="test/token-bag", revision="1", loader="x:y", family="test", modalities=["text"],
                     similarity="max_sim", fusion=None, image=ImagePreprocessing(), text=TextPreprocessing())
    enc = TokenBag(meta, device="cpu", precision="fp32")
    docs = ["ab", "cd", "abcd", "a", "dd"]
    queries = ["ab", "c", "dd"]
    outs = [Embedder(enc, batch_size=bs, num_workers=0).texts(docs) for bs in (1, 2, 5)]
    for o in outs:
        assert isinstance(o, MultiVector) and o.lengths.tolist() == [2, 2, 4, 1, 2]
        np.testing.assert_array_equal(o.values, outs[0].values)
    d = outs[0]
    q = Embedder(enc, batch_size=2, num_workers=0).texts(queries)
    idx, scores = search_top_k(q, d, 2, similarity=enc.similarity)
    # "ab" is matched fully by "ab" and "abcd" (2); "c" by "cd" and "abcd" (1); each "d" of "dd" by any
    # document with a "d" ("cd", "abcd", "dd": 2). Ties go to the lower index; padding never scores.
    assert idx.tolist() == [[0, 2], [1, 2], [1, 2]]
    np.testing.assert_allclose(scores, [[2, 2], [1, 1], [2, 2]])
    idx, scores = rerank_candidates(q, d, [[3, 0], [0, 3], [4, 3]], similarity=enc.similarity)
    assert idx.tolist() == [[0, 3], [0, 3], [4, 3]]
    np.testing.assert_allclose(scores, [[2, 1], [0, 0], [2, 0]])


def test_issue_15_vision_families_cover_their_published_rows() -> None:
    """Every published row of the vision families of issue 15 resolves to a card with its revision (refused
    cards included; tests/models/test_colvision_cards.py checks every card's revision)."""
    from mieb.leaderboard.scores import _published_facts

    facts = _published_facts()
    ours = ["Salesforce/blip2-opt-2.7b", "Salesforce/blip2-opt-6.7b-coco", "BAAI/bge-visualized-base",
            "BAAI/bge-visualized-m3", "nyu-visionx/moco-v3-vit-b", "nyu-visionx/moco-v3-vit-l",
            "encord-team/ebind-full", "Salesforce/blip-image-captioning-base", "Salesforce/blip-image-captioning-large"]
    for name in ours:
        assert get_model_meta(name).revision == facts[name]["revision"], name


def test_readme_model_table_lists_every_family() -> None:
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("## Models", 1)[1].split("\n## ", 1)[0]
    listed = {f for row in section.splitlines() if row.startswith("| `")
              for f in re.findall(r"`([^`]+)`", row.split("|")[1])}
    assert {m.family for m in get_model_metas()} <= listed


def test_issue_15_mllm_families_cover_their_published_rows() -> None:
    """Every published row of the multimodal-LLM families of issue 15 resolves to a card with its revision."""
    from mieb.leaderboard.scores import _published_facts

    facts = _published_facts()
    ours = ["LCO-Embedding/LCO-Embedding-Omni-3B", "LCO-Embedding/LCO-Embedding-Omni-7B", "Haon-Chen/e5-omni-3B",
            "Haon-Chen/e5-omni-7B", "Tevatron/OmniEmbed-v0.1", "BidirLM/BidirLM-Omni-2.5B-Embedding",
            "jinaai/jina-embeddings-v5-omni-nano", "jinaai/jina-embeddings-v5-omni-small", "TIGER-Lab/VLM2Vec-Full",
            "TIGER-Lab/VLM2Vec-LoRA"]
    for name in ours:
        assert get_model_meta(name).revision == facts[name]["revision"], name
