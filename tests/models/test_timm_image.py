"""Image-only timm models (MoCo v3) through `timm.create_model`: the cards' Hub call, and a tiny random ViT
saved by timm's `save_for_hf` loaded as a local folder ("local-dir:"). Needs the `timm` extra. The reference
path is timm's own transform from `resolve_model_data_config` on PIL images, then the model's forward."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import torch

timm = pytest.importorskip("timm")
pytestmark = pytest.mark.extras

from contract import check_contract, check_missing_modality  # noqa: E402
from model_builders import make_tiny_timm_vit  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402


@pytest.fixture(scope="module")
def vit_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_timm_vit(tmp_path_factory.mktemp("tiny-timm-vit"))


def test_cards_and_hub_source(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hub weights at the card's revision ("repo@revision" is how timm takes one), the architecture's own
    pretrained config kept (the reference's preprocessing), no classifier."""
    seen: dict[str, object] = {}
    real = timm.create_model

    def fake_create_model(name: str, **kwargs: object) -> torch.nn.Module:
        seen.update(kwargs, name=name)
        return real(name, pretrained=False, num_classes=0, img_size=32, patch_size=8, embed_dim=32, depth=2,
                    num_heads=2)

    monkeypatch.setattr(timm, "create_model", fake_create_model)
    meta = get_model_meta("nyu-visionx/moco-v3-vit-l")
    get_model(meta.name, device="cpu")
    assert seen["name"] == "vit_large_patch16_224" and seen["pretrained"] is True and seen["num_classes"] == 0
    assert seen["pretrained_cfg_overlay"] == {"hf_hub_id": f"nyu-visionx/moco-v3-vit-l@{meta.revision}"}
    assert meta.embed_dim == 1024 and meta.extra == "timm" and meta.family == "timm"
    assert meta.image is not None and (meta.image.size, meta.image.crop_size, meta.image.mean) == (248, 224,
                                                                                                    (0.5,) * 3)


def test_card_matches_timm_data_config() -> None:
    """The cards' preprocessing is what timm resolves for their architectures (what the reference uses)."""
    for name in ("nyu-visionx/moco-v3-vit-b", "nyu-visionx/moco-v3-vit-l"):
        meta = get_model_meta(name)
        model = timm.create_model(meta.loader_kwargs["timm_model"], pretrained=False, num_classes=0, depth=1,
                                  pretrained_cfg_overlay={"hf_hub_id": name})
        cfg = timm.data.resolve_model_data_config(model)
        assert meta.image is not None
        assert (meta.image.size, meta.image.crop_size) == (int(224 / cfg["crop_pct"]), cfg["input_size"][-1])
        assert (meta.image.mean, meta.image.std, meta.image.interpolation) == (cfg["mean"], cfg["std"],
                                                                               cfg["interpolation"])


def test_matches_reference_path(vit_dir: Path, family_images: ImageColumn, caplog: pytest.LogCaptureFixture) -> None:
    meta = get_model_meta(str(vit_dir))
    assert meta.family == "timm" and meta.image is not None and (meta.image.size, meta.image.crop_size) == (35, 32)
    with caplog.at_level(logging.WARNING):
        encoder = get_model(str(vit_dir), device="cpu")
    assert "differs" not in caplog.text
    model = timm.create_model(f"local-dir:{vit_dir}", pretrained=True, num_classes=0).eval()
    transform = timm.data.create_transform(**timm.data.resolve_model_data_config(model), is_training=False)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.inference_mode():
        ref = model(torch.stack([transform(p) for p in pil])).numpy()
    np.testing.assert_allclose(Embedder(encoder, batch_size=3, num_workers=0).images(family_images), ref, atol=1e-5)


def test_preprocessing_drift_is_reported(vit_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    meta = get_model_meta(str(vit_dir))
    assert meta.image is not None
    with caplog.at_level(logging.WARNING):
        get_model(meta.model_copy(update={"image": meta.image.model_copy(update={"size": 36})}), device="cpu")
    assert "differs from timm's data config" in caplog.text and "'size': (36, 35)" in caplog.text


def test_contract_and_missing_text(vit_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    encoder = get_model(str(vit_dir), device="cpu")
    check_contract(encoder, family_images, None, dim=32, normalised=False)
    check_missing_modality(encoder, "text", family_images, family_texts)
