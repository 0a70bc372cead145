"""Tevatron OmniEmbed through mieb's loading path: a sentence-transformers LoRA adapter served as the Hub
repository at the card's revision, on a tiny Qwen2.5-Omni thinker served as Tevatron/Qwen2.5-Omni-7B-Thinker
at the card's `base_revision` only (so loading the base at any other revision fails). The real adapter ships
its own code; the tiny one uses sentence-transformers' built-in modules. Compared with sentence-transformers
called directly on the adapter with its base pinned, as the reference does (mteb
`tevatron_omni_embed_models.py`): prompts, truncation of text-only inputs, sequence caps. Needs the `mllm`
extra."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torchvision")
pytest.importorskip("sentence_transformers")
pytest.importorskip("peft")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from mllm_builders import make_tiny_omniembed, offline_hub, processor_calls  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402

NAME = "Tevatron/OmniEmbed-v0.1"
BASE = "Tevatron/Qwen2.5-Omni-7B-Thinker"
PROMPTS = {"query": "Query: ", "document": ""}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_tiny_omniembed(tmp_path_factory.mktemp("tiny-omniembed"), BASE, prompts=PROMPTS)


def _encoder(folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    meta = get_model_meta(NAME)
    adapter, base = folders
    offline_hub(monkeypatch, tmp_path / "hub", {NAME: (meta.revision, adapter),
                                                BASE: (meta.loader_kwargs["base_revision"], base)})
    return get_model(NAME, device="cpu", trust_remote_code=True)


def _reference(folders: tuple[Path, Path], tmp_path: Path) -> Any:
    """sentence-transformers on a copy of the adapter whose config names the local base folder."""
    from sentence_transformers import SentenceTransformer

    adapter, base = folders
    copy = shutil.copytree(adapter, tmp_path / "reference-adapter")
    config = json.loads((copy / "adapter_config.json").read_text())
    (copy / "adapter_config.json").write_text(json.dumps({**config, "base_model_name_or_path": str(base)}))
    return SentenceTransformer(str(copy))


def test_card() -> None:
    meta = get_model_meta(NAME)
    assert meta.revision == "fa8be315e74d07f563b07c0d053525de6dc7eda8" and meta.embed_dim == 3584
    assert meta.loader_kwargs == {"base_revision": "8876e9bc7e6af2ecbdfb14e0416e2c1105f0f7bb"}
    assert meta.trust_remote_code and meta.uses_instructions and meta.extra == "mllm"


def test_calls_match_the_reference(folders: tuple[Path, Path], family_images: ImageColumn, family_texts: list[str],
                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    encoder = _encoder(folders, monkeypatch, tmp_path)
    ref = _reference(folders, tmp_path)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    emb.start_task("ShapesIT2TRetrieval", "Any2AnyRetrieval", "it2t")

    with processor_calls(encoder.model[0].processor) as calls:
        queries = emb.fused(family_images, texts, prompt_type="query")
    ref.max_seq_length, ref[0].processing_kwargs["text"] = 32768, {}
    expected = ref.encode_query([{"image": p, "text": t} for p, t in zip(pil, texts, strict=True)], prompt="Query: ")
    np.testing.assert_allclose(queries, expected, atol=1e-5)
    assert all("max_length" not in kw for _, kw in calls)

    with processor_calls(encoder.model[0].processor) as calls:
        docs = emb.texts(texts, prompt_type="document")
    assert encoder.model.max_seq_length == 512
    ref.max_seq_length, ref[0].processing_kwargs["text"] = 512, {"truncation": True, "max_length": 512}
    np.testing.assert_allclose(docs, ref.encode_document(texts, prompt=""), atol=1e-5)
    assert all(kw.get("max_length") == 512 for _, kw in calls)


def test_the_adapter_is_applied(folders: tuple[Path, Path], family_texts: list[str], monkeypatch: pytest.MonkeyPatch,
                                tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    adapter, base = folders
    with_adapter = Embedder(_encoder(folders, monkeypatch, tmp_path), batch_size=4, num_workers=0).texts(family_texts)
    plain = shutil.copytree(adapter, tmp_path / "plain", ignore=shutil.ignore_patterns("adapter_*"))
    for name in ("model.safetensors", "config.json"):
        shutil.copy(base / name, plain / name)
    without = SentenceTransformer(str(plain)).encode(family_texts, prompt="")
    assert not np.allclose(with_adapter, without, atol=1e-3)


def test_contract(folders: tuple[Path, Path], family_images: ImageColumn, family_texts: list[str],
                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    check_contract(_encoder(folders, monkeypatch, tmp_path), family_images, family_texts, dim=32, normalised=True,
                   fused=True, atol=2e-5)
