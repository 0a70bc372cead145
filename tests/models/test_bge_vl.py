"""BGE-VL (MegaPairs CLIP) through CLIPModel on a tiny random CLIP saved as the repositories are (auto_map naming
their remote code, which is recognised, never run): the authors' `encode` (normalised text / image features,
normalised sum for image+text), texts sent as given, the card's bf16 weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from contract import check_contract
from helpers import make_tiny_clip
from model_builders import make_tiny_bge_vl

from mieb.data.images import ImageColumn, decode
from mieb.models.meta import ModelMeta
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.embedder import Embedder


@pytest.fixture(scope="module")
def tiny_card(tmp_path_factory: pytest.TempPathFactory) -> ModelMeta:
    return get_model_meta(str(make_tiny_bge_vl(tmp_path_factory.mktemp("tiny-bge-vl") / "m")))


def test_cards() -> None:
    base, large = get_model_meta("BAAI/BGE-VL-base"), get_model_meta("BAAI/BGE-VL-large")
    assert (base.embed_dim, large.embed_dim) == (512, 768) and base.precision == "bf16" and base.fusion == "joint"
    assert not base.trust_remote_code and base.revision == "cc4c733ed997dbee4ac70ccffb911e70c9c24b93"


def test_local_snapshot_is_bge_vl_not_clip(tiny_card: ModelMeta, tmp_path: Path) -> None:
    assert tiny_card.family == "bge-vl" and tiny_card.embed_dim == 16 and tiny_card.image is not None
    assert (tiny_card.image.size, tiny_card.text.max_length if tiny_card.text else None) == (32, 16)
    assert get_model_meta(str(make_tiny_clip(tmp_path / "clip"))).family == "clip"


def test_matches_authors_encode(tiny_card: ModelMeta, family_images: ImageColumn, family_texts: list[str]) -> None:
    from transformers import AutoTokenizer, CLIPImageProcessorPil, CLIPModel

    folder = tiny_card.weights
    model = CLIPModel.from_pretrained(folder).eval()
    tok = AutoTokenizer.from_pretrained(folder)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    with torch.inference_mode():
        img = model.get_image_features(**CLIPImageProcessorPil.from_pretrained(folder)(images=pil,
                                                                                         return_tensors="pt"))
        txt = model.get_text_features(**tok(texts, padding=True, truncation=True, return_tensors="pt"))
        img, txt = img.pooler_output, txt.pooler_output
    encoder = get_model(tiny_card, device="cpu")
    sent: list[list[str]] = []
    real = encoder.tokenizer.__call__  # type: ignore[attr-defined]
    encoder.tokenizer = lambda t, **k: sent.append(list(t)) or real(t, **k)  # type: ignore[attr-defined]
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    np.testing.assert_allclose(emb.images(family_images), F.normalize(img, dim=-1).numpy(), atol=1e-5)
    np.testing.assert_allclose(emb.texts(texts), F.normalize(txt, dim=-1).numpy(), atol=1e-5)
    np.testing.assert_allclose(emb.fused(family_images, texts), F.normalize(img + txt, dim=-1).numpy(), atol=1e-5)
    assert sorted(t for batch in sent for t in batch) == sorted(texts * 2)  # no instruction added


def test_contract_and_bf16(tiny_card: ModelMeta, family_images: ImageColumn, family_texts: list[str]) -> None:
    fp32 = check_contract(get_model(tiny_card, device="cpu"), family_images, family_texts, dim=16, normalised=True,
                          fused=True)
    bf16 = get_model(tiny_card, device="cpu", precision="bf16")
    assert bf16.model.dtype == torch.bfloat16  # type: ignore[attr-defined]
    out = Embedder(bf16, batch_size=4, num_workers=0).images(family_images)
    np.testing.assert_allclose(out, fp32["image"], atol=3e-2)
