"""BGE-VL-MLLM-S1 through mieb's generic sentence-transformers path (the reference's
SentenceTransformerEncoderWrapper, mteb `bge_vl_models.py`), on a tiny sentence-transformers model over a
Qwen2-VL served as the Hub repository at the card's revision. The real checkpoint runs its own (remote) code;
the tiny one uses sentence-transformers' built-in modules, so what is tested is mieb's side: the consent gate,
the prompt the reference picks from the model's table (task name + side first, then task type, then side),
query/document methods and image+text items in dataset column order. Needs the `mllm` extra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torchvision")
pytest.importorskip("sentence_transformers")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from mllm_builders import make_tiny_qwen2_vl, make_tiny_st, offline_hub  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.errors import UsageError  # noqa: E402
from mieb.models.encoder import EncodeContext  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.models.wrappers.sentence_transformers import prompt_by_priority  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402

NAME = "BAAI/BGE-VL-MLLM-S1"
PROMPTS = {"query": "Q: ", "document": "D: ", "ShapesIT2IRetrieval-query": "Edit the image: ",
           "ImageClustering": "Group: "}


@pytest.fixture(scope="module")
def st_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny-bge-vl-mllm")
    return make_tiny_st(root / "st", make_tiny_qwen2_vl(root / "vlm"), prompts=PROMPTS)


def _encoder(st_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **kw: Any) -> Any:
    offline_hub(monkeypatch, tmp_path / "hub", {NAME: (get_model_meta(NAME).revision, st_dir)})
    return get_model(NAME, device="cpu", **kw)


def test_card_and_consent(st_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    meta = get_model_meta(NAME)
    assert meta.revision == "455ac20c111813fbb263dd0f22d47d173a971582" and meta.precision == "fp16"
    with pytest.raises(UsageError, match="--trust-remote-code"):
        _encoder(st_dir, monkeypatch, tmp_path)


@pytest.mark.parametrize(("task", "task_type", "side", "expected"), [
    ("ShapesIT2IRetrieval", "Any2AnyRetrieval", "query", "Edit the image: "),
    ("ShapesIT2IRetrieval", "Any2AnyRetrieval", "document", "D: "),
    ("ShapesClustering", "ImageClustering", None, "Group: "),
    ("ShapesZeroShot", "ZeroShotClassification", None, None),
])
def test_prompt_lookup_order(task: str, task_type: str, side: str | None, expected: str | None) -> None:
    ctx = EncodeContext(task_name=task, task_type=task_type, prompt_type=side)  # type: ignore[arg-type]
    assert prompt_by_priority(PROMPTS, ctx) == expected


def test_calls_match_the_reference(st_dir: Path, family_images: ImageColumn, family_texts: list[str],
                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    encoder = _encoder(st_dir, monkeypatch, tmp_path, trust_remote_code=True)
    ref = SentenceTransformer(str(st_dir))
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    emb.start_task("ShapesIT2IRetrieval", "Any2AnyRetrieval", "it2i")
    items = [{"text": t, "image": p} for p, t in zip(pil, texts, strict=True)]
    np.testing.assert_allclose(emb.fused(family_images, texts, prompt_type="query", text_first=True),
                               ref.encode_query(items, prompt="Edit the image: "), atol=1e-5)
    np.testing.assert_allclose(emb.images(family_images, prompt_type="document"),
                               ref.encode_document([{"image": p} for p in pil], prompt="D: "), atol=1e-5)
    emb.start_task("ShapesZeroShot", "ZeroShotClassification", "i2t")
    np.testing.assert_allclose(emb.texts(texts), ref.encode(texts, prompt=None), atol=1e-5)


def test_contract(st_dir: Path, family_images: ImageColumn, family_texts: list[str],
                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    check_contract(_encoder(st_dir, monkeypatch, tmp_path, trust_remote_code=True), family_images, family_texts,
                   dim=32, normalised=True, fused=True, atol=2e-5)
