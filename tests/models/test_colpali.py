"""ColPali (multi-vector, MaxSim) through colpali_engine's loading path on a tiny random PaliGemma.

Needs the `colpali` extra; skipped cleanly without it. Checks the MultiVector outputs, and that mieb's scores
equal colpali_engine's own `processor.score` applied to embeddings built the way the reference (mteb's
ColPaliEngineWrapper) builds them: each batch's zero-masked outputs, zero-padded over the whole encode call.
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
from model_builders import make_tiny_colpali  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.metrics.retrieval import search_top_k  # noqa: E402
from mieb.models.encoder import MultiVector  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402


@pytest.fixture(scope="module")
def colpali_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_colpali(tmp_path_factory.mktemp("tiny-colpali"))


def _reference_encode(batches: list[list], run: Callable[[list], torch.Tensor]) -> torch.Tensor:
    """mteb's get_text_embeddings / get_image_embeddings: extend with every batch's rows (zeros where the
    batch padded), then pad_sequence(padding_value=0) over the whole call."""
    rows: list[torch.Tensor] = []
    for batch in batches:
        rows.extend(run(batch).float())
    return torch.nn.utils.rnn.pad_sequence(rows, batch_first=True, padding_value=0)


def test_cards() -> None:
    meta = get_model_meta("vidore/colpali-v1.3")
    assert meta.similarity == "max_sim" and meta.fusion == "concat" and meta.embed_dim == 128
    assert meta.loader_kwargs == {"architecture": "ColPali", "query_prefix": "Query: "} and meta.precision == "fp16"


def test_scores_equal_colpali_engine_on_reference_built_inputs(
    colpali_dir: Path, family_images: ImageColumn, family_texts: list[str]
) -> None:
    from colpali_engine.models import ColPali, ColPaliProcessor

    model = ColPali.from_pretrained(colpali_dir, attn_implementation="eager").eval()
    proc = ColPaliProcessor.from_pretrained(colpali_dir)
    proc.tokenizer.padding_side = "right"
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = list(family_texts)
    aug = proc.query_augmentation_token * 10
    with torch.no_grad():
        ref_txt = _reference_encode(
            [texts[i : i + 4] for i in range(0, len(texts), 4)],
            lambda b: model(**proc.process_texts(["Query: " + t + aug for t in b])),
        )
        ref_img = _reference_encode(
            [pil[i : i + 4] for i in range(0, len(pil), 4)], lambda b: model(**proc.process_images(b))
        )
    encoder = get_model(str(colpali_dir), device="cpu")
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    txt, img = emb.texts(texts), emb.images(family_images)
    assert isinstance(txt, MultiVector) and len(set(txt.lengths.tolist())) > 1
    assert txt.padded_to.tolist() == [ref_txt.shape[1]] * len(texts)
    np.testing.assert_allclose(txt.values, ref_txt.numpy(), atol=1e-5)
    # Both directions: text documents (shorter ones zero-padded) and image documents (all the same length).
    for q, d, ref_q, ref_d in ((img, txt, ref_img, ref_txt), (txt, img, ref_txt, ref_img)):
        np.testing.assert_allclose(
            encoder.similarity(q, d).numpy(), proc.score(ref_q, ref_d, device="cpu").numpy(), atol=1e-4
        )
    # Image+text documents: the reference concatenates the padded text and image tensors.
    fused = emb.fused(family_images, texts)
    ref_fused = torch.cat([ref_txt, ref_img], dim=1)
    np.testing.assert_allclose(
        encoder.similarity(img, fused).numpy(),
        proc.score(ref_img, ref_fused, device="cpu").numpy(),
        atol=1e-4,
    )
    ref = proc.score(ref_txt, ref_img, device="cpu").numpy()
    idx, scores = search_top_k(txt, img, 3, similarity=encoder.similarity)
    np.testing.assert_array_equal(idx, np.argsort(-ref, axis=1, kind="stable")[:, :3])
    pairwise = encoder.similarity_pairwise(img, txt[list(range(len(img)))])
    np.testing.assert_allclose(
        pairwise.numpy(), np.diag(proc.score(ref_img, ref_txt, device="cpu").numpy()), atol=1e-4
    )


def test_zero_padding_floor_against_colpali_engine() -> None:
    """Where the floor matters (every similarity negative), mieb's default equals colpali_engine's scorer on
    zero-padded tensors and the masked option does not."""
    from colpali_engine.models import ColPaliProcessor

    rng = np.random.RandomState(1)
    q = [torch.from_numpy(np.abs(rng.randn(n, 8)).astype(np.float32)) for n in (2, 5)]
    d = [torch.from_numpy(-np.abs(rng.randn(n, 8)).astype(np.float32)) for n in (3, 6, 1)]
    pad = lambda xs: torch.nn.utils.rnn.pad_sequence(xs, batch_first=True, padding_value=0)  # noqa: E731
    ref = ColPaliProcessor.score_multi_vector(pad(q), pad(d), device="cpu").numpy()
    qm, dm = MultiVector.from_list(q).to_device("cpu"), MultiVector.from_list(d).to_device("cpu")
    from mieb.models.encoder import maxsim

    np.testing.assert_allclose(maxsim(qm, dm).numpy(), ref, rtol=1e-5)
    assert not np.allclose(maxsim(qm, dm, padding="masked").numpy(), ref)


def test_masked_option_is_recorded(colpali_dir: Path) -> None:
    encoder = get_model(str(colpali_dir), device="cpu", maxsim_padding="masked")
    assert encoder.maxsim_padding == "masked" and encoder.meta.loader_kwargs["maxsim_padding"] == "masked"
    with pytest.raises(ValueError, match="maxsim_padding"):
        get_model(str(colpali_dir), device="cpu", maxsim_padding="zeros")


def test_contract_and_reference_image_path(
    colpali_dir: Path, family_images: ImageColumn, family_texts: list[str]
) -> None:
    from colpali_engine.models import ColPali, ColPaliProcessor

    encoder = get_model(str(colpali_dir), device="cpu")
    out = check_contract(
        encoder, family_images, family_texts, dim=128, normalised=None, fused=True, batch_sizes=(1, 3, 8)
    )
    q = out["text"]
    assert isinstance(q, MultiVector)
    valid = np.arange(q.values.shape[1])[None] < q.lengths[:, None]
    np.testing.assert_allclose(np.linalg.norm(q.values[valid], axis=-1), 1.0, atol=1e-4)  # unit token vectors
    model = ColPali.from_pretrained(colpali_dir).eval()
    proc = ColPaliProcessor.from_pretrained(colpali_dir)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.inference_mode():
        ref = model(**proc.process_images(pil))
    np.testing.assert_allclose(
        out["image"].values, ref.numpy(), atol=1e-5
    )  # every image: the same token count
