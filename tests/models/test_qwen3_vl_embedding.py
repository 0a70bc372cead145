"""Qwen3-VL-Embedding through mieb's loading path: a sentence-transformers model on a tiny Qwen3-VL (last-token
pooling, normalisation), served as the Hub repository at the card's revision, with the card's image pixel
bounds. Compared with sentence-transformers called as the reference does (mteb
`qwen3_vl_embedding_models.py`): `encode` with the task instruction on both sides ("Represent the user's
input." where the task has none, a full stop added), image+text items in dataset column order. Needs the
`mllm` extra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torchvision")
pytest.importorskip("sentence_transformers")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from mllm_builders import make_tiny_qwen3_vl, make_tiny_st, offline_hub, processor_calls  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402

NAME = "Qwen/Qwen3-VL-Embedding-2B"


@pytest.fixture(scope="module")
def st_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny-qwen3-vl-embedding")
    return make_tiny_st(root / "st", make_tiny_qwen3_vl(root / "vlm"))


def _encoder(st_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    offline_hub(monkeypatch, tmp_path / "hub", {NAME: (get_model_meta(NAME).revision, st_dir)})
    return get_model(NAME, device="cpu")


def test_cards() -> None:
    small, big = get_model_meta(NAME), get_model_meta("Qwen/Qwen3-VL-Embedding-8B")
    assert (small.embed_dim, big.embed_dim) == (2048, 4096) and not small.trust_remote_code
    assert small.loader_kwargs == {"min_pixels": 4 * 32 * 32, "max_pixels": 1800 * 32 * 32}


def test_pixel_bounds(st_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from PIL import Image

    image_processor = _encoder(st_dir, monkeypatch, tmp_path).model[0].processor.image_processor
    grid = image_processor(images=[Image.new("RGB", (2000, 1500))], return_tensors="pt")["image_grid_thw"][0]
    pixels = int(grid[1] * grid[2]) * 16 * 16
    assert 1280 * 32 * 32 < pixels <= 1800 * 32 * 32  # the card's bound, not the checkpoint's 1280 x 32 x 32


def test_calls_match_the_reference(st_dir: Path, family_images: ImageColumn, family_texts: list[str],
                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    encoder = _encoder(st_dir, monkeypatch, tmp_path)
    ref = SentenceTransformer(str(st_dir))
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    emb = Embedder(encoder, batch_size=3, num_workers=0)

    emb.start_task("ShapesT2IRetrieval", "Any2AnyRetrieval", "t2i", {"query": "Find the matching picture"})
    with processor_calls(encoder.model[0].processor) as calls:
        queries = emb.texts(texts, prompt_type="query")
    np.testing.assert_allclose(queries, ref.encode(texts, prompt="Find the matching picture."), atol=1e-5)
    assert all(t.startswith("<|im_start|>system\nFind the matching picture.<|im_end|>") for c in calls for t in c[0])
    # the task has prompts, none for documents: the model's default
    docs = emb.fused(family_images, texts, prompt_type="document", text_first=True)
    expected = ref.encode([{"text": t, "image": p} for p, t in zip(pil, texts, strict=True)],
                          prompt="Represent the user's input.")
    np.testing.assert_allclose(docs, expected, atol=1e-5)
    emb.start_task("ShapesClustering", "ImageClustering", "i2c")  # no prompts: the task class's
    np.testing.assert_allclose(emb.images(family_images), ref.encode([{"image": p} for p in pil],
                                                                     prompt="Identify categories in user passages."),
                               atol=1e-5)


def test_contract(st_dir: Path, family_images: ImageColumn, family_texts: list[str],
                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    check_contract(_encoder(st_dir, monkeypatch, tmp_path), family_images, family_texts, dim=32, normalised=True,
                   fused=True, atol=2e-5)
