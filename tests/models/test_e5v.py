"""E5-V through transformers' LLaVA-NeXT classes on a tiny random checkpoint (CLIP vision tower, Llama text
model, any-resolution tiling, Llama-3 chat-template special tokens)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from contract import check_contract
from model_builders import make_tiny_e5v

from mieb.data.images import ImageColumn, decode
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.embedder import Embedder

# The reference's prompts (mteb e5_v.py), typed out independently of mieb's wrapper.
CHAT = ("<|start_header_id|>user<|end_header_id|>\n\n{}<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n \n")
TEXT = CHAT.format("<sent>\nSummary above sentence in one word: ")
IMAGE = CHAT.format("<image>\nSummary above image in one word: ")
COMPOSED = CHAT.format(
    '[INST] <image> Modify this image with "{}" Describe modified image in one word: [/INST]'
)


@pytest.fixture(scope="module")
def e5v_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_e5v(tmp_path_factory.mktemp("tiny-e5v"))


def test_cards(e5v_dir: Path) -> None:
    meta = get_model_meta("royokong/e5-v")
    assert (
        meta.fusion == "joint"
        and meta.embed_dim == 4096
        and meta.image is not None
        and meta.image.input == "pil"
    )
    local = get_model_meta(str(e5v_dir))
    assert local.family == "e5-v" and local.embed_dim == 32 and local.fusion == "joint"


def _reference(folder: Path, prompts: list[str], images: list | None) -> np.ndarray:
    """One item at a time (no padding): the last token's final hidden state."""
    from transformers import LlavaNextForConditionalGeneration, LlavaNextProcessor

    processor = LlavaNextProcessor.from_pretrained(folder)
    model = LlavaNextForConditionalGeneration.from_pretrained(folder).eval()
    rows = []
    with torch.no_grad():
        for i, prompt in enumerate(prompts):
            inputs = processor(
                text=[prompt],
                images=None if images is None else [images[i]],
                return_tensors="pt",
                padding=True,
            )
            rows.append(model(**inputs, output_hidden_states=True, return_dict=True).hidden_states[-1][0, -1])
    return torch.stack(rows).numpy()


def test_prompts_and_joint_inputs_match_reference(
    e5v_dir: Path, family_images: ImageColumn, family_texts: list[str]
) -> None:
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    emb = Embedder(get_model(str(e5v_dir), device="cpu"), batch_size=3, num_workers=0)
    np.testing.assert_allclose(
        emb.texts(texts), _reference(e5v_dir, [TEXT.replace("<sent>", t) for t in texts], None), atol=1e-5
    )
    np.testing.assert_allclose(
        emb.images(family_images), _reference(e5v_dir, [IMAGE] * len(pil), pil), atol=1e-5
    )
    fused = emb.fused(family_images, texts)
    np.testing.assert_allclose(
        fused, _reference(e5v_dir, [COMPOSED.format(t) for t in texts], pil), atol=1e-5
    )
    assert not np.allclose(fused, emb.images(family_images), atol=1e-3)  # the text takes part


def test_contract_left_padding(e5v_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    """Batches mix prompt lengths (texts, and images tiled into different token counts): left padding keeps
    every item's last token its own, so embeddings agree whatever the batch."""
    encoder = get_model(str(e5v_dir), device="cpu")
    assert encoder.processor.tokenizer.padding_side == "left"  # type: ignore[attr-defined]
    check_contract(encoder, family_images, family_texts, dim=32, normalised=False, fused=True)
