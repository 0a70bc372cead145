"""TomoroAI's tomoro-colqwen3-embed and OpenSearch-AI's Ops-Colqwen3 through mieb's remote-code loading path,
on tiny checkpoints around the stand-in code in `remote_code/colqwen3/` (a tiny Qwen3-VL inside).

Needs the `colqwen3` extra (torchvision, for Qwen3-VL's processor); skipped cleanly without it. Checks the
consent gate, the inputs the reference builds (mteb's `ColQwen3Wrapper` / `OpsColQwen3Wrapper`: the
processor's own calls, each encode call's outputs zero-padded together) scored against an independent
MaxSim, the padding masks, the image budget, image+text inputs, and the shared contract across batch sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("torchvision")
pytestmark = pytest.mark.extras

from colvision_builders import make_tiny_colqwen3  # noqa: E402
from contract import check_contract  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.errors import ModelOutputError, UsageError  # noqa: E402
from mieb.models.encoder import MultiVector  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402


@pytest.fixture(scope="module", params=["tomoro", "ops"])
def checkpoint(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    return request.param, make_tiny_colqwen3(tmp_path_factory.mktemp(f"tiny-{request.param}"), variant=request.param)


def _padded_maxsim(q: torch.Tensor, d: torch.Tensor) -> np.ndarray:
    """The reference's arithmetic on its zero-padded tensors, in float64: no mask, max then sum."""
    q64, d64 = q.double().numpy(), d.double().numpy()
    return np.einsum("qtd,nsd->qnts", q64, d64).max(axis=3).sum(axis=2)


def _reference_encode(batches: list, run: Callable[[list], torch.Tensor]) -> torch.Tensor:
    rows: list[torch.Tensor] = []
    for batch in batches:
        rows.extend(torch.nan_to_num(run(batch).float(), nan=0.0))
    return torch.nn.utils.rnn.pad_sequence(rows, batch_first=True, padding_value=0)


def test_cards() -> None:
    tomoro = get_model_meta("TomoroAI/tomoro-colqwen3-embed-8b")
    assert tomoro.loader_kwargs == {"max_num_visual_tokens": 1280} and tomoro.precision == "bf16"
    assert tomoro.fusion == "joint" and tomoro.embed_dim == 320
    ops = get_model_meta("OpenSearch-AI/Ops-Colqwen3-4B")
    assert ops.loader_kwargs == {} and ops.precision == "fp16" and ops.fusion is None and ops.embed_dim == 2560
    for meta in (tomoro, ops):
        assert meta.trust_remote_code and meta.extra == "colqwen3" and meta.similarity == "max_sim"


def test_scores_equal_reference_construction(
    checkpoint: tuple[str, Path], family_images: ImageColumn, family_texts: list[str]
) -> None:
    from transformers import AutoModel, AutoProcessor

    variant, folder = checkpoint
    tomoro = variant == "tomoro"
    model = AutoModel.from_pretrained(folder, trust_remote_code=True).eval()
    proc = AutoProcessor.from_pretrained(folder, trust_remote_code=True,
                                         **({"max_num_visual_tokens": 1280} if tomoro else {}))
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = list(family_texts)

    def run(inputs: dict) -> torch.Tensor:
        out = model(**inputs)
        return out.embeddings if tomoro else out

    with torch.no_grad():
        text_inputs = (lambda b: proc(images=None, text=b)) if tomoro else proc.process_queries
        image_inputs = (lambda b: proc(images=b, text=None)) if tomoro else proc.process_images
        ref_txt = _reference_encode([texts[i : i + 4] for i in range(0, len(texts), 4)], lambda b: run(text_inputs(b)))
        ref_img = _reference_encode([pil[i : i + 4] for i in range(0, len(pil), 4)], lambda b: run(image_inputs(b)))
    with pytest.raises(UsageError, match="--trust-remote-code"):
        get_model(str(folder), device="cpu")
    encoder = get_model(str(folder), device="cpu", trust_remote_code=True)
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    txt, img = emb.texts(texts), emb.images(family_images)
    for mine, ref in ((txt, ref_txt), (img, ref_img)):
        assert isinstance(mine, MultiVector)
        assert mine.lengths.tolist() == (ref.abs().sum(-1) > 0).sum(1).tolist()  # exactly the attended tokens
        assert mine.padded_to.tolist() == [ref.shape[1]] * len(ref)
    assert len(set(txt.lengths.tolist())) > 1 and len(set(img.lengths.tolist())) > 1
    for q, d, ref_q, ref_d in ((txt, img, ref_txt, ref_img), (img, txt, ref_img, ref_txt)):
        np.testing.assert_allclose(encoder.similarity(q, d).numpy(), _padded_maxsim(ref_q, ref_d), rtol=1e-5,
                                   atol=1e-4)
    if tomoro:  # image+text inputs: one joint prompt per item, as the processor builds it
        with torch.no_grad():
            ref_fused = _reference_encode([list(zip(pil, texts, strict=True))[i : i + 4] for i in range(0, len(pil), 4)],
                                          lambda b: run(proc(images=[p for p, _ in b], text=[t for _, t in b])))
        fused = emb.fused(family_images, texts)
        np.testing.assert_allclose(encoder.similarity(txt, fused).numpy(), _padded_maxsim(ref_txt, ref_fused),
                                   rtol=1e-5, atol=1e-4)
    else:  # the reference adds the two token tensors elementwise; mieb declares no fusion instead
        with pytest.raises(ModelOutputError, match="no image\\+text fusion"):
            emb.fused(family_images, texts)


@pytest.mark.parametrize("checkpoint", ["tomoro"], indirect=True)  # only Tomoro's processor takes a cap
def test_image_budget(checkpoint: tuple[str, Path], family_images: ImageColumn) -> None:
    folder = checkpoint[1]
    encoder = get_model(str(folder), device="cpu", trust_remote_code=True)
    assert encoder.processor.image_processor.max_pixels == 1280 * 32 * 32
    small = get_model(str(folder), device="cpu", trust_remote_code=True, max_num_visual_tokens=1)
    assert small.meta.loader_kwargs["max_num_visual_tokens"] == 1  # recorded in the results' card
    img = Embedder(small, batch_size=4, num_workers=0).images(family_images)
    full = Embedder(encoder, batch_size=4, num_workers=0).images(family_images)
    assert (img.lengths <= full.lengths).all() and (img.lengths < full.lengths).any()


def test_contract_across_batch_sizes(
    checkpoint: tuple[str, Path], family_images: ImageColumn, family_texts: list[str]
) -> None:
    variant, folder = checkpoint
    encoder = get_model(str(folder), device="cpu", trust_remote_code=True)
    assert encoder.precision == "fp32" and next(encoder.model.parameters()).dtype == torch.float32
    out = check_contract(encoder, family_images, family_texts, dim=320 if variant == "tomoro" else 32,
                         normalised=None, fused=variant == "tomoro", batch_sizes=(1, 3, 8))
    for key, mv in out.items():
        valid = np.arange(mv.values.shape[1])[None] < mv.lengths[:, None]
        np.testing.assert_allclose(np.linalg.norm(mv.values[valid], axis=-1), 1.0, atol=1e-4, err_msg=key)
