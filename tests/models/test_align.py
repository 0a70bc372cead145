"""ALIGN through AlignModel on a tiny random checkpoint (EfficientNet vision tower, BERT text tower)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from contract import check_contract
from model_builders import make_tiny_align

from mieb.data.images import ImageColumn, decode
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.embedder import Embedder


@pytest.fixture(scope="module")
def align_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_align(tmp_path_factory.mktemp("tiny-align"))


def test_local_card_reads_efficientnet_config(align_dir: Path) -> None:
    meta = get_model_meta(str(align_dir))
    assert meta.image is not None
    assert (meta.image.size, meta.image.resize, meta.image.crop_size, meta.image.interpolation) == (
        40, "square", 32, "bilinear")


def test_matches_reference_path(align_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    """The reference: the checkpoint's EfficientNetImageProcessor (rescale to [-1, 1]) and padding=True."""
    from transformers import AlignModel, AutoTokenizer, EfficientNetImageProcessorPil

    model = AlignModel.from_pretrained(align_dir).eval()
    tok = AutoTokenizer.from_pretrained(align_dir)
    proc = EfficientNetImageProcessorPil.from_pretrained(align_dir)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.inference_mode():
        ref_img = model.get_image_features(**proc(images=pil, return_tensors="pt")).pooler_output.numpy()
        ref_txt = model.get_text_features(**tok(family_texts, padding=True, truncation=True,
                                                return_tensors="pt")).pooler_output.numpy()
    emb = Embedder(get_model(str(align_dir), device="cpu"), batch_size=3, num_workers=0)
    np.testing.assert_allclose(emb.images(family_images), ref_img, atol=1e-4)
    np.testing.assert_allclose(emb.texts(family_texts), ref_txt, atol=1e-5)


def test_contract(align_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    check_contract(get_model(str(align_dir), device="cpu"), family_images, family_texts, dim=32, normalised=False)


def test_card() -> None:
    meta = get_model_meta("kakaobrain/align-base")
    assert meta.image is not None and (meta.image.size, meta.image.crop_size) == (346, 289)
    assert meta.embed_dim == 640  # the checkpoint's projection_dim (the reference's card says 768)
