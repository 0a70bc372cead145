"""VLM2Vec v1 (Full, LoRA) through mieb's loading path on stand-ins: Phi-3.5-V is remote code that cannot be
downloaded here, so `remote_code/phi3_v/` stands in for it (the real processor's and model's interface over a
tiny Phi-3 with a linear crop embedding; see its README). The tiny base is served as
microsoft/Phi-3.5-vision-instruct (main), a fully fine-tuned copy and a LoRA adapter as the two VLM2Vec
repositories at the cards' revisions. What is tested is mieb's side, against the reference's construction
typed out here (mteb `vlm2vec_models.py`): the prompts, 4 crops, one-item processing with right padding and
the last attended token, the adapter merged. Needs the `vlm2vec` extra."""

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
from mllm_builders import make_tiny_vlm2vec_v1, offline_hub, processor_calls  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.errors import UsageError  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402

BASE = "microsoft/Phi-3.5-vision-instruct"
IMAGE = "<|image_1|> Represent the given image."
FUSED = "<|image_1|> Represent the given image with the following question: {}"


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_tiny_vlm2vec_v1(tmp_path_factory.mktemp("tiny-vlm2vec-v1"))


def _serve(folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    offline_hub(monkeypatch, tmp_path / "hub", {
        BASE: ("main", folders["base"]),
        "TIGER-Lab/VLM2Vec-Full": (get_model_meta("TIGER-Lab/VLM2Vec-Full").revision, folders["full"]),
        "TIGER-Lab/VLM2Vec-LoRA": (get_model_meta("TIGER-Lab/VLM2Vec-LoRA").revision, folders["lora"]),
    })


def test_cards() -> None:
    full, lora = get_model_meta("TIGER-Lab/VLM2Vec-Full"), get_model_meta("TIGER-Lab/VLM2Vec-LoRA")
    assert (full.revision, lora.revision) == ("e9afa98002097ac2471827ba23ea1f2ddd229480",
                                              "7403b6327958071c1e33c822c7453adadccc7298")
    assert full.family == lora.family == "vlm2vec" and full.embed_dim == 3072 and full.precision == "bf16"
    assert (full.loader_kwargs["adapter"], lora.loader_kwargs["adapter"]) == (False, True)
    assert full.trust_remote_code and not full.uses_instructions


def test_remote_code_needs_consent(folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _serve(folders, monkeypatch, tmp_path)
    with pytest.raises(UsageError, match="--trust-remote-code"):
        get_model("TIGER-Lab/VLM2Vec-Full", device="cpu")


def _reference(folders: dict[str, Path], kind: str, prompts: list[str], images: list | None) -> np.ndarray:
    """One item at a time: the base's config and processor (4 crops), the fine-tuned weights or the merged
    adapter, the last token's final state, normalised."""
    from peft import PeftModel
    from transformers import AutoConfig, AutoModelForCausalLM, AutoProcessor

    config = AutoConfig.from_pretrained(folders["base"], trust_remote_code=True)
    processor = AutoProcessor.from_pretrained(folders["base"], trust_remote_code=True, num_crops=4)
    if kind == "Full":
        model = AutoModelForCausalLM.from_pretrained(folders["full"], config=config, trust_remote_code=True)
    else:
        base = AutoModelForCausalLM.from_pretrained(folders["base"], config=config, trust_remote_code=True)
        model = PeftModel.from_pretrained(base, folders["lora"]).merge_and_unload()
    model.eval()
    rows = []
    with torch.no_grad():
        for i, prompt in enumerate(prompts):
            inputs = processor(prompt, None if images is None else images[i], return_tensors="pt", max_length=256,
                               truncation=True)
            hidden = model(**inputs, return_dict=True, output_hidden_states=True).hidden_states[-1]
            rows.append(torch.nn.functional.normalize(hidden[0, -1], dim=-1))
    return torch.stack(rows).numpy()


@pytest.mark.parametrize("kind", ["Full", "LoRA"])
def test_prompts_and_embeddings_match_reference(kind: str, folders: dict[str, Path], family_images: ImageColumn,
                                                family_texts: list[str], monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    _serve(folders, monkeypatch, tmp_path)
    encoder: Any = get_model(f"TIGER-Lab/VLM2Vec-{kind}", device="cpu", trust_remote_code=True)
    assert encoder.processor.num_crops == 4  # the reference's, not the checkpoint's 16
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    texts = family_texts[: len(pil)]
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    with processor_calls(encoder.processor) as calls:
        np.testing.assert_allclose(emb.texts(texts), _reference(folders, kind, texts, None), atol=1e-5)
        np.testing.assert_allclose(emb.images(family_images), _reference(folders, kind, [IMAGE] * len(pil), pil),
                                   atol=1e-5)
        fused = emb.fused(family_images, texts)
    np.testing.assert_allclose(fused, _reference(folders, kind, [FUSED.format(t) for t in texts], pil), atol=1e-5)
    sent = [c[0][0] for c in calls]
    assert sorted(sent) == sorted(texts + [IMAGE] * len(pil) + [FUSED.format(t) for t in texts])


def test_the_adapter_is_merged(folders: dict[str, Path], family_texts: list[str]) -> None:
    from transformers import AutoModelForCausalLM

    merged = _reference(folders, "LoRA", family_texts, None)
    assert AutoModelForCausalLM.from_pretrained(folders["base"], trust_remote_code=True) is not None
    plain = _reference({**folders, "full": folders["base"]}, "Full", family_texts, None)
    assert not np.allclose(merged, plain, atol=1e-3)


def test_contract(folders: dict[str, Path], family_images: ImageColumn, family_texts: list[str],
                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Right padding, pooled at each item's last attended token: batches of mixed lengths agree."""
    _serve(folders, monkeypatch, tmp_path)
    encoder = get_model("TIGER-Lab/VLM2Vec-LoRA", device="cpu", trust_remote_code=True)
    check_contract(encoder, family_images, family_texts, dim=32, normalised=True, fused=True, atol=2e-5)
