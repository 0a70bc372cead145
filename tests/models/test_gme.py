"""GME through mieb's loading path (transformers' Qwen2-VL classes) on a tiny random Qwen2-VL served as the
Hub repository at the card's revision. The reference's construction (mteb `gme_v_models.py`, the authors'
inference code) is typed out here: the chat prompt with the instruction as the system turn, right padding,
token embeddings with the vision features written over the image placeholders, the language model run on
them with plain positions, the last attended token, normalised. Needs the `mllm` extra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

pytest.importorskip("torchvision")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from mllm_builders import make_tiny_qwen2_vl, offline_hub  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.models.wrappers.gme import fetch_image, grid_size  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402

NAME = "Alibaba-NLP/gme-Qwen2-VL-2B-Instruct"
PROMPT = "<|im_start|>system\n{}<|im_end|>\n<|im_start|>user\n{}<|im_end|>\n<|im_start|>assistant\n<|endoftext|>"
IMAGE = "<|vision_start|><|image_pad|><|vision_end|>"


@pytest.fixture(scope="module")
def vl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_qwen2_vl(tmp_path_factory.mktemp("tiny-gme"))


def _encoder(vl_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    offline_hub(monkeypatch, tmp_path / "hub", {NAME: (get_model_meta(NAME).revision, vl_dir)})
    return get_model(NAME, device="cpu")


def test_cards() -> None:
    small, big = get_model_meta(NAME), get_model_meta("Alibaba-NLP/gme-Qwen2-VL-7B-Instruct")
    assert (small.embed_dim, big.embed_dim) == (1536, 3584) and small.precision == "fp16"
    assert small.loader_kwargs == {"min_image_tokens": 4, "max_image_tokens": 1280}


@pytest.mark.parametrize(("size", "bounds", "expected"), [
    ((30, 52), (4 * 784, 16384 * 784), (56, 84)),  # grown to the minimum area, ceil
    ((70, 70), (4 * 784, 16384 * 784), (56, 56)),  # 70 / 28 = 2.5 rounds to even (Python's round)
    ((4000, 3000), (4 * 784, 16384 * 784), (4004, 2996)),
    ((4000, 3000), (4 * 784, 1280 * 784), (1148, 840)),  # shrunk to the maximum area, floor
])
def test_grid_size(size: tuple[int, int], bounds: tuple[int, int], expected: tuple[int, int]) -> None:
    assert grid_size(*size, *bounds) == expected


def _reference(folder: Path, prompts: list[str], images: list | None) -> np.ndarray:
    from transformers import AutoProcessor, Qwen2VLForConditionalGeneration

    processor = AutoProcessor.from_pretrained(folder)
    processor.image_processor.size = {"shortest_edge": 4 * 784, "longest_edge": 1280 * 784}
    model = Qwen2VLForConditionalGeneration.from_pretrained(folder).eval()
    rows = []
    with torch.no_grad():
        for i, prompt in enumerate(prompts):
            inputs = processor(text=[prompt], images=None if images is None else [fetch_image(images[i])],
                               truncation=True, max_length=1800, return_tensors="pt")
            embeds = model.model.language_model.embed_tokens(inputs["input_ids"])
            if images is not None:
                features = model.model.visual(inputs["pixel_values"], grid_thw=inputs["image_grid_thw"]).pooler_output
                embeds[inputs["input_ids"] == model.config.image_token_id] = features
            hidden = model.model.language_model(inputs_embeds=embeds).last_hidden_state
            rows.append(torch.nn.functional.normalize(hidden[0, -1], dim=-1))
    return torch.stack(rows).numpy()


def test_prompts_and_embeddings_match_reference(vl_dir: Path, family_images: ImageColumn, family_texts: list[str],
                                                monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    encoder = _encoder(vl_dir, monkeypatch, tmp_path)
    assert encoder.processor.tokenizer.padding_side == "right"
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    emb.start_task("ShapesT2IRetrieval", "Any2AnyRetrieval", "t2i", {"query": "Find the picture."})
    np.testing.assert_allclose(emb.texts(texts, prompt_type="query"),
                               _reference(vl_dir, [PROMPT.format("Find the picture.", t) for t in texts], None),
                               atol=1e-5)
    np.testing.assert_allclose(
        emb.fused(family_images, texts, prompt_type="document"),
        _reference(vl_dir, [PROMPT.format("You are a helpful assistant.", IMAGE + t) for t in texts], pil), atol=1e-5)
    emb.start_task("ShapesClassification", "ImageClassification", "i2c")  # no prompts: the task class's
    np.testing.assert_allclose(emb.images(family_images),
                               _reference(vl_dir, [PROMPT.format("Classify user passages.", IMAGE)] * len(pil), pil),
                               atol=1e-5)


def test_contract(vl_dir: Path, family_images: ImageColumn, family_texts: list[str],
                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Right padding: the pooled token is each item's last attended one, so batches of mixed lengths agree."""
    check_contract(_encoder(vl_dir, monkeypatch, tmp_path), family_images, family_texts, dim=32, normalised=True,
                   fused=True, atol=2e-5)
