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
from mieb.models.registry import get_model, get_model_metas, model_names
from mieb.runner.embedder import Embedder


def test_zoo_size_and_facts() -> None:
    metas = get_model_metas()
    assert len(metas) >= 50
    families = {m.family for m in metas}
    assert {"clip", "openclip", "siglip", "evaclip", "dinov2", "blip", "align", "jina-clip", "nomic-vision", "e5-v",
            "vlm2vec", "colpali", "cohere", "voyage"} <= families
    for m in metas:
        assert m.revision, m.name
        if m.open_weights and not m.name.startswith("mieb/"):
            assert len(m.revision) == 40, m.name  # a commit hash, as published


def test_listing_imports_no_backend() -> None:
    code = ("import sys; from mieb.cli import main; "
            "assert main(['list', 'models', '--modality', 'image']) == 0; "
            "assert main(['list', 'models', '--family', 'siglip']) == 0; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'open_clip', "
            "'colpali_engine', 'peft')]; assert not bad, bad")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "google/siglip2-so400m-patch16-512" in out.stdout and "facebook/dinov2-giant" in out.stdout


@pytest.mark.parametrize("name", ["jinaai/jina-clip-v1", "jinaai/jina-clip-v2", "nomic-ai/nomic-embed-vision-v1.5"])
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


def test_missing_extra_names_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "open_clip" else real(n, *a))
    with pytest.raises(MissingDependencyError, match=r"pip install 'mieb\[openclip\]'"):
        get_model("laion/CLIP-ViT-B-32-laion2B-s34B-b79K")


# -- multi-vector ---------------------------------------------------------------------------------------
def _brute_maxsim(q: list[np.ndarray], d: list[np.ndarray]) -> np.ndarray:
    return np.array([[(qi @ dj.T).max(axis=1).sum() for dj in d] for qi in q])


def test_maxsim_masks_padding_and_chunks() -> None:
    rng = np.random.RandomState(0)
    q = [rng.randn(n, 5).astype(np.float32) for n in (1, 4, 2)]
    d = [-np.abs(rng.randn(n, 5)).astype(np.float32) for n in (3, 1, 6, 2)]  # negative sims: padding must not win
    qm, dm = MultiVector.from_list(q).to_device("cpu"), MultiVector.from_list(d).to_device("cpu")
    ref = _brute_maxsim(q, d)
    np.testing.assert_allclose(maxsim(qm, dm).numpy(), ref, rtol=1e-5)
    np.testing.assert_allclose(maxsim(qm, dm, max_block_elements=1).numpy(), ref, rtol=1e-5)


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
