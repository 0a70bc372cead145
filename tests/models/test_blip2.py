"""BLIP-2 Q-Former features (the reference's LAVIS Blip2ITM computation) through Blip2ForImageTextRetrieval on
a tiny random checkpoint. Each modality is tied to transformers' own forward of that model: the ITC path
(text [CLS] and image query states, projected and normalised by the model itself) and the ITM path (the
joint query/text pass, captured inside the model's Q-Former)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from contract import check_contract
from model_builders import make_tiny_blip2

from mieb.data.images import ImageColumn, decode
from mieb.errors import UsageError
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.embedder import Embedder


@pytest.fixture(scope="module")
def blip2_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_blip2(tmp_path_factory.mktemp("tiny-blip2"))


@pytest.fixture(scope="module")
def reference(blip2_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> dict[str, np.ndarray]:
    """transformers' own Blip2ForImageTextRetrieval forward on the processor's pixels, LAVIS's tokenisation."""
    from transformers import AutoTokenizer, Blip2ForImageTextRetrieval, BlipImageProcessorPil

    model = Blip2ForImageTextRetrieval.from_pretrained(blip2_dir).eval()
    model.vision_model.post_layernorm.eps = 1e-5  # LAVIS's ln_vision
    tok = AutoTokenizer.from_pretrained(blip2_dir)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    pixels = BlipImageProcessorPil.from_pretrained(blip2_dir)(images=pil, return_tensors="pt")["pixel_values"]
    texts = family_texts[: len(pil)]
    captured: list[torch.Tensor] = []
    hook = model.qformer.register_forward_hook(lambda m, i, o: captured.append(o.last_hidden_state))
    with torch.inference_mode():
        short = tok(texts, padding="max_length", truncation=True, max_length=32, return_tensors="pt")
        itc = model(pixel_values=pixels, **short)
        joint = tok(texts, padding=True, return_tensors="pt")
        model(pixel_values=pixels, **joint, use_image_text_matching_head=True)
    hook.remove()
    return {"itc_text": itc.text_embeds.numpy(), "itc_image": itc.image_embeds[:, 0].numpy(),
            "fused": captured[-1][:, 0].numpy()}


def test_cards() -> None:
    small, coco = get_model_meta("Salesforce/blip2-opt-2.7b"), get_model_meta("Salesforce/blip2-opt-6.7b-coco")
    assert (small.revision, coco.revision) == ("51572668da0eb669e01a189dc22abe6088589a24",
                                               "0d580de59320a25a4d2c386387bcef310d5f286e")
    assert small.image is not None and coco.image is not None and (small.image.size, coco.image.size) == (224, 364)
    assert small.loader_kwargs["itm_weights"] == "Salesforce/blip2-itm-vit-g" and small.fusion == "joint"
    assert coco.loader_kwargs["itm_weights"] == "Salesforce/blip2-itm-vit-g-coco" and coco.embed_dim == 768


def test_matches_transformers_forward(blip2_dir: Path, reference: dict[str, np.ndarray],
                                      family_images: ImageColumn, family_texts: list[str]) -> None:
    encoder = get_model(str(blip2_dir), device="cpu")
    model = encoder.model  # type: ignore[attr-defined]
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    texts = family_texts[: len(family_images)]
    with torch.inference_mode():
        text = F.normalize(model.text_projection(torch.from_numpy(emb.texts(texts))), dim=-1).numpy()
        image = F.normalize(model.vision_projection(torch.from_numpy(emb.images(family_images))), dim=-1).numpy()
    np.testing.assert_allclose(text, reference["itc_text"], atol=1e-5)
    np.testing.assert_allclose(image, reference["itc_image"], atol=1e-5)
    np.testing.assert_allclose(emb.fused(family_images, texts), reference["fused"], atol=1e-5)


def test_lavis_norms_and_text_budget(blip2_dir: Path) -> None:
    encoder = get_model(str(blip2_dir), device="cpu")
    model = encoder.model  # type: ignore[attr-defined]
    assert model.vision_model.post_layernorm.eps == 1e-5
    assert {layer.layer_norm1.eps for layer in model.vision_model.encoder.layers} == {1e-6}
    from mieb.models.encoder import EncodeContext

    long = " ".join(["dog"] * 40)
    with torch.inference_mode():
        a, b = encoder.encode_texts([long, long + " red square"], EncodeContext())
    torch.testing.assert_close(a, b)  # both cut at LAVIS's 32 tokens


def test_contract(blip2_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    check_contract(get_model(str(blip2_dir), device="cpu"), family_images, family_texts, dim=32, normalised=False,
                   fused=True)


def test_only_itm_checkpoints_have_local_cards(blip2_dir: Path, tmp_path: Path) -> None:
    import json
    import shutil

    other = tmp_path / "gen"
    shutil.copytree(blip2_dir, other)
    cfg = json.loads((other / "config.json").read_text())
    (other / "config.json").write_text(json.dumps({**cfg, "architectures": ["Blip2ForConditionalGeneration"]}))
    with pytest.raises(UsageError, match="only Blip2ForImageTextRetrieval"):
        get_model_meta(str(other))
