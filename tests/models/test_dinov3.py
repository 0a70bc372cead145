"""DINOv3 ViTs (image only, CLS token) through AutoModel and the checkpoint's own image processor, on a tiny
random checkpoint. Needs the `dinov3` extra (torchvision: transformers has no PIL DINOv3 processor)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("torchvision")
pytestmark = pytest.mark.extras

from contract import check_contract, check_missing_modality  # noqa: E402
from model_builders import make_tiny_dinov3  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402


@pytest.fixture(scope="module")
def dino_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_dinov3(tmp_path_factory.mktemp("tiny-dinov3"))


def test_cards() -> None:
    sizes = {m.name: m.embed_dim for m in map(get_model_meta, [
        "facebook/dinov3-vits16-pretrain-lvd1689m", "facebook/dinov3-vitb16-pretrain-lvd1689m",
        "facebook/dinov3-vit7b16-pretrain-lvd1689m"])}
    assert list(sizes.values()) == [384, 768, 4096]
    meta = get_model_meta("facebook/dinov3-vitl16-pretrain-lvd1689m")
    assert meta.image is not None and meta.image.input == "pil" and meta.extra == "dinov3" and meta.text is None


def test_matches_reference_path(dino_dir: Path, family_images: ImageColumn) -> None:
    """The reference: AutoImageProcessor on the PIL images, AutoModel, last_hidden_state[:, 0]."""
    from transformers import AutoImageProcessor, AutoModel

    model = AutoModel.from_pretrained(dino_dir).eval()
    proc = AutoImageProcessor.from_pretrained(dino_dir)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.inference_mode():
        ref = model(**proc(images=pil, return_tensors="pt")).last_hidden_state[:, 0].numpy()
    encoder = get_model(str(dino_dir), device="cpu")
    assert get_model_meta(str(dino_dir)).family == "dinov3"
    np.testing.assert_allclose(Embedder(encoder, batch_size=3, num_workers=0).images(family_images), ref, atol=1e-5)


def test_contract_and_missing_text(dino_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    encoder = get_model(str(dino_dir), device="cpu")
    check_contract(encoder, family_images, None, dim=24, normalised=False)
    check_missing_modality(encoder, "text", family_images, family_texts)
