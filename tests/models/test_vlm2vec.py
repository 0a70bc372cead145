"""VLM2Vec-V2.0 through mieb's loading path (Qwen2-VL base + PEFT LoRA adapter, merged) on tiny random models.

Needs the `vlm2vec` extra (peft, and torchvision for transformers 5's Qwen2-VL processor); skipped cleanly
without it. Checks the prompts and per-task instructions against the reference's construction, that the
adapter is applied, the image budget, the shared contract with joint image+text inputs, and that the
instruction context is part of the embedding cache key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

pytest.importorskip("peft")
pytest.importorskip("torchvision")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from model_builders import make_tiny_vlm2vec  # noqa: E402

from mieb.cache.keys import model_fingerprint  # noqa: E402
from mieb.cache.store import EmbeddingCache  # noqa: E402
from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.errors import UsageError  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402

DOC_TASK = "VidoreDocVQARetrieval"  # one the model defines instructions for (the reference's table)
QUERY_INS = "Find a document image that matches the given query:"
DOC_INS = "Understand the content of the provided document image."


@pytest.fixture(scope="module")
def vlm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_vlm2vec(tmp_path_factory.mktemp("tiny-vlm2vec") / "adapter")


def test_cards(vlm_dir: Path) -> None:
    meta = get_model_meta("VLM2Vec/VLM2Vec-V2.0")
    assert meta.uses_instructions and meta.fusion == "joint" and meta.extra == "vlm2vec"
    assert meta.loader_kwargs == {"base_model": "Qwen/Qwen2-VL-2B-Instruct"} and meta.precision == "bf16"
    local = get_model_meta(str(vlm_dir))
    assert local.family == "vlm2vec" and local.uses_instructions and local.embed_dim == 32
    assert local.loader_kwargs["base_model"] == str((vlm_dir.parent / "adapter-base").resolve())
    assert local.n_parameters is not None and local.n_parameters > 10_000  # the base's, not the adapter's


def test_adapter_on_another_base_is_refused(vlm_dir: Path, tmp_path: Path) -> None:
    import json
    import shutil

    other = shutil.copytree(vlm_dir, tmp_path / "other")
    config = json.loads((other / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = "vidore/colpaligemma-3b-pt-448-base"
    (other / "adapter_config.json").write_text(json.dumps(config))
    with pytest.raises(UsageError, match="Qwen2-VL"):
        get_model_meta(str(other))


def _reference(adapter: Path, prompts: list[str], images: list | None, *, merge: bool = True) -> np.ndarray:
    """The reference's construction, one item at a time: processor from the adapter folder, the base model
    with the adapter merged, the last token's final state, L2-normalised."""
    from peft import PeftModel
    from transformers import AutoProcessor, Qwen2VLForConditionalGeneration

    processor = AutoProcessor.from_pretrained(adapter)  # the checkpoint's pixel budget, untouched
    model = Qwen2VLForConditionalGeneration.from_pretrained(adapter.parent / "adapter-base")
    if merge:
        model = PeftModel.from_pretrained(model, adapter).merge_and_unload()
    model.eval()
    rows = []
    with torch.no_grad():
        for i, prompt in enumerate(prompts):
            inputs = processor(
                text=[prompt],
                images=None if images is None else [images[i]],
                padding=True,
                return_tensors="pt",
            )
            hidden = model(**inputs, return_dict=True, output_hidden_states=True).hidden_states[-1]
            rows.append(torch.nn.functional.normalize(hidden[0, -1], dim=-1))
    return torch.stack(rows).numpy()


def test_prompts_instructions_and_adapter_match_reference(
    vlm_dir: Path, family_images: ImageColumn, family_texts: list[str]
) -> None:
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    emb = Embedder(get_model(str(vlm_dir), device="cpu"), batch_size=3, num_workers=0)
    emb.start_task(DOC_TASK, "DocumentUnderstanding", "t2i")
    queries = emb.texts(texts, prompt_type="query")
    np.testing.assert_allclose(
        queries, _reference(vlm_dir, [f"{QUERY_INS} {t}" for t in texts], None), atol=1e-5
    )
    docs = emb.images(family_images, prompt_type="document")
    np.testing.assert_allclose(
        docs, _reference(vlm_dir, [f"<|image_pad|> {DOC_INS}"] * len(pil), pil), atol=1e-5
    )
    emb.start_task("ShapesIT2TRetrieval", "Any2AnyRetrieval", "it2t")  # no instruction defined: none used
    fused = emb.fused(family_images, texts, prompt_type="query")
    np.testing.assert_allclose(
        fused, _reference(vlm_dir, [f"<|image_pad|>  {t}" for t in texts], pil), atol=1e-5
    )
    plain = emb.texts(texts, prompt_type="query")
    np.testing.assert_allclose(plain, _reference(vlm_dir, texts, None), atol=1e-5)
    assert not np.allclose(
        plain, _reference(vlm_dir, texts, None, merge=False), atol=1e-3
    )  # the adapter counts


def _pixels(encoder: Any, size: tuple[int, int]) -> int:
    from PIL import Image

    grid = encoder.processor.image_processor(images=[Image.new("RGB", size)], return_tensors="pt")["image_grid_thw"][0]
    return int(grid[1] * grid[2]) * 14 * 14


def test_pixel_budget_is_the_checkpoints(vlm_dir: Path) -> None:
    """VLM2Vec-V2.0's processor allows 28 * 28 * 1280 = 1,003,520 pixels, which the reference keeps: a page
    of 900 x 700 keeps its resolution (about 630,000 pixels; a 151,200 budget would shrink it 4x), and a
    larger one is brought down to the budget, not below it."""
    encoder = get_model(str(vlm_dir), device="cpu")
    assert 600_000 <= _pixels(encoder, (900, 700)) <= 28 * 28 * 1280
    assert 900_000 <= _pixels(encoder, (2000, 1500)) <= 28 * 28 * 1280
    smaller = get_model(str(vlm_dir), device="cpu", max_pixels=360 * 420)  # an explicit override is recorded
    assert _pixels(smaller, (900, 700)) <= 360 * 420 and smaller.meta.loader_kwargs["max_pixels"] == 360 * 420


def test_contract(vlm_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    encoder = get_model(str(vlm_dir), device="cpu")
    assert encoder.processor.tokenizer.padding_side == "left"  # type: ignore[attr-defined]
    check_contract(encoder, family_images, family_texts, dim=32, normalised=True, fused=True)


def test_instruction_context_is_in_the_cache_key(
    vlm_dir: Path, family_texts: list[str], tmp_path: Path
) -> None:
    encoder = get_model(str(vlm_dir), device="cpu")
    store = EmbeddingCache(tmp_path).store(model_fingerprint(encoder.meta, encoder.precision, "cpu"))

    def run(task: str, prompt_type: str) -> tuple[np.ndarray, int]:
        emb = Embedder(encoder, batch_size=4, num_workers=0, store=store)
        emb.start_task(task, "Any2AnyRetrieval", "t2i")
        out = emb.texts(family_texts, prompt_type=prompt_type)  # type: ignore[arg-type]
        return out, emb.stats.texts_cached

    first, cached = run(DOC_TASK, "query")
    assert cached == 0
    again, cached = run(DOC_TASK, "query")
    assert cached == len(family_texts)
    np.testing.assert_array_equal(again, first)
    for task, side in ((DOC_TASK, "document"), ("ShapesT2IRetrieval", "query")):
        other, cached = run(task, side)
        assert cached == 0 and not np.allclose(other, first, atol=1e-3), (task, side)
