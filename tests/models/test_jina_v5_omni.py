"""Jina embeddings v5 omni through mieb's loading path on a stand-in: the real checkpoint's remote
sentence-transformers code picks a task LoRA adapter from `encode(..., task=...)`; the tiny model here
stands in with sentence-transformers' built-in Router, which sends each task name through its own random
Dense layer (over a tiny Qwen3-VL), served as the Hub repository at the card's revision. What is tested is
mieb's side, against sentence-transformers called as the reference does (mteb `jina_models.py`,
JinaV5OmniWrapper): the adapter chosen per task type, the "Query: " / "Document: " prompts, and items as
text, image or (text, image). Needs the `mllm` extra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torchvision")
pytest.importorskip("sentence_transformers")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from mllm_builders import make_tiny_qwen3_vl, make_tiny_st, offline_hub  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402

NAME = "jinaai/jina-embeddings-v5-omni-nano"
ADAPTERS = ("retrieval", "text-matching", "clustering", "classification")


@pytest.fixture(scope="module")
def st_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny-jina-v5-omni")
    return make_tiny_st(root / "st", make_tiny_qwen3_vl(root / "vlm"), routes=ADAPTERS)


def _encoder(st_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    offline_hub(monkeypatch, tmp_path / "hub", {NAME: (get_model_meta(NAME).revision, st_dir)})
    return get_model(NAME, device="cpu", trust_remote_code=True)


def test_cards() -> None:
    nano, small = get_model_meta(NAME), get_model_meta("jinaai/jina-embeddings-v5-omni-small")
    assert (nano.embed_dim, small.embed_dim) == (768, 1024)
    assert (nano.revision, small.revision) == ("2b230c93c996e091a45b95af4e3315dd07605ee3",
                                               "dfdcc361ec47c69a5afcd81e4bd148abb9d0568e")
    assert nano.trust_remote_code and nano.license == "cc-by-nc-4.0"


@pytest.mark.parametrize(("task_type", "adapter"), [
    ("Any2AnyRetrieval", "retrieval"), ("DocumentUnderstanding", "retrieval"), ("VisionCentricQA", "retrieval"),
    ("ImageClassification", "retrieval"), ("ZeroShotClassification", "retrieval"),
    ("Compositionality", "clustering"), ("ImageClustering", "text-matching"), ("VisualSTS(eng)", "text-matching"),
])
def test_adapter_per_task_type(task_type: str, adapter: str) -> None:
    from mieb.models.encoder import EncodeContext
    from mieb.models.wrappers.jina_v5_omni import adapter as pick

    assert pick(EncodeContext(task_name="T", task_type=task_type)) == adapter


def test_calls_match_the_reference(st_dir: Path, family_images: ImageColumn, family_texts: list[str],
                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    encoder = _encoder(st_dir, monkeypatch, tmp_path)
    ref = SentenceTransformer(str(st_dir))
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    emb = Embedder(encoder, batch_size=3, num_workers=0)

    emb.start_task("ShapesIT2TRetrieval", "Any2AnyRetrieval", "it2t")
    np.testing.assert_allclose(emb.fused(family_images, texts, prompt_type="query"),
                               ref.encode(list(zip(texts, pil, strict=True)), task="retrieval", prompt="Query: "),
                               atol=1e-5)
    np.testing.assert_allclose(emb.texts(texts, prompt_type="document"),
                               ref.encode(texts, task="retrieval", prompt="Document: "), atol=1e-5)
    emb.start_task("ShapesClustering", "ImageClustering", "i2c")
    clustered = emb.images(family_images)
    np.testing.assert_allclose(clustered, ref.encode(pil, task="text-matching", prompt="Document: "), atol=1e-5)
    emb.start_task("ShapesZeroShot", "ZeroShotClassification", "i2t")
    assert not np.allclose(emb.images(family_images), clustered, atol=1e-3)  # another adapter


def test_contract(st_dir: Path, family_images: ImageColumn, family_texts: list[str],
                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    check_contract(_encoder(st_dir, monkeypatch, tmp_path), family_images, family_texts, dim=32, normalised=True,
                   fused=True, atol=2e-5)
