"""The CLIP family through its real loading path, on a tiny random checkpoint saved locally."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from datasets import Dataset, Features, Image
from helpers import solid_image

from mieb.data.images import ImageColumn, decode
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.embedder import Embedder


@pytest.fixture(scope="module")
def images() -> ImageColumn:
    raws = [{"bytes": solid_image((i * 20 % 255, 100, 200 - i * 10), size=(30 + i, 50 - i), noise=30, seed=i),
             "path": None} for i in range(11)]
    ds = Dataset.from_dict({"image": raws}, features=Features({"image": Image()}))
    return ImageColumn(ds, "image")


def test_local_folder_card(tiny_clip_dir: Path) -> None:
    meta = get_model_meta(str(tiny_clip_dir))
    assert meta.family == "clip" and meta.embed_dim == 16
    assert meta.image is not None and meta.image.size == 32 and meta.image.crop_size == 32
    assert meta.image.interpolation == "bicubic"
    assert meta.n_parameters and meta.n_parameters > 1000
    assert len(meta.revision or "") == 16


def test_embeddings_match_reference_path(tiny_clip_dir: Path, images: ImageColumn) -> None:
    """Same numbers as the reference wrapper: HF PIL processor + CLIPModel, and tokenizer padding=True."""
    from transformers import AutoTokenizer, CLIPImageProcessorPil, CLIPModel

    model = CLIPModel.from_pretrained(tiny_clip_dir).eval()
    proc = CLIPImageProcessorPil.from_pretrained(tiny_clip_dir)
    tok = AutoTokenizer.from_pretrained(tiny_clip_dir)
    pil = [decode(images.raw(i)) for i in range(len(images))]
    texts = ["a red square", "a photo of a dog.", "x", "a much longer caption with many words in it"]
    with torch.inference_mode():
        ref_img = model.get_image_features(**proc(images=pil, return_tensors="pt")).pooler_output.numpy()
        ref_txt = model.get_text_features(**tok(texts, padding=True, truncation=True, return_tensors="pt")
                                          ).pooler_output.numpy()

    emb = Embedder(get_model(str(tiny_clip_dir), device="cpu"), batch_size=4, num_workers=0)
    np.testing.assert_allclose(emb.images(images), ref_img, atol=1e-5)
    np.testing.assert_allclose(emb.texts(texts), ref_txt, atol=1e-5)


@pytest.mark.parametrize("workers", [0, 2])
def test_batch_size_invariance(tiny_clip_dir: Path, images: ImageColumn, workers: int) -> None:
    encoder = get_model(str(tiny_clip_dir), device="cpu")
    texts = [f"caption number {i} " + "word " * (i % 5) for i in range(13)]
    outs = []
    for bs in (1, 3, 32):
        emb = Embedder(encoder, batch_size=bs, num_workers=workers)
        outs.append((emb.images(images), emb.texts(texts)))
    for img, txt in outs[1:]:
        np.testing.assert_allclose(img, outs[0][0], atol=1e-5)
        np.testing.assert_allclose(txt, outs[0][1], atol=1e-5)
    img, txt = outs[0]
    assert img.dtype == np.float32 and img.shape == (len(images), 16)
    assert txt.dtype == np.float32 and txt.shape == (len(texts), 16)


def test_duplicate_texts_encoded_once(tiny_clip_dir: Path) -> None:
    emb = Embedder(get_model(str(tiny_clip_dir), device="cpu"), batch_size=2, num_workers=0)
    out = emb.texts(["a", "b", "a", "a", "b"])
    assert emb.stats.texts_encoded == 2 and emb.stats.texts_requested == 5
    np.testing.assert_array_equal(out[0], out[2])


def test_sum_fusion_is_unnormalised_sum(tiny_clip_dir: Path, images: ImageColumn) -> None:
    emb = Embedder(get_model(str(tiny_clip_dir), device="cpu"), batch_size=4, num_workers=0)
    sub = images.subset([0, 1, 2])
    texts = ["q one", "q two", "q three"]
    np.testing.assert_allclose(emb.fused(sub, texts), emb.images(sub) + emb.texts(texts), atol=1e-6)
