"""OpenCLIP (ViT) and EVA-02 (timm trunk) through open_clip's "local-dir:" loading, on tiny random models.

Needs the `openclip` extra (open_clip_torch, timm, torchvision); skipped cleanly without it. The reference
path here is open_clip's own `create_model_and_transforms` preprocessing and tokenizer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("open_clip")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from model_builders import make_tiny_openclip  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402


@pytest.fixture(scope="module", params=["vit", "eva02"])
def oc_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if request.param == "eva02":
        pytest.importorskip("timm")
    return make_tiny_openclip(tmp_path_factory.mktemp(f"tiny-openclip-{request.param}"), kind=request.param)


def test_cards() -> None:
    meta = get_model_meta("laion/CLIP-ViT-B-32-laion2B-s34B-b79K")
    assert meta.extra == "openclip" and meta.image is not None and meta.image.crop_rounding == "round"
    eva = get_model_meta("QuanSun/EVA02-CLIP-B-16")
    assert eva.loader_kwargs == {"open_clip_model": "EVA02-B-16", "pretrained": "merged2b_s8b_b131k"}


def test_matches_open_clip_transform(oc_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    import open_clip

    name = "local-dir:" + str(oc_dir)
    model, _, preprocess = open_clip.create_model_and_transforms(name)
    model.eval()
    tok = open_clip.get_tokenizer(name)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.inference_mode():
        ref_img = model.encode_image(torch.stack([preprocess(p) for p in pil])).numpy()
        ref_txt = model.encode_text(tok(family_texts)).numpy()
    emb = Embedder(get_model(str(oc_dir), device="cpu"), batch_size=3, num_workers=0)
    np.testing.assert_allclose(emb.images(family_images), ref_img, atol=1e-5)
    np.testing.assert_allclose(emb.texts(family_texts), ref_txt, atol=1e-5)


def test_contract(oc_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    check_contract(get_model(str(oc_dir), device="cpu"), family_images, family_texts, dim=16, normalised=False,
                   fused=True)
