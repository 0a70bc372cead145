"""Nomic Embed Vision v1.5 (+ Nomic Embed Text v1.5) through mieb's remote-code path, on a tiny checkpoint
pair carrying stand-in remote code.

The checkpoints' code (`remote_code/nomic_bert/`) is a stand-in: `NomicVisionModel` returns
`last_hidden_state` (CLS first) and `NomicBertModel` token states, as the real classes do, but over a tiny
ViT and BERT, not Nomic's architecture. What is tested is mieb's side: the consent gate, loading both models
with trust_remote_code, the vision checkpoint's own image processor on PIL images, CLS pooling, the text
side's mean pooling + layer norm, normalisation and sum fusion.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from contract import check_contract
from model_builders import make_tiny_nomic_vision

from mieb.data.images import ImageColumn, decode
from mieb.errors import UsageError
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.embedder import Embedder


@pytest.fixture(scope="module")
def nomic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_nomic_vision(tmp_path_factory.mktemp("tiny-nomic-vision"))


def test_local_folder_card_and_consent(nomic_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    meta = get_model_meta(str(nomic_dir))
    assert meta.family == "nomic-vision" and meta.trust_remote_code and meta.embed_dim == 32
    assert meta.loader_kwargs == {"text_model": str((nomic_dir / "text").resolve()), "text_revision": None}
    import transformers

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("nothing may be loaded before consent")

    with monkeypatch.context() as m:
        m.setattr(transformers.AutoModel, "from_pretrained", boom)
        with pytest.raises(UsageError, match="--trust-remote-code"):
            get_model(str(nomic_dir), device="cpu")
    # The text model folder alone is not an image model.
    with pytest.raises(UsageError, match="text-only"):
        get_model_meta(str(nomic_dir / "text"))


def test_revision_covers_the_text_model(nomic_dir: Path, tmp_path: Path) -> None:
    import shutil

    copy = shutil.copytree(nomic_dir, tmp_path / "copy")
    before = get_model_meta(str(copy)).revision
    weights = copy / "text" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-4] + b"\x00\x00\x00\x01")
    assert get_model_meta(str(copy)).revision != before
    assert json.loads((copy / "config.json").read_text())["model_type"] == "nomic_bert"


def test_matches_reference_path(nomic_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    """The reference: AutoImageProcessor of the vision checkpoint, CLS state; the text model's token states
    mean-pooled over the mask (padding=True, truncation=True), layer-normed, each L2-normalised."""
    from transformers import AutoImageProcessor, AutoModel, AutoTokenizer

    vision = AutoModel.from_pretrained(nomic_dir, trust_remote_code=True).eval()
    text = AutoModel.from_pretrained(nomic_dir / "text", trust_remote_code=True).eval()
    processor = AutoImageProcessor.from_pretrained(nomic_dir)
    tokenizer = AutoTokenizer.from_pretrained(nomic_dir / "text")
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.no_grad():
        ref_img = F.normalize(
            vision(**processor(images=pil, return_tensors="pt")).last_hidden_state[:, 0], dim=1
        )
        inputs = tokenizer(family_texts, padding=True, truncation=True, return_tensors="pt")
        tokens = text(**inputs)[0]
        mask = inputs["attention_mask"].unsqueeze(-1).expand(tokens.size()).float()
        pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        ref_txt = F.normalize(F.layer_norm(pooled, normalized_shape=(pooled.shape[1],)), p=2, dim=1)
    emb = Embedder(
        get_model(str(nomic_dir), device="cpu", trust_remote_code=True), batch_size=3, num_workers=0
    )
    np.testing.assert_allclose(emb.images(family_images), ref_img.numpy(), atol=1e-5)
    np.testing.assert_allclose(emb.texts(family_texts), ref_txt.numpy(), atol=1e-5)


def test_contract(nomic_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    encoder = get_model(str(nomic_dir), device="cpu", trust_remote_code=True)
    out = check_contract(encoder, family_images, family_texts, dim=32, normalised=True, fused=True)
    np.testing.assert_allclose(out["fused"], out["image"] + out["text"][: len(family_images)], atol=1e-6)
