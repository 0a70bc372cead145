"""Processor-driven late-interaction retrievers (`mieb.models.wrappers.colprocessor`): ColQwen3.5 / Vultron
through colpali_engine, and the remote-code layout of Argus, webAI ColVec1 and Granite Vision embedding on a
stand-in (`remote_code/colvision/`: colpali_engine's ColQwen3_5 under its own model_type, forward output
with `.embeddings` like Argus's, or the bare tensor). Tiny random Qwen3.5 checkpoints built here.

Checked: the token sets and scores equal those built the way the reference's wrappers build them (every
batch's zero-masked rows, zero-padded over the whole encode call, scored with colpali_engine's
`score_multi_vector`), batch invariance, image-only fusion for ColQwen3.5, the remote-code consent gate,
the processor's visual-token budget reaching the processor, and the cards.
Needs the `colpali` extra (colpali_engine, torchvision); skipped without it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("colpali_engine")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from model_builders import make_tiny_colqwen35  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.errors import UsageError  # noqa: E402
from mieb.models.encoder import MultiVector  # noqa: E402
from mieb.models.meta import ModelMeta  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402


@pytest.fixture(scope="module")
def pages() -> ImageColumn:
    """Noisy pages of different shapes, so their visual token counts differ (4 to 16 tokens on the tiny
    checkpoint's 32 px grid)."""
    from datasets import Dataset, Features, Image
    from helpers import solid_image

    sizes = [(64, 64), (140, 40), (96, 128), (50, 180), (128, 128), (70, 90)]
    raws = [{"bytes": solid_image((40 * i, 200 - 30 * i, 90), size=s, noise=60, seed=i), "path": None}
            for i, s in enumerate(sizes)]
    return ImageColumn(Dataset.from_dict({"image": raws}, features=Features({"image": Image()})), "image")


@pytest.fixture(scope="module")
def colqwen35_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_colqwen35(tmp_path_factory.mktemp("tiny-colqwen35"))


@pytest.fixture(scope="module")
def remote_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_colqwen35(tmp_path_factory.mktemp("tiny-colvision"), remote="colvision")


def local_card(name: str, folder: Path, **loader_kwargs: object) -> ModelMeta:
    meta = get_model_meta(name)
    return meta.model_copy(update={"weights": str(folder), "revision": None,
                                   "loader_kwargs": {**meta.loader_kwargs, **loader_kwargs}})


def reference_encode(batches: list[list], process: Callable[[list], dict], model: torch.nn.Module) -> torch.Tensor:
    """mteb's wrappers: extend with every batch's rows (zeros where the batch padded), pad_sequence over the
    whole call. On the CPU, eager attention leaves NaN in left-padded rows that have nothing to attend to
    (zero on the GPU kernels the reference ran on); the model's mask multiplication is meant to zero them."""
    rows: list[torch.Tensor] = []
    for batch in batches:
        inputs = process(batch)
        out = model(**inputs).float()
        mask = inputs["attention_mask"].bool()[..., None]
        assert torch.isfinite(out[mask.expand_as(out)]).all()
        rows.extend(torch.where(mask, out, 0.0))
    return torch.nn.utils.rnn.pad_sequence(rows, batch_first=True, padding_value=0)


def test_cards() -> None:
    for name in ("athrael-soju/colqwen3.5-4.5B-v3", "vultr/VultronRetrieverFlash-Qwen3.5-0.8B"):
        meta = get_model_meta(name)
        assert meta.similarity == "max_sim" and meta.fusion == "joint" and meta.extra == "colpali"
        assert meta.precision == "bf16" and meta.loader_kwargs["fused"] == "image"
    assert get_model_meta("athrael-soju/colqwen3.5-4.5B-v3").revision == "fe68094c22e6e956190086d610b058263e562002"
    argus = get_model_meta("DataScience-UIBK/Argus-Colqwen3.5-4b-v0-bf16")
    assert argus.trust_remote_code and argus.fusion is None and argus.embed_dim == 1024
    assert argus.loader_kwargs["processor_kwargs"] == {"max_num_visual_tokens": 2048}
    assert argus.precision == "bf16" and get_model_meta("DataScience-UIBK/Argus-Colqwen3.5-2b-v0").precision == "fp32"
    assert get_model_meta("webAI-Official/webAI-ColVec1-9b").embed_dim == 2560
    assert get_model_meta("ibm-granite/granite-vision-3.3-2b-embedding").precision == "fp16"
    slm = get_model_meta("VAGOsolutions/SauerkrautLM-ColLFM2-450M-v0.1")
    assert slm.extra == "sauerkraut" and slm.loader_kwargs["model_class"].endswith("collfm2:ColLFM2")


def test_scores_equal_reference_built_inputs(colqwen35_dir: Path, pages: ImageColumn,
                                             family_texts: list[str]) -> None:
    from colpali_engine.models import ColQwen3_5, ColQwen3_5Processor

    model = ColQwen3_5.from_pretrained(colqwen35_dir, dtype=torch.float32).eval()
    proc = ColQwen3_5Processor.from_pretrained(colqwen35_dir)
    pil = [decode(pages.raw(i)) for i in range(len(pages))]
    texts = list(family_texts)
    with torch.no_grad():
        ref_txt = reference_encode([texts[i : i + 4] for i in range(0, len(texts), 4)], proc.process_queries, model)
        ref_img = reference_encode([pil[i : i + 4] for i in range(0, len(pil), 4)], proc.process_images, model)
    encoder = get_model(local_card("vultr/VultronRetrieverFlash-Qwen3.5-0.8B", colqwen35_dir), device="cpu")
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    txt, img = emb.texts(texts, prompt_type="query"), emb.images(pages, prompt_type="document")
    assert isinstance(img, MultiVector) and len(set(img.lengths.tolist())) > 1  # pages of different sizes
    assert img.padded_to.tolist() == [ref_img.shape[1]] * len(pil)
    for i in range(len(pil)):  # the same tokens (the reference's rows are left-padded with zeros)
        ref_tokens = ref_img[i][ref_img[i].abs().sum(-1) > 0].numpy()
        np.testing.assert_allclose(img.values[i, : img.lengths[i]], ref_tokens, atol=1e-5)
    for q, d, ref_q, ref_d in ((txt, img, ref_txt, ref_img), (img, txt, ref_img, ref_txt)):
        np.testing.assert_allclose(encoder.similarity(q, d).numpy(),
                                   proc.score_multi_vector(ref_q, ref_d, device="cpu").numpy(), atol=1e-4)
    # Image+text inputs: the reference's ColQwen3.5 wrapper encodes the image alone.
    fused = emb.fused(pages, texts[: len(pil)], prompt_type="document")
    np.testing.assert_allclose(fused.values, img.values, atol=1e-6)


def test_contract(colqwen35_dir: Path, pages: ImageColumn, family_texts: list[str]) -> None:
    encoder = get_model(local_card("athrael-soju/colqwen3.5-4.5B-v3", colqwen35_dir), device="cpu")
    out = check_contract(encoder, pages, family_texts, dim=128, normalised=None, batch_sizes=(1, 3, 8))
    q = out["text"]
    valid = np.arange(q.values.shape[1])[None] < q.lengths[:, None]
    np.testing.assert_allclose(np.linalg.norm(q.values[valid], axis=-1), 1.0, atol=1e-4)  # unit token vectors


def test_remote_code_needs_consent(remote_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import transformers

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("nothing may be loaded before consent")

    monkeypatch.setattr(transformers.AutoModel, "from_pretrained", boom)
    for name in ("DataScience-UIBK/Argus-Colqwen3.5-2b-v0", "webAI-Official/webAI-ColVec1-4b",
                 "ibm-granite/granite-vision-3.3-2b-embedding"):
        with pytest.raises(UsageError, match="--trust-remote-code"):
            get_model(local_card(name, remote_dir))


def test_remote_code_layout_matches_reference(remote_dir: Path, colqwen35_dir: Path, pages: ImageColumn,
                                              family_texts: list[str]) -> None:
    """Argus's loading path (AutoModel / AutoProcessor with remote code, `.embeddings`, the processor's visual
    budget) gives the same token sets as the same weights through colpali_engine."""
    from transformers import AutoProcessor

    plain = get_model(local_card("vultr/VultronRetrieverFlash-Qwen3.5-0.8B", colqwen35_dir), device="cpu")
    argus = get_model(local_card("DataScience-UIBK/Argus-Colqwen3.5-2b-v0", remote_dir), device="cpu",
                      trust_remote_code=True)
    assert type(argus.processor).__name__ == "ColVisionProcessor"
    # The card's budget (2048 visual tokens) reached the processor: 2048 x 32 x 32 pixels at most.
    assert argus.processor.image_processor.max_pixels == 2048 * 32 * 32
    for enc in (plain, argus):
        enc.processor.image_processor.max_pixels = 32 * 32 * 16  # the tiny checkpoint's own budget
        enc.processor.image_processor.size["longest_edge"] = 32 * 32 * 16
    ea, eb = (Embedder(e, batch_size=4, num_workers=0) for e in (plain, argus))
    np.testing.assert_allclose(eb.images(pages).values, ea.images(pages).values, atol=1e-5)
    np.testing.assert_allclose(eb.texts(family_texts).values, ea.texts(family_texts).values, atol=1e-5)
    small = AutoProcessor.from_pretrained(remote_dir, trust_remote_code=True, max_num_visual_tokens=4)
    assert small.image_processor.max_pixels == 4 * 32 * 32


def test_bare_tensor_output_and_no_fusion(tmp_path: Path, pages: ImageColumn, family_texts: list[str]) -> None:
    folder = make_tiny_colqwen35(tmp_path / "colvec", remote="colvision", output_object=False)
    encoder = get_model(local_card("webAI-Official/webAI-ColVec1-4b", folder), device="cpu", trust_remote_code=True)
    out = check_contract(encoder, pages, family_texts, dim=128, normalised=None, batch_sizes=(1, 4))
    assert isinstance(out["image"], MultiVector)
    from mieb.errors import ModelOutputError

    with pytest.raises(ModelOutputError, match="no image\\+text fusion"):
        Embedder(encoder, batch_size=4, num_workers=0).fused(pages, family_texts[: len(pages)])


def test_sauerkraut_colqwen3(tmp_path: Path, pages: ImageColumn, family_texts: list[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    """SauerkrautLM's own package (the `sauerkraut` extra): its ColQwen3 and ColQwen3Processor, the latter given
    the component signature transformers 5 needs, against reference-built token sets and scores."""
    pytest.importorskip("sauerkrautlm_colpali")
    from model_builders import make_tiny_sauerkraut_colqwen3
    from sauerkrautlm_colpali.models.qwen3.colqwen3 import ColQwen3, ColQwen3Processor

    from mieb.models.wrappers.colprocessor import with_component_signature

    folder = make_tiny_sauerkraut_colqwen3(tmp_path / "slm")
    model = ColQwen3.from_pretrained(folder, dtype=torch.float32).eval()
    proc = with_component_signature(ColQwen3Processor).from_pretrained(folder)
    pil = [decode(pages.raw(i)) for i in range(len(pages))]
    texts = list(family_texts)
    with torch.no_grad():
        ref_txt = reference_encode([texts[i : i + 4] for i in range(0, len(texts), 4)], proc.process_queries, model)
        ref_img = reference_encode([pil[i : i + 4] for i in range(0, len(pil), 4)], proc.process_images, model)
    encoder = get_model(local_card("VAGOsolutions/SauerkrautLM-ColQwen3-2b-v0.1", folder), device="cpu")
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    txt, img = emb.texts(texts, prompt_type="query"), emb.images(pages, prompt_type="document")
    assert len(set(img.lengths.tolist())) > 1
    np.testing.assert_allclose(encoder.similarity(txt, img).numpy(),
                               proc.score(ref_txt, ref_img, device="cpu").numpy(), atol=1e-4)
    check_contract(encoder, pages, texts, dim=128, normalised=None, batch_sizes=(1, 4))
    # The package's loaders drop revisions: mieb downloads the card's revision and hands over the folder.
    import huggingface_hub

    calls = []

    def snapshot(repo_id: str, revision: str | None = None, **kw: object) -> str:
        calls.append((repo_id, revision))
        return str(folder)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot)
    hub_card = get_model_meta("VAGOsolutions/SauerkrautLM-ColQwen3-2b-v0.1")
    get_model(hub_card, device="cpu")
    assert calls == [(hub_card.name, hub_card.revision)]


def test_component_signature_only_where_needed() -> None:
    from colpali_engine.models import ColQwen3_5Processor

    from mieb.models.wrappers.colprocessor import with_component_signature

    assert with_component_signature(ColQwen3_5Processor) is ColQwen3_5Processor  # explicit signature already
    assert with_component_signature(int) is int
