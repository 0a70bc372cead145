"""Jina-CLIP v1 / v2 through mieb's remote-code path, on tiny checkpoints carrying stand-in remote code.

The checkpoints' code (`remote_code/jina_clip/`) is a stand-in: it has the real `JinaCLIPModel`'s public
surface (`encode_text` / `encode_image` with their own tokenizer and image processor, L2-normalised) over a
tiny BERT + ViT, not Jina-CLIP's architecture. What is tested is mieb's side: the consent gate, loading with
trust_remote_code, dispatch to the checkpoint's own methods with PIL images, normalisation and sum fusion.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from contract import check_contract
from model_builders import make_tiny_jina_clip

from mieb.data.images import ImageColumn, decode
from mieb.errors import UsageError
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.embedder import Embedder


@pytest.fixture(scope="module", params=[1, 2], ids=["v1", "v2"])
def jina_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_jina_clip(
        tmp_path_factory.mktemp(f"tiny-jina-clip-v{request.param}"), version=request.param
    )


def test_cards() -> None:
    v1, v2 = get_model_meta("jinaai/jina-clip-v1"), get_model_meta("jinaai/jina-clip-v2")
    assert (v1.embed_dim, v2.embed_dim) == (768, 1024)
    for meta in (v1, v2):
        assert meta.trust_remote_code and meta.image is not None and meta.image.input == "pil"


def test_local_folder_card_and_consent(jina_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    meta = get_model_meta(str(jina_dir))
    assert meta.family == "jina-clip" and meta.trust_remote_code and meta.license is None
    assert meta.embed_dim == (16 if "v1" in jina_dir.name else 24)
    import transformers

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("nothing may be loaded before consent")

    with monkeypatch.context() as m:
        m.setattr(transformers.AutoModel, "from_pretrained", boom)
        with pytest.raises(UsageError, match="--trust-remote-code"):
            get_model(str(jina_dir), device="cpu")


def test_matches_reference_path(jina_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    """The reference: the checkpoint's encode_text / encode_image on whole batches, float32 tensors."""
    from transformers import AutoModel

    model = AutoModel.from_pretrained(jina_dir, trust_remote_code=True).eval()
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.no_grad():
        ref_txt = (
            model.encode_text(family_texts, convert_to_numpy=False, convert_to_tensor=True).float().numpy()
        )
        ref_img = model.encode_image(pil, convert_to_numpy=False, convert_to_tensor=True).float().numpy()
    emb = Embedder(
        get_model(str(jina_dir), device="cpu", trust_remote_code=True), batch_size=3, num_workers=0
    )
    np.testing.assert_allclose(emb.texts(family_texts), ref_txt, atol=1e-5)
    np.testing.assert_allclose(emb.images(family_images), ref_img, atol=1e-5)


@pytest.mark.parametrize("jina_dir", [1], indirect=True, ids=["v1"])  # v2 is the same code path
def test_contract(jina_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    encoder = get_model(str(jina_dir), device="cpu", trust_remote_code=True)
    dim = get_model_meta(str(jina_dir)).embed_dim
    assert dim is not None
    out = check_contract(encoder, family_images, family_texts, dim=dim, normalised=True, fused=True)
    np.testing.assert_allclose(out["fused"], out["image"] + out["text"][: len(family_images)], atol=1e-6)
