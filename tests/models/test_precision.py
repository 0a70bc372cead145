"""Default precision on the model card: the reference's per family, overridable, and recorded in results.

The family table is what mteb 2.26.24's wrappers do (model_implementations/): no dtype and no autocast for
transformers CLIP, SigLIP, DINOv2, BLIP, ALIGN, Nomic, Jina-CLIP and E5-V; `torch.cuda.amp.autocast()`
around open_clip and EVA-CLIP encoding; `torch_dtype=float16` for ColPali; `torch_dtype=torch.bfloat16` for
VLM2Vec-V2.0; `torch_dtype=float16` for ColQwen2/2.5 (with ColNomic, EvoQwen) and ColSmol, `dtype=bfloat16`
for Tomoro's ColQwen3 and `dtype=float16` for Ops-Colqwen3.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from fake_models import ColourOracle, colour_meta
from local_tasks import colour_zeroshot

from mieb.data.images import ImageColumn
from mieb.models.encoder import resolve_precision
from mieb.models.registry import get_model, get_model_metas
from mieb.runner.embedder import Embedder
from mieb.runner.run import MIEB

REFERENCE_PRECISION = {
    "clip": "fp32", "siglip": "fp32", "dinov2": "fp32", "blip": "fp32", "align": "fp32",
    "nomic-vision": "fp32", "jina-clip": "fp32", "e5-v": "fp32",
    "openclip": "fp16-mixed", "evaclip": "fp16-mixed", "colpali": "fp16", "vlm2vec": "bf16",
    "colqwen": "fp16", "colsmol": "fp16", "tomoro-colqwen3": "bf16", "ops-colqwen3": "fp16",
    # DINOv3 (DINOModel: no dtype), timm/MoCo v3 (float32, on the CPU), BLIP-2 (LAVIS model `.float()`).
    "dinov3": "fp32", "timm": "fp32", "blip2": "fp32",
    # BGE-VL base / large: sentence-transformers in the checkpoints' bfloat16 (the reference card's output dtype).
    "bge-vl": "bf16",
    # EBind: its package autocasts its backbones to bfloat16; Visualized BGE: Visualized_BGE in float32.
    "ebind": "bf16-mixed", "visualized-bge": "fp32",
    # multimodal LLMs: torch_dtype in the wrapper (LCO-Embedding, OmniEmbed, GME), else the reference card's
    # output dtype (the checkpoint's own dtype, which transformers 5 loads by default)
    "lco-embedding": "bf16", "e5-omni": "bf16", "omniembed": "bf16", "bidirlm-omni": "bf16",
    "jina-v5-omni": "bf16", "qwen3-vl-embedding": "bf16", "bge-vl-mllm": "fp16", "gme": "fp16",
    # Zoo part 3: the weights' dtype the reference's wrappers load (torch_dtype / dtype), fp32 where none.
    "colqwen3.5": "bf16", "webai-colvec1": "bf16", "granite-vision": "fp16", "sauerkraut-colpali": "bf16",
    "nemotron-colembed": "bf16", "jina-v4": "bf16", "eager-embed": "fp16", "nanovdr": "fp32",
    "sentence-transformers": "fp32", "bm25": "fp32",
}
# Per checkpoint where a family's differ. Argus is loaded without a dtype (transformers 5: the checkpoint's own);
# the reference's memory figures give 2 bytes a parameter for 4b and the -bf16 twins, 4 for 2b and 9b.
REFERENCE_PRECISION_BY_MODEL = {
    "DataScience-UIBK/Argus-Colqwen3.5-2b-v0": "fp32", "DataScience-UIBK/Argus-Colqwen3.5-9b-v0": "fp32",
    "DataScience-UIBK/Argus-Colqwen3.5-4b-v0": "bf16", "DataScience-UIBK/Argus-Colqwen3.5-2b-v0-bf16": "bf16",
    "DataScience-UIBK/Argus-Colqwen3.5-4b-v0-bf16": "bf16", "DataScience-UIBK/Argus-Colqwen3.5-9b-v0-bf16": "bf16",
    "codefuse-ai/F2LLM-v2-80M": "bf16",
}


def test_every_card_carries_its_familys_reference_precision() -> None:
    seen = set()
    for meta in get_model_metas():
        if meta.name in REFERENCE_PRECISION_BY_MODEL:
            assert meta.precision == REFERENCE_PRECISION_BY_MODEL[meta.name], meta.name
        elif meta.family in REFERENCE_PRECISION:
            assert meta.precision == REFERENCE_PRECISION[meta.family], meta.name
            seen.add(meta.family)
        elif meta.open_weights:  # a new family must state its precision here, checked against the reference
            pytest.fail(f"{meta.name}: family {meta.family!r} has no reference precision in this test")
    assert seen == set(REFERENCE_PRECISION)


@pytest.mark.parametrize("default", ["fp32", "fp16", "bf16", "fp16-mixed", "bf16-mixed"])
def test_auto_is_the_cards_precision_on_cuda_and_fp32_elsewhere(default: str) -> None:
    assert resolve_precision(None, torch.device("cuda"), default) == (default, None)  # type: ignore[arg-type]
    assert resolve_precision("auto", torch.device("cuda:1"), default) == (default, None)  # type: ignore[arg-type]
    ran, note = resolve_precision("auto", torch.device("cpu"), default)  # type: ignore[arg-type]
    assert ran == "fp32"
    assert (note is None) == (default == "fp32")
    if note:
        assert default in note and "cpu" in note
    for asked in ("fp32", "fp16", "bf16", "fp16-mixed", "bf16-mixed"):  # an explicit choice always runs
        assert resolve_precision(asked, torch.device("cpu"), default) == (asked, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fp16-mixed"):
        resolve_precision("half", torch.device("cpu"), default)  # type: ignore[arg-type]


def test_half_weights_load_in_that_dtype_and_take_float32_prepared_images(tiny_clip_dir: Path) -> None:
    from helpers import solid_image

    images = ImageColumn([{"bytes": solid_image((40 * i, 200 - 30 * i, 90), noise=30, seed=i), "path": None}
                          for i in range(6)])
    full = Embedder(get_model(str(tiny_clip_dir), device="cpu"), batch_size=3, num_workers=0).images(images)
    bf16 = get_model(str(tiny_clip_dir), device="cpu", precision="bf16")
    assert bf16.precision == "bf16" and bf16.weights_dtype == torch.bfloat16
    assert next(bf16.model.parameters()).dtype == torch.bfloat16  # type: ignore[attr-defined]
    half = Embedder(bf16, batch_size=3, num_workers=0).images(images)
    assert half.dtype == np.float32 and not np.array_equal(half, full)
    np.testing.assert_allclose(half, full, atol=0.1)
    mixed = get_model(str(tiny_clip_dir), device="cpu", precision="bf16-mixed")
    assert next(mixed.model.parameters()).dtype == torch.float32  # type: ignore[attr-defined]
    assert not np.array_equal(Embedder(mixed, batch_size=3, num_workers=0).images(images), full)


def test_results_record_what_ran_and_the_cards_default(tmp_path: Path) -> None:
    card = colour_meta().model_copy(update={"precision": "fp16-mixed"})
    MIEB([colour_zeroshot(tmp_path)]).run(ColourOracle(card, precision=None), output_folder=tmp_path / "out", progress=False,
                                          cache=False, encode_kwargs={"num_workers": 0})
    run = json.loads(next((tmp_path / "out").rglob("ColourZeroShot.json")).read_text())["mieb"]["run"]
    assert run["precision"] == "fp32" and run["card_precision"] == "fp16-mixed"
    assert "applies on CUDA" in run["precision_note"]
    meta = json.loads(next((tmp_path / "out").rglob("model_meta.json")).read_text())
    assert meta["precision"] == "fp16-mixed"


@pytest.mark.parametrize("asked,ran", [("bf16", "bf16"), ("auto", "fp32")])
def test_the_cli_precision_overrides_the_card_and_the_result_records_it(asked: str, ran: str, tmp_path: Path) -> None:
    """`mieb run --precision` reaches the loaded model; the result names what ran and the card's default."""
    from mieb.cli import main

    out = tmp_path / "out"
    assert main(["run", "-t", "ShapesZeroShot", "-m", "mieb/tiny-clip-shapes", "--precision", asked,
                 "--output-folder", str(out), "--no-progress", "--no-cache", "--device", "cpu"]) == 0
    result = json.loads(next(out.rglob("ShapesZeroShot.json")).read_text())
    assert result["mieb"]["run"]["precision"] == ran and result["mieb"]["run"]["card_precision"] == "fp32"
