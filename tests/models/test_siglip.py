"""SigLIP / SigLIP2 through the real loading path (AutoModel + AutoTokenizer) on a tiny random checkpoint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from contract import check_contract
from model_builders import make_tiny_siglip

from mieb.data.images import ImageColumn, decode
from mieb.models.registry import get_model, get_model_meta, get_model_metas
from mieb.runner.embedder import Embedder


@pytest.fixture(scope="module")
def siglip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_siglip(tmp_path_factory.mktemp("tiny-siglip"))


def test_cards_pad_to_max_length() -> None:
    metas = get_model_metas(families=["siglip"])
    assert len(metas) == 25
    for m in metas:
        assert m.text is not None and m.text.padding == "max_length", m.name
        assert m.image is not None and m.image.resize == "square" and m.image.crop_size is None
    assert get_model_meta("google/siglip-so400m-patch14-224").text.max_length == 16  # type: ignore[union-attr]
    assert get_model_meta("google/siglip2-base-patch16-512").image.interpolation == "bilinear"  # type: ignore[union-attr]
    assert get_model_meta("google/siglip-base-patch16-224").image.interpolation == "bicubic"  # type: ignore[union-attr]


def test_image_size_is_the_cards_not_the_names() -> None:
    """Sizes are given, not parsed from names: a name without a trailing size (SigLIP2's "-naflex"
    checkpoints) builds a card instead of breaking the whole registry."""
    from mieb.models.cards.siglip import _siglip

    card = _siglip("google/siglip2-base-patch16-naflex", "0" * 40, 375_000_000, 768, image_size=256)
    assert card.image is not None and card.image.size == 256
    assert {m.name: m.image.size for m in get_model_metas(families=["siglip"]) if m.image}[
        "google/siglip-so400m-patch16-256-i18n"] == 256


def test_local_folder_card(siglip_dir: Path) -> None:
    meta = get_model_meta(str(siglip_dir))
    assert meta.family == "siglip" and meta.text is not None and meta.text.padding == "max_length"
    assert meta.text.max_length == 16
    assert meta.image is not None and (meta.image.size, meta.image.resize, meta.image.interpolation) == (
        32, "square", "bilinear")


def test_matches_reference_path(siglip_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    """The reference: processor(text, padding="max_length", truncation=True) and the HF image processor."""
    from transformers import AutoModel, AutoTokenizer, SiglipImageProcessorPil

    model = AutoModel.from_pretrained(siglip_dir).eval()
    tok = AutoTokenizer.from_pretrained(siglip_dir)
    proc = SiglipImageProcessorPil.from_pretrained(siglip_dir)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.inference_mode():
        ref_img = model.get_image_features(**proc(images=pil, return_tensors="pt")).pooler_output.numpy()
        ref_txt = model.get_text_features(**tok(family_texts, padding="max_length", truncation=True,
                                                return_tensors="pt")).pooler_output.numpy()
        short = ["a", "bc", "red"]  # all shorter than the context, so "longest" padding would differ
        longest = model.get_text_features(**tok(short, padding=True, truncation=True,
                                                return_tensors="pt")).pooler_output.numpy()
    emb = Embedder(get_model(str(siglip_dir), device="cpu"), batch_size=3, num_workers=0)
    np.testing.assert_allclose(emb.images(family_images), ref_img, atol=1e-5)
    got = emb.texts(family_texts)
    np.testing.assert_allclose(got, ref_txt, atol=1e-5)
    assert not np.allclose(emb.texts(short), longest, atol=1e-3), "wrong padding would go unnoticed"


def test_contract(siglip_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    encoder = get_model(str(siglip_dir), device="cpu")
    check_contract(encoder, family_images, family_texts, dim=32, normalised=False, fused=True)
