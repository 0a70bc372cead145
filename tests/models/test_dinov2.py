"""DINOv2 (image only, CLS token) through AutoModel on a tiny random checkpoint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from contract import check_contract, check_missing_modality
from model_builders import make_tiny_dinov2

from mieb.data.images import ImageColumn, decode
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.embedder import Embedder


@pytest.fixture(scope="module")
def dino_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_dinov2(tmp_path_factory.mktemp("tiny-dinov2"))


def test_cards() -> None:
    meta = get_model_meta("facebook/dinov2-base")
    assert meta.modalities == ["image"] and meta.text is None and meta.embed_dim == 768
    assert meta.image is not None and (meta.image.size, meta.image.crop_size) == (256, 224)


def test_matches_reference_path(dino_dir: Path, family_images: ImageColumn) -> None:
    from transformers import AutoModel, BitImageProcessorPil

    model = AutoModel.from_pretrained(dino_dir).eval()
    proc = BitImageProcessorPil.from_pretrained(dino_dir)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.inference_mode():
        ref = model(**proc(images=pil, return_tensors="pt")).last_hidden_state[:, 0].numpy()
    emb = Embedder(get_model(str(dino_dir), device="cpu"), batch_size=4, num_workers=0)
    np.testing.assert_allclose(emb.images(family_images), ref, atol=1e-5)


def test_contract_and_missing_text(dino_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    encoder = get_model(str(dino_dir), device="cpu")
    check_contract(encoder, family_images, None, dim=24, normalised=False)
    check_missing_modality(encoder, "text", family_images, family_texts)
