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


# -- captioning checkpoints: cards that refuse ------------------------------------------------------------
def _tiny_captioning(folder: Path) -> Path:
    from transformers import BlipConfig, BlipForConditionalGeneration

    cfg = BlipConfig(text_config=dict(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                      num_attention_heads=2, max_position_embeddings=32, encoder_hidden_size=32),
                     vision_config=dict(image_size=32, patch_size=8, hidden_size=32, intermediate_size=64,
                                        num_hidden_layers=2, num_attention_heads=2),
                     projection_dim=16, image_text_hidden_size=16)
    BlipForConditionalGeneration(cfg).save_pretrained(folder)
    return folder


def test_captioning_checkpoints_lack_the_retrieval_heads(tmp_path: Path) -> None:
    """Why the captioning cards refuse: loaded as the reference loads them, the text encoder and both
    projections are missing from the checkpoint and come from torch's generator (equal only under one seed)."""
    from transformers import BlipForImageTextRetrieval

    folder = _tiny_captioning(tmp_path / "cap")

    def load(seed: int) -> BlipForImageTextRetrieval:
        torch.manual_seed(seed)
        model, info = BlipForImageTextRetrieval.from_pretrained(folder, output_loading_info=True)
        assert {k.split(".")[0] for k in info["missing_keys"]} == {"text_encoder", "vision_proj", "text_proj",
                                                                    "itm_head"}
        return model

    a, b, c = load(0), load(0), load(1)
    assert torch.equal(a.vision_proj.weight, b.vision_proj.weight)
    assert not torch.equal(a.vision_proj.weight, c.vision_proj.weight)
    assert not torch.equal(a.text_encoder.embeddings.word_embeddings.weight,
                           c.text_encoder.embeddings.word_embeddings.weight)


@pytest.mark.parametrize("name", ["Salesforce/blip-image-captioning-base", "Salesforce/blip-image-captioning-large"])
def test_captioning_cards_refuse_before_loading(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import transformers

    from mieb.errors import UsageError

    meta = get_model_meta(name)
    assert meta.revision and len(meta.revision) == 40 and meta.unavailable
    monkeypatch.setattr(transformers.BlipForImageTextRetrieval, "from_pretrained",
                        lambda *a, **k: pytest.fail("nothing may be loaded"))
    with pytest.raises(UsageError, match="randomly initialised"):
        get_model(name, device="cpu")


def test_local_captioning_folder_refused(tmp_path: Path) -> None:
    from mieb.errors import UsageError

    with pytest.raises(UsageError, match="BlipForConditionalGeneration checkpoint cannot be run"):
        get_model_meta(str(_tiny_captioning(tmp_path / "cap")))
