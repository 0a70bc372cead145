"""BLIP ITM checkpoints (ITC projection + L2 norm) through BlipForImageTextRetrieval on a tiny random model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from contract import check_contract
from model_builders import make_tiny_blip

from mieb.data.images import ImageColumn, decode
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.embedder import Embedder


@pytest.fixture(scope="module")
def blip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_blip(tmp_path_factory.mktemp("tiny-blip"))


def test_cards() -> None:
    meta = get_model_meta("Salesforce/blip-itm-large-coco")
    assert meta.image is not None and (meta.image.size, meta.image.resize, meta.image.crop_size) == (384, "square",
                                                                                                        None)


def test_matches_reference_path(blip_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    from transformers import AutoTokenizer, BlipForImageTextRetrieval, BlipImageProcessorPil

    model = BlipForImageTextRetrieval.from_pretrained(blip_dir).eval()
    tok = AutoTokenizer.from_pretrained(blip_dir)
    proc = BlipImageProcessorPil.from_pretrained(blip_dir)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.inference_mode():
        pix = proc(images=pil, return_tensors="pt")["pixel_values"]
        ref_img = F.normalize(model.vision_proj(model.vision_model(pixel_values=pix)[0][:, 0]), dim=-1).numpy()
        t = tok(family_texts, padding=True, truncation=True, return_tensors="pt")
        hidden = model.text_encoder(input_ids=t["input_ids"], attention_mask=t["attention_mask"])[0]
        ref_txt = F.normalize(model.text_proj(hidden[:, 0]), dim=-1).numpy()
    emb = Embedder(get_model(str(blip_dir), device="cpu"), batch_size=3, num_workers=0)
    np.testing.assert_allclose(emb.images(family_images), ref_img, atol=1e-5)
    np.testing.assert_allclose(emb.texts(family_texts), ref_txt, atol=1e-5)


def test_contract(blip_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    out = check_contract(get_model(str(blip_dir), device="cpu"), family_images, family_texts, dim=16,
                         normalised=True, fused=True)
    np.testing.assert_allclose(out["fused"], out["image"] + out["text"][: len(family_images)], atol=1e-6)
