"""ColQwen2, ColQwen2.5 (vidore, ColNomic, EvoQwen) and ColSmol (ColIdefics3) through colpali_engine's loading
path on tiny random checkpoints.

Needs the `colpali` extra; skipped cleanly without it. For each architecture: the local-folder card, the
query and page inputs the reference (mteb's `ColPaliEngineWrapper`) builds, its padding (each batch's masked
outputs, zero-padded over the whole encode call) scored by colpali_engine's own `processor.score` against
mieb's MaxSim, the padding masks, the shared contract across batch sizes, and the precision the weights load in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("colpali_engine")
pytestmark = pytest.mark.extras

from colvision_builders import make_tiny_colqwen, make_tiny_colsmol  # noqa: E402
from contract import check_contract  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.metrics.retrieval import search_top_k  # noqa: E402
from mieb.models.encoder import MultiVector  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402

BUILDERS: dict[str, Callable[[Path], Path]] = {
    "ColQwen2": lambda p: make_tiny_colqwen(p, version="2"),
    "ColQwen2_5": lambda p: make_tiny_colqwen(p, version="2.5"),
    "ColIdefics3": make_tiny_colsmol,
}
PROCESSORS = {"ColQwen2": "ColQwen2Processor", "ColQwen2_5": "ColQwen2_5_Processor",
              "ColIdefics3": "ColIdefics3Processor"}


@pytest.fixture(scope="module", params=list(BUILDERS))
def checkpoint(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    arch = request.param
    return arch, BUILDERS[arch](tmp_path_factory.mktemp(f"tiny-{arch}"))


def _reference_encode(batches: list[list], run: Callable[[list], torch.Tensor]) -> torch.Tensor:
    """mteb's get_text_embeddings / get_image_embeddings: every batch's rows (zeros where the batch padded),
    then pad_sequence(padding_value=0) over the whole call. NaN in rows the model masks (CPU SDPA on fully
    masked left-padding rows; `* attention_mask` cannot zero a NaN) are zeroed as the model intends."""
    rows: list[torch.Tensor] = []
    for batch in batches:
        rows.extend(torch.nan_to_num(run(batch).float(), nan=0.0))
    return torch.nn.utils.rnn.pad_sequence(rows, batch_first=True, padding_value=0)


def test_published_cards_use_their_architecture() -> None:
    for name, arch in (("vidore/colqwen2-v1.0", "ColQwen2"), ("vidore/colqwen2.5-v0.2", "ColQwen2_5"),
                       ("nomic-ai/colnomic-embed-multimodal-7b", "ColQwen2_5"),
                       ("ApsaraStackMaaS/EvoQwen2.5-VL-Retriever-3B-v1", "ColQwen2_5"),
                       ("vidore/colSmol-256M", "ColIdefics3")):
        meta = get_model_meta(name)
        assert meta.loader_kwargs == {"architecture": arch, "query_prefix": "Query: "} and meta.precision == "fp16"
        assert meta.similarity == "max_sim" and meta.fusion == "concat" and meta.extra == "colpali"


def test_local_folder_card(checkpoint: tuple[str, Path]) -> None:
    arch, folder = checkpoint
    meta = get_model_meta(str(folder))
    assert meta.loader_kwargs["architecture"] == arch
    assert meta.family == ("colsmol" if arch == "ColIdefics3" else "colqwen")
    assert meta.n_parameters is not None and meta.n_parameters > 10_000


def test_scores_equal_colpali_engine_on_reference_built_inputs(
    checkpoint: tuple[str, Path], family_images: ImageColumn, family_texts: list[str]
) -> None:
    import colpali_engine.models as cm

    arch, folder = checkpoint
    model = getattr(cm, arch).from_pretrained(folder).eval()
    proc = getattr(cm, PROCESSORS[arch]).from_pretrained(folder)  # the processor's own (left) padding
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = list(family_texts)
    aug = proc.query_augmentation_token * 10
    with torch.no_grad():
        ref_txt = _reference_encode([texts[i : i + 4] for i in range(0, len(texts), 4)],
                                    lambda b: model(**proc.process_texts(["Query: " + t + aug for t in b])))
        ref_img = _reference_encode([pil[i : i + 4] for i in range(0, len(pil), 4)],
                                    lambda b: model(**proc.process_images(b)))
    encoder = get_model(str(folder), device="cpu")
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    txt, img = emb.texts(texts), emb.images(family_images)
    for mine, ref in ((txt, ref_txt), (img, ref_img)):
        assert isinstance(mine, MultiVector)
        # Padding masks: an item keeps exactly its attended tokens; its padded width is the whole call's.
        assert mine.lengths.tolist() == (ref.abs().sum(-1) > 0).sum(1).tolist()
        assert mine.padded_to.tolist() == [ref.shape[1]] * len(ref)
    assert len(set(txt.lengths.tolist())) > 1 and len(set(img.lengths.tolist())) > 1  # padding happens
    # MaxSim against colpali_engine's scorer on the reference's tensors, both directions (the shorter
    # documents' zero tokens floor their scores as the reference's do), and image+text documents, which
    # the reference builds by concatenating the padded text and image tensors.
    fused = emb.fused(family_images, texts)
    for q, d, ref_q, ref_d in ((txt, img, ref_txt, ref_img), (img, txt, ref_img, ref_txt),
                               (img, fused, ref_img, torch.cat([ref_txt, ref_img], dim=1))):
        np.testing.assert_allclose(encoder.similarity(q, d).numpy(), proc.score(ref_q, ref_d, device="cpu").numpy(),
                                   rtol=1e-5, atol=1e-4)
    ref = proc.score(ref_txt, ref_img, device="cpu").numpy()
    idx, _ = search_top_k(txt, img, 3, similarity=encoder.similarity)
    np.testing.assert_array_equal(idx, np.argsort(-ref, axis=1, kind="stable")[:, :3])


def test_contract_across_batch_sizes(
    checkpoint: tuple[str, Path], family_images: ImageColumn, family_texts: list[str]
) -> None:
    encoder = get_model(str(checkpoint[1]), device="cpu")
    out = check_contract(encoder, family_images, family_texts, dim=128, normalised=None, fused=True,
                         batch_sizes=(1, 3, 8))
    for key, mv in out.items():
        assert isinstance(mv, MultiVector), key
        valid = np.arange(mv.values.shape[1])[None] < mv.lengths[:, None]
        np.testing.assert_allclose(np.linalg.norm(mv.values[valid], axis=-1), 1.0, atol=1e-4)  # unit tokens
        assert not mv.values[~valid].any()  # padding is exact zeros


def test_precision_is_the_weights_dtype(checkpoint: tuple[str, Path]) -> None:
    encoder = get_model(str(checkpoint[1]), device="cpu")  # the card's fp16 applies on CUDA; fp32 here
    assert encoder.precision == "fp32" and next(encoder.model.parameters()).dtype == torch.float32
    encoder = get_model(str(checkpoint[1]), device="cpu", precision="bf16")
    assert encoder.precision == "bf16" and next(encoder.model.parameters()).dtype == torch.bfloat16
    with encoder.autocast():  # no autocast: the model computes in its weights' dtype, as the reference's
        assert not torch.is_autocast_enabled("cpu")


def test_runner_scores_identical_across_batch_and_block_sizes(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A ViDoRe-like offline task (text queries, rendered pages) run end to end with a tiny ColQwen2 at
    encode batch sizes 1, 5 and 32 and MaxSim blocks from a few pages to the default budget (all at once):
    every score in the result files is the same, and each file records the MaxSim settings it ran with."""
    import json

    from mieb.runner.run import MIEB

    folder = make_tiny_colqwen(tmp_path_factory.mktemp("tiny-colqwen2-runs"), version="2")
    task = "ShapesDocumentRetrieval"
    runs = []
    for batch_size, block_bytes in ((1, None), (5, 3_200_000), (32, 6_000_000)):
        out = tmp_path_factory.mktemp(f"run-{batch_size}")
        encoder = get_model(str(folder), device="cpu")
        encoder.maxsim_block_bytes = block_bytes
        report = MIEB([task]).run(encoder, output_folder=out, progress=False, cache=False,
                                  encode_kwargs={"batch_size": batch_size, "num_workers": 0})
        assert report.ok
        runs.append(json.loads(next(out.rglob(f"{task}.json")).read_text()))
    scores = [r["scores"] for r in runs]
    assert scores[1] == scores[0] and scores[2] == scores[0]
    records = [r["mieb"]["run"]["maxsim"] for r in runs]
    assert {r["padding"] for r in records} == {"reference"} and all(r["score_dtype"] == "float32" for r in records)
    assert "memory_fraction" in records[0] and records[1]["block_bytes"] == 3_200_000
    assert records[1]["blocks"] > records[2]["blocks"] > 0 and records[1]["max_document_vectors_per_block"] < \
        records[0]["max_document_vectors_per_block"]


def test_hub_weights_revision_pins_full_checkpoints_and_adapters(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    """A hub adapter is pinned through adapter_kwargs (its base comes from the adapter config, as in the
    reference); a full checkpoint at the card's revision (the reference passes none there); a local folder
    needs neither."""
    import transformers.utils

    from mieb.models.wrappers.colpali import _weights_revision

    asked: list[tuple[str, str | None]] = []

    def adapters_only(repo: str, revision: str | None = None, **kw: object) -> str | None:
        asked.append((repo, revision))
        return "adapter_config.json" if repo.endswith("adapter") else None

    monkeypatch.setattr(transformers.utils, "find_adapter_config_file", adapters_only)
    assert _weights_revision("org/an-adapter", "abc") == {"adapter_kwargs": {"revision": "abc"}}
    assert _weights_revision("org/full-weights", "def") == {"revision": "def"}
    assert asked == [("org/an-adapter", "abc"), ("org/full-weights", "def")]
    assert _weights_revision(str(tmp_path), None) == {}
