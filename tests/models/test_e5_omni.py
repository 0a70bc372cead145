"""e5-omni through mieb's loading path: `SentenceTransformer(name, revision=card revision)` on a tiny
sentence-transformers model (a Qwen2.5-Omni thinker, last-token pooling, normalisation, a prompt table),
served as the Hub repository at the card's revision. The real checkpoint ships its own code; the tiny one
uses sentence-transformers' built-in modules, so what is tested is mieb's side: the consent gate, the
prompt picked from the model's table, query/document methods, 512-token truncation of text-only inputs,
image+text items in dataset column order, compared with calling sentence-transformers directly as the
reference does (mteb `e5_omni_models.py`). Needs the `mllm` extra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torchvision")
pytest.importorskip("sentence_transformers")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from mllm_builders import make_tiny_qwen_omni, make_tiny_st, offline_hub, processor_calls  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.errors import UsageError  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402

NAME = "Haon-Chen/e5-omni-3B"
PROMPTS = {"query": "Query: ", "document": "Passage: ", "Any2AnyRetrieval-query": "Find it: ",
           "ZeroShotClassification": "Classify: "}
TRUNCATE = {"truncation": True, "max_length": 512}


@pytest.fixture(scope="module")
def st_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny-e5-omni")
    return make_tiny_st(root / "st", make_tiny_qwen_omni(root / "thinker"), prompts=PROMPTS)


def _encoder(st_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    offline_hub(monkeypatch, tmp_path / "hub", {NAME: (get_model_meta(NAME).revision, st_dir)})
    return get_model(NAME, device="cpu", trust_remote_code=True)


def test_cards() -> None:
    small, big = get_model_meta(NAME), get_model_meta("Haon-Chen/e5-omni-7B")
    assert (small.embed_dim, big.embed_dim) == (2048, 3584)
    assert (small.revision, big.revision) == ("bc2c24d7596ea578d08adffd96146ed47b1e5f72",
                                              "ffea4ae1382fc26dc9fc337a89ced3fab58e408b")
    for meta in (small, big):
        assert meta.trust_remote_code and meta.uses_instructions and meta.fusion == "joint" and meta.extra == "mllm"


def test_remote_code_needs_consent(st_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    offline_hub(monkeypatch, tmp_path / "hub", {NAME: (get_model_meta(NAME).revision, st_dir)})
    with pytest.raises(UsageError, match="--trust-remote-code"):
        get_model(NAME, device="cpu")


def test_calls_match_the_reference(st_dir: Path, family_images: ImageColumn, family_texts: list[str],
                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    encoder = _encoder(st_dir, monkeypatch, tmp_path)
    ref = SentenceTransformer(str(st_dir))
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    emb.start_task("ShapesT2IRetrieval", "Any2AnyRetrieval", "t2i")
    processor = encoder.model[0].processor

    with processor_calls(processor) as calls:
        queries = emb.texts(texts, prompt_type="query")
    ref[0].processing_kwargs["text"] = dict(TRUNCATE)
    np.testing.assert_allclose(queries, ref.encode_query(texts, prompt="Find it: "), atol=1e-5)
    assert all(t.startswith("<|im_start|>system\nFind it: <|im_end|>") for c in calls for t in c[0])
    assert all(kw.get("max_length") == 512 and kw.get("truncation") for _, kw in calls)

    ref[0].processing_kwargs["text"] = {}
    with processor_calls(processor) as calls:
        docs = emb.images(family_images, prompt_type="document")
    np.testing.assert_allclose(docs, ref.encode_document([{"image": p} for p in pil], prompt="Passage: "), atol=1e-5)
    assert all("max_length" not in kw for _, kw in calls)  # inputs with an image are not truncated
    assert calls[0][0][0].startswith("<|im_start|>system\nPassage: <|im_end|>\n<|im_start|>user\n<|vision_bos|>")

    for text_first in (False, True):
        with processor_calls(processor) as calls:
            fused = emb.fused(family_images, texts, prompt_type="document", text_first=text_first)
        items = [{"text": t, "image": p} if text_first else {"image": p, "text": t}
                 for p, t in zip(pil, texts, strict=True)]
        np.testing.assert_allclose(fused, ref.encode_document(items, prompt="Passage: "), atol=1e-5)
        rendered = [t for c in calls for t in c[0]]
        assert any(f"user\n{texts[1]}<|vision_bos|>" in t for t in rendered) == text_first

    emb.start_task("ShapesZeroShot", "ZeroShotClassification", "i2t")  # labels: no side, encode()
    ref[0].processing_kwargs["text"] = dict(TRUNCATE)
    np.testing.assert_allclose(emb.texts(texts), ref.encode(texts, prompt="Classify: "), atol=1e-5)


def test_contract(st_dir: Path, family_images: ImageColumn, family_texts: list[str],
                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    check_contract(_encoder(st_dir, monkeypatch, tmp_path), family_images, family_texts, dim=32, normalised=True,
                   fused=True, atol=2e-5)
