"""ColPali (multi-vector, MaxSim) through colpali_engine's loading path on a tiny random PaliGemma.

Needs the `colpali` extra; skipped cleanly without it. Checks the MultiVector outputs, that mieb's MaxSim
equals colpali_engine's own `processor.score`, and a full retrieval run through the metrics.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("colpali_engine")
pytestmark = pytest.mark.extras

from contract import check_contract, run_cli_offline  # noqa: E402
from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.metrics.retrieval import search_top_k  # noqa: E402
from mieb.models.encoder import MultiVector  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402
from model_builders import CHARS  # noqa: E402


def make_tiny_colpali(folder: Path, seed: int = 0) -> Path:
    from colpali_engine.models import ColPali, ColPaliProcessor
    from transformers import GemmaTokenizer, PaliGemmaConfig, SiglipImageProcessorPil

    vocab = {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3, "<image>": 4, "▁": 5, "\n": 6}
    for c in CHARS:
        vocab.setdefault(c, len(vocab))
        vocab.setdefault("▁" + c, len(vocab))
    tok = GemmaTokenizer(vocab=vocab, merges=[])
    tok.add_special_tokens({"additional_special_tokens": ["<image>"]})
    tok.padding_side = "right"  # as PaliGemma's tokenizer: with causal attention, trailing pads change nothing
    cfg = PaliGemmaConfig(
        vision_config=dict(image_size=32, patch_size=8, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                           num_attention_heads=2, projection_dim=32),
        text_config=dict(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, head_dim=16),
        image_token_index=4, projection_dim=32, hidden_size=32, vocab_size=len(vocab),
    )
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ColPali(cfg).save_pretrained(folder)
    image_processor = SiglipImageProcessorPil(size={"height": 32, "width": 32})
    image_processor.image_seq_length = 16  # (32 / 8) ** 2 patches; real checkpoints store it the same way
    proc = ColPaliProcessor(image_processor=image_processor, tokenizer=tok, image_seq_length=16)
    proc.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def colpali_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_colpali(tmp_path_factory.mktemp("tiny-colpali"))


def test_cards() -> None:
    meta = get_model_meta("vidore/colpali-v1.3")
    assert meta.similarity == "max_sim" and meta.fusion == "concat" and meta.embed_dim == 128


def test_multivector_outputs_and_maxsim(colpali_dir: Path, family_images: ImageColumn,
                                        family_texts: list[str]) -> None:
    encoder = get_model(str(colpali_dir), device="cpu")
    out = check_contract(encoder, family_images, family_texts, dim=128, normalised=None, fused=True,
                         batch_sizes=(1, 3, 8))
    q, d = out["text"], out["image"]
    assert isinstance(q, MultiVector) and isinstance(d, MultiVector)
    assert len(set(q.lengths.tolist())) > 1  # queries of different lengths, padding masked
    # token embeddings are unit vectors (the model L2-normalises each token)
    valid = np.arange(q.values.shape[1])[None] < q.lengths[:, None]
    np.testing.assert_allclose(np.linalg.norm(q.values[valid], axis=-1), 1.0, atol=1e-4)
    # MaxSim equals colpali_engine's own scoring on the unpadded token sets
    qs = [torch.from_numpy(q.values[i, : q.lengths[i]]) for i in range(len(q))]
    ps = [torch.from_numpy(d.values[i, : d.lengths[i]]) for i in range(len(d))]
    ref = encoder.processor.score(qs, ps, device="cpu").numpy()
    np.testing.assert_allclose(encoder.similarity(q, d).numpy(), ref, atol=1e-4)
    idx, scores = search_top_k(q, d, 3, similarity=encoder.similarity)
    np.testing.assert_array_equal(idx, np.argsort(-ref, axis=1, kind="stable")[:, :3])
    np.testing.assert_allclose(scores, np.sort(ref, axis=1)[:, ::-1][:, :3], atol=1e-4)
    pairwise = encoder.similarity_pairwise(q[list(range(len(d)))], d)
    np.testing.assert_allclose(pairwise.numpy(), np.diag(ref[: len(d)]), atol=1e-4)


def test_matches_reference_path(colpali_dir: Path, family_images: ImageColumn) -> None:
    from colpali_engine.models import ColPali, ColPaliProcessor

    model = ColPali.from_pretrained(colpali_dir).eval()
    proc = ColPaliProcessor.from_pretrained(colpali_dir)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.inference_mode():
        ref = model(**proc.process_images(pil))
    got = Embedder(get_model(str(colpali_dir), device="cpu"), batch_size=3, num_workers=0).images(family_images)
    np.testing.assert_allclose(got.values, ref.numpy(), atol=1e-5)  # every image has the same token count


def test_cli_offline_retrieval(colpali_dir: Path, tmp_path: Path) -> None:
    run_cli_offline(str(colpali_dir), tmp_path, tasks=("ShapesT2IRetrieval",))
