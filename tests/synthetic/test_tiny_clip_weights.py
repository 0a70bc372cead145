"""The bundled mieb/tiny-clip-shapes folder loads as an ordinary CLIP checkpoint and is the one trained."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from mieb.data.synthetic import world as W

FOLDER = Path(__file__).resolve().parents[2] / "src" / "mieb" / "models" / "weights" / "tiny-clip-shapes"
FILES = ["config.json", "model.safetensors", "vocab.json", "merges.txt", "tokenizer_config.json",
         "special_tokens_map.json", "preprocessor_config.json", "training.json"]


@pytest.fixture(scope="module")
def loaded():
    from transformers import AutoTokenizer, CLIPModel

    model = CLIPModel.from_pretrained(FOLDER).eval()
    tok = AutoTokenizer.from_pretrained(FOLDER)
    return model, tok


def test_folder_files_and_checksum():
    for name in FILES:
        assert (FOLDER / name).is_file(), name
    info = json.loads((FOLDER / "training.json").read_text())
    digest = hashlib.sha256((FOLDER / "model.safetensors").read_bytes()).hexdigest()
    assert digest == info["model_safetensors_sha256"]
    assert (FOLDER / "model.safetensors").stat().st_size < 16 * 2**20


def test_preprocessor_config_matches_mieb_preprocessing():
    cfg = json.loads((FOLDER / "preprocessor_config.json").read_text())
    assert cfg["size"] == {"shortest_edge": 64}
    assert cfg["crop_size"] == {"height": 64, "width": 64}
    assert cfg["resample"] == 3 and cfg["do_center_crop"] is True
    assert cfg["image_mean"] == pytest.approx([0.48145466, 0.4578275, 0.40821073])
    assert cfg["image_std"] == pytest.approx([0.26862954, 0.26130258, 0.27577711])


def test_model_and_tokenizer_load(loaded):
    model, tok = loaded
    cfg = model.config
    assert cfg.vision_config.image_size == 64
    assert cfg.text_config.max_position_embeddings == 32
    assert cfg.text_config.eos_token_id == tok.eos_token_id == tok.pad_token_id
    assert cfg.text_config.vocab_size == len(tok)
    assert tok.model_max_length == 32
    # every world word is one token; unknown words fall back to characters
    for word in W.world_words():
        assert len(tok(word, add_special_tokens=False)["input_ids"]) == 1, word
    assert len(tok("zebra", add_special_tokens=False)["input_ids"]) > 1


def test_text_pooling_uses_endoftext_and_ignores_padding(loaded):
    model, tok = loaded
    texts = ["a photo of a star.", "der stern ist rot, gross und liegt in der mitte."]
    with torch.no_grad():
        enc = tok(texts, padding=True, truncation=True, max_length=32, return_tensors="pt")
        batched = model.get_text_features(**enc)
        batched = batched if isinstance(batched, torch.Tensor) else batched.pooler_output
        single = model.get_text_features(**tok(texts[:1], return_tensors="pt"))
        single = single if isinstance(single, torch.Tensor) else single.pooler_output
    assert batched.shape == (2, model.config.projection_dim)
    assert torch.allclose(batched[0], single[0], atol=1e-5)


def test_trained_model_reads_the_world(loaded):
    """Zero-shot on a few freshly drawn shapes: the bundled weights are the trained ones."""
    model, tok = loaded
    rs = np.random.RandomState(12345)
    objs = [W.sample_single(rs, shape=s) for s in W.SHAPES for _ in range(3)]
    imgs = np.stack([W.render_scene(rs, [o]) for o in objs]).astype(np.float32) / 255.0
    mean = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
    std = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
    px = torch.from_numpy(((imgs - mean) / std).transpose(0, 3, 1, 2).copy())
    with torch.no_grad():
        img = model.get_image_features(pixel_values=px)
        img = img if isinstance(img, torch.Tensor) else img.pooler_output
        enc = tok([W.ZEROSHOT_TEMPLATE.format(name=s) for s in W.SHAPES], padding=True, return_tensors="pt")
        txt = model.get_text_features(**enc)
        txt = txt if isinstance(txt, torch.Tensor) else txt.pooler_output
    pred = (torch.nn.functional.normalize(img, dim=-1) @ torch.nn.functional.normalize(txt, dim=-1).T).argmax(1)
    truth = torch.tensor([W.SHAPES.index(o.shape) for o in objs])
    assert (pred == truth).float().mean() >= 0.6
