"""EBind through mieb's wrapper around the `ebind` package API, on a tiny checkpoint of the test stand-in
package (`stand_ins/ebind`: the real package's import needs torchaudio and torchcodec builds that do not
exist for the test environment's torch). What is tested is mieb's side: the loading calls, the image
preparation the framework does instead of the processor's transform, texts sent as given, and the
reference's combination (normalised sum of the per-modality embeddings)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from contract import check_contract
from model_builders import STAND_INS, make_tiny_ebind

from mieb.data.images import ImageColumn, decode
from mieb.errors import MissingDependencyError
from mieb.models.meta import ModelMeta
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.embedder import Embedder


@pytest.fixture
def ebind(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - the stand-in module
    """The stand-in importable as `ebind` for one test (removed from sys.modules afterwards)."""
    monkeypatch.syspath_prepend(str(STAND_INS))
    monkeypatch.delitem(sys.modules, "ebind", raising=False)
    import ebind

    assert Path(ebind.__file__).is_relative_to(STAND_INS)
    return ebind


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_ebind(tmp_path_factory.mktemp("tiny-ebind"))


def tiny_card(folder: Path) -> ModelMeta:
    card = get_model_meta("encord-team/ebind-full")
    assert card.image is not None
    return card.model_copy(update={"weights": str(folder), "embed_dim": 16,
                                   "image": card.image.model_copy(update={"size": 32, "crop_size": 32})})


def test_card_and_missing_package(monkeypatch: pytest.MonkeyPatch) -> None:
    meta = get_model_meta("encord-team/ebind-full")
    assert (meta.revision, meta.embed_dim, meta.precision, meta.fusion) == (
        "482831d6cb97d3ffc970f933c614a03aa9891416", 1024, "bf16-mixed", "joint")
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "ebind" else real(n, *a))
    with pytest.raises(MissingDependencyError, match=r"pip install 'mieb\[ebind\]'"):
        get_model(meta.name)


def test_matches_reference_path(ebind, tiny_dir: Path, family_images: ImageColumn,  # noqa: ANN001
                                family_texts: list[str]) -> None:
    """The reference: the processor's transform on each PIL image, the processor on the texts, the model on
    both, the normalised sum of its outputs."""
    model = ebind.EBindModel.from_pretrained(str(tiny_dir)).eval()
    processor = ebind.EBindProcessor.from_pretrained(str(tiny_dir))
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    with torch.inference_mode():
        pixels = torch.stack([processor.processors["image"].transform(p) for p in pil])
        tokens = processor({"text": texts}, return_tensors="pt")["text"]
        ref = {k: F.normalize(sum(model(**inputs).values()), dim=-1).float().numpy()
               for k, inputs in {"image": {"image": pixels}, "text": {"text": tokens},
                                 "fused": {"text": tokens, "image": pixels}}.items()}
    encoder = get_model(tiny_card(tiny_dir), device="cpu")
    sent: list[str] = []
    real_call = encoder.processor.__call__  # type: ignore[attr-defined]
    encoder.processor = lambda inputs, **k: sent.extend(inputs["text"]) or real_call(inputs, **k)  # type: ignore[attr-defined]
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    np.testing.assert_allclose(emb.images(family_images), ref["image"], atol=1e-6)
    np.testing.assert_allclose(emb.texts(texts), ref["text"], atol=1e-6)
    np.testing.assert_allclose(emb.fused(family_images, texts), ref["fused"], atol=1e-6)
    assert sorted(sent) == sorted(texts * 2)  # as given, no instruction


def test_contract(ebind, tiny_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:  # noqa: ANN001
    # Normalised in bfloat16, as ebind returns them (the reference casts to float32 only afterwards): unit norm
    # to bf16's precision, and the batch size moves the last bits.
    out = check_contract(get_model(tiny_card(tiny_dir), device="cpu"), family_images, family_texts, dim=16,
                         normalised=None, fused=True, atol=1e-2)
    for key, value in out.items():
        np.testing.assert_allclose(np.linalg.norm(value, axis=1), 1.0, atol=1e-2, err_msg=key)
