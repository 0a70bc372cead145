"""BidirLM-Omni through mieb's loading path on a stand-in: the real checkpoint is a sentence-transformers
model with its own (remote) architecture code; the tiny one here is a sentence-transformers model on a
Qwen3-VL (Qwen3-VL vision tower, as BidirLM-Omni's) with built-in modules, served as the Hub repository at
the card's revision. What is tested is mieb's side, against sentence-transformers called as the reference
does (mteb `bidirlm_omni_models.py`): `encode` with the model's per-task instruction (none for retrieval
documents), items as dicts with the image first, the 1024-token cap of text-only inputs. Needs the `mllm`
extra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torchvision")
pytest.importorskip("sentence_transformers")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from mllm_builders import QWEN_VL_SYSTEM, make_tiny_qwen3_vl, make_tiny_st, offline_hub, processor_calls  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402

NAME = "BidirLM/BidirLM-Omni-2.5B-Embedding"
DOCS = "Retrieve associated pages according to questions."  # the model's instruction for Vidore tasks


@pytest.fixture(scope="module")
def st_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny-bidirlm")
    return make_tiny_st(root / "st", make_tiny_qwen3_vl(root / "vlm"))


def _encoder(st_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    offline_hub(monkeypatch, tmp_path / "hub", {NAME: (get_model_meta(NAME).revision, st_dir)})
    return get_model(NAME, device="cpu", trust_remote_code=True)


def test_card() -> None:
    meta = get_model_meta(NAME)
    assert meta.revision == "4d8a7d34095ef8c4ab760744015825b809756dfe" and meta.embed_dim == 2048
    assert meta.trust_remote_code and meta.uses_instructions and meta.loader_kwargs == {"max_text_length": 1024}
    assert len(meta.languages) == 87


def test_calls_match_the_reference(st_dir: Path, family_images: ImageColumn, family_texts: list[str],
                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    encoder = _encoder(st_dir, monkeypatch, tmp_path)
    ref = SentenceTransformer(str(st_dir))
    processor = encoder.model[0].processor
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    emb = Embedder(encoder, batch_size=3, num_workers=0)

    emb.start_task("VidoreDocVQARetrieval", "DocumentUnderstanding", "t2i")
    with processor_calls(processor) as calls:
        queries = emb.texts(texts, prompt_type="query")
    assert encoder.model.max_seq_length == 1024
    ref.max_seq_length = 1024
    np.testing.assert_allclose(queries, ref.encode([{"text": t} for t in texts], prompt=DOCS), atol=1e-5)
    assert all(t.startswith(f"<|im_start|>system\n{DOCS}<|im_end|>") for c in calls for t in c[0])

    with processor_calls(processor) as calls:
        docs = emb.fused(family_images, texts, prompt_type="document", text_first=True)
    assert encoder.model.max_seq_length == 32768
    ref.max_seq_length = 32768
    expected = ref.encode([{"image": p, "text": t} for p, t in zip(pil, texts, strict=True)], prompt=None)
    np.testing.assert_allclose(docs, expected, atol=1e-5)
    rendered = [t for c in calls for t in c[0]]  # no instruction: the template's own system turn; image first
    assert all(t.startswith(f"<|im_start|>system\n{QWEN_VL_SYSTEM}<|im_end|>\n<|im_start|>user\n<|vision_start|>")
               for t in rendered)

    emb.start_task("FER2013ZeroShot", "ZeroShotClassification", "i2t")
    np.testing.assert_allclose(emb.images(family_images), ref.encode([{"image": p} for p in pil],
                                                                     prompt="Classifying facial emotions."), atol=1e-5)
    emb.start_task("CIFAR10ZeroShot", "ZeroShotClassification", "i2t")  # not in the model's table
    ref.max_seq_length = 1024
    np.testing.assert_allclose(emb.texts(texts), ref.encode([{"text": t} for t in texts], prompt=None), atol=1e-5)


def test_contract(st_dir: Path, family_images: ImageColumn, family_texts: list[str],
                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    check_contract(_encoder(st_dir, monkeypatch, tmp_path), family_images, family_texts, dim=32, normalised=True,
                   fused=True, atol=2e-5)
