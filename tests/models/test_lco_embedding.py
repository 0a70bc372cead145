"""LCO-Embedding-Omni through mieb's loading path (transformers' Qwen2.5-Omni processor and thinker) on a
tiny random checkpoint. Checks the prompts the model receives against the reference's construction, typed
out here (mteb `lco_embedding_models.py`), the 300-token text cut, joint image+text inputs and the shared
contract (batch-size invariance, unit norm). Needs torchvision (the `mllm` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

pytest.importorskip("torchvision")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from mllm_builders import OMNI_SYSTEM, make_tiny_qwen_omni, offline_hub  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402

TURN = "<|im_start|>system\n" + OMNI_SYSTEM + "<|im_end|>\n<|im_start|>user\n{}<|im_end|>\n<|im_start|>assistant\n"
IMAGE = "<|vision_bos|><|IMAGE|><|vision_eos|>"


@pytest.fixture(scope="module")
def omni_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_qwen_omni(tmp_path_factory.mktemp("tiny-lco"))


NAME = "LCO-Embedding/LCO-Embedding-Omni-3B"


def _encoder(folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """The card's own loading code: from_pretrained(name, revision=card revision), from an offline Hub cache."""
    offline_hub(monkeypatch, tmp_path / "hub", {NAME: (get_model_meta(NAME).revision, folder)})
    return get_model(NAME, device="cpu")


def test_cards() -> None:
    small, big = (get_model_meta(f"LCO-Embedding/LCO-Embedding-Omni-{s}") for s in ("3B", "7B"))
    assert (small.embed_dim, big.embed_dim) == (2048, 3584)
    assert small.revision == "eea763cfaf673e955ae86c64968896a3fea70189"
    assert big.revision == "3d38f58aae1253a4443b1270b0767f1e533936cf"
    for meta in (small, big):
        assert meta.fusion == "joint" and meta.extra == "mllm" and not meta.uses_instructions
        assert meta.image is not None and meta.image.input == "pil" and not meta.trust_remote_code


def _reference(folder: Path, prompts: list[str], images: list | None) -> np.ndarray:
    """One item at a time (no padding): the thinker's last hidden state at the last position, normalised."""
    from transformers import Qwen2_5OmniProcessor, Qwen2_5OmniThinkerForConditionalGeneration

    processor = Qwen2_5OmniProcessor.from_pretrained(folder)
    model = Qwen2_5OmniThinkerForConditionalGeneration.from_pretrained(folder).eval()
    rows = []
    with torch.no_grad():
        for i, prompt in enumerate(prompts):
            inputs = processor(text=[prompt], images=None if images is None else [images[i]], return_tensors="pt")
            hidden = model(**inputs, output_hidden_states=True, return_dict=True).hidden_states[-1]
            rows.append(torch.nn.functional.normalize(hidden[0, -1], dim=-1))
    return torch.stack(rows).numpy()


def test_prompts_sent_and_embeddings_match_reference(
    omni_dir: Path, family_images: ImageColumn, family_texts: list[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path
) -> None:
    encoder = _encoder(omni_dir, monkeypatch, tmp_path)
    sent: list[str] = []
    call = encoder.processor.__call__
    encoder.processor.__class__ = type("Spy", (type(encoder.processor),), {
        "__call__": lambda self, *a, **k: (sent.extend(k["text"]), call(*a, **k))[1]})
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    text_prompts = [TURN.format(f"{t}\nSummarize the above text in one word:") for t in texts]
    image_prompt = TURN.format(f"{IMAGE}\nSummarize the above image in one word:")
    fused_prompts = [TURN.format(f"{IMAGE}{t}\nSummarize the above image in one word:") for t in texts]
    emb = Embedder(encoder, batch_size=3, num_workers=0)

    np.testing.assert_allclose(emb.texts(texts), _reference(omni_dir, text_prompts, None), atol=1e-5)
    assert sorted(sent) == sorted(text_prompts)
    sent.clear()
    np.testing.assert_allclose(emb.images(family_images), _reference(omni_dir, [image_prompt] * len(pil), pil),
                               atol=1e-5)
    assert sent == [image_prompt] * len(pil)
    sent.clear()
    fused = emb.fused(family_images, texts)
    np.testing.assert_allclose(fused, _reference(omni_dir, fused_prompts, pil), atol=1e-5)
    assert sent == fused_prompts
    assert not np.allclose(fused, emb.images(family_images), atol=1e-3)  # the text takes part


def test_long_texts_are_cut_to_300_tokens(omni_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    encoder = _encoder(omni_dir, monkeypatch, tmp_path)
    long = "word " * 100  # 500 bytes: 500 tokens of the byte-level tokenizer
    assert encoder.prompt(long, image=False) == TURN.format(long[:300] + "\nSummarize the above text in one word:")
    short = "x" * 300
    assert encoder.prompt(short, image=False) == TURN.format(short + "\nSummarize the above text in one word:")


def test_contract(omni_dir: Path, family_images: ImageColumn, family_texts: list[str],
                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    encoder = _encoder(omni_dir, monkeypatch, tmp_path)
    assert encoder.processor.tokenizer.padding_side == "left"
    check_contract(encoder, family_images, family_texts, dim=32, normalised=True, fused=True, atol=2e-5)
