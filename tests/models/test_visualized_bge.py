"""Visualized BGE through mieb's wrapper (transformers' BERT modules, timm's EVA02) on a tiny checkpoint saved as
`Visualized_BGE` saves one. Text is tied to transformers' own BertModel forward; image and image+text to
the layout of `Visualized_BGE.encode_mm` ([CLS], projected image tokens at positions 1..N through BGE's
embedding LayerNorm, the rest of the text after them), computed here with timm's EVA run block by block.
Needs the `timm` extra."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

timm = pytest.importorskip("timm")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from model_builders import TINY_EVA, make_tiny_visualized_bge  # noqa: E402

from mieb.data.images import ImageColumn  # noqa: E402
from mieb.errors import UsageError  # noqa: E402
from mieb.models.encoder import EncodeContext  # noqa: E402
from mieb.models.meta import ModelMeta  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_visualized_bge(tmp_path_factory.mktemp("tiny-vbge"))


def tiny_card(folder: Path, weights_file: str = "visualized.pth") -> ModelMeta:
    card = get_model_meta("BAAI/bge-visualized-base")
    assert card.image is not None
    return card.model_copy(update={
        "weights": str(folder), "embed_dim": 32,
        "image": card.image.model_copy(update={"size": 32, "crop_size": 32}),
        "loader_kwargs": {**card.loader_kwargs, "weights_file": weights_file, "text_model": str(folder / "bge"),
                          "text_revision": None, "timm_kwargs": TINY_EVA}})


def test_cards() -> None:
    base, m3 = get_model_meta("BAAI/bge-visualized-base"), get_model_meta("BAAI/bge-visualized-m3")
    assert base.revision == m3.revision == "98db10b10d22620010d06f11733346e1c98c34aa"
    assert base.weights == "BAAI/bge-visualized" and (base.embed_dim, m3.embed_dim) == (768, 1024)
    assert base.loader_kwargs["weights_file"] == "Visualized_base_en_v1.5.pth"
    assert m3.loader_kwargs["text_model"] == "BAAI/bge-m3" and m3.loader_kwargs["timm_model"].startswith("eva02_large")


def _reference(folder: Path, images: torch.Tensor, texts: list[str], max_length: int) -> np.ndarray:
    from timm.models.eva import checkpoint_filter_fn
    from transformers import AutoTokenizer, BertModel

    state = torch.load(folder / "visualized.pth", weights_only=True)
    bert = BertModel.from_pretrained(folder / "bge", add_pooling_layer=False).eval()
    tok = AutoTokenizer.from_pretrained(folder / "bge")
    eva = timm.create_model("eva02_base_patch16_clip_224", pretrained=False, num_classes=24, **TINY_EVA).eval()
    eva_state = {k.removeprefix("model_visual."): v for k, v in state.items() if k.startswith("model_visual.visual.")}
    eva.load_state_dict(checkpoint_filter_fn(eva_state, eva))
    with torch.inference_mode():
        x = eva.patch_embed(images)
        x, rope = eva._pos_embed(x)
        for block in eva.blocks:
            x = block(x, rope=rope)
        img = F.linear(x[:, 1:], state["visual_proj.weight"], state["visual_proj.bias"])
        n = img.shape[1]
        emb = bert.embeddings
        img = emb.LayerNorm(img + emb.position_embeddings(torch.arange(1, n + 1)))
        t = tok(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
        ids = t["input_ids"]
        pos = torch.tensor([0, *range(n + 1, n + ids.shape[1])])[None]
        txt = emb(input_ids=ids, position_ids=pos, token_type_ids=torch.zeros_like(ids))
        joint = torch.cat([txt[:, :1], img, txt[:, 1:]], dim=1)
        mask = torch.cat([torch.ones(len(texts), n, dtype=torch.long), t["attention_mask"]], dim=1)
        additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float16).min
        out = bert.encoder(joint, attention_mask=additive)[0][:, 0]
    return F.normalize(out, dim=-1).numpy()


def test_text_is_bge_alone(tiny_dir: Path, family_texts: list[str]) -> None:
    from transformers import AutoTokenizer, BertModel

    bert = BertModel.from_pretrained(tiny_dir / "bge").eval()
    tok = AutoTokenizer.from_pretrained(tiny_dir / "bge")
    with torch.inference_mode():
        ref = bert(**tok(family_texts, padding=True, truncation=True, return_tensors="pt")).last_hidden_state[:, 0]
    emb = Embedder(get_model(tiny_card(tiny_dir), device="cpu"), batch_size=3, num_workers=0)
    np.testing.assert_allclose(emb.texts(family_texts), F.normalize(ref, dim=-1).numpy(), atol=1e-5)


def test_image_and_joint_follow_encode_mm(tiny_dir: Path, family_texts: list[str]) -> None:
    encoder = get_model(tiny_card(tiny_dir), device="cpu")
    assert encoder.joint_text_length == 64 - 16  # type: ignore[attr-defined]  # tokenizer limit - image tokens
    torch.manual_seed(0)
    images = torch.randn(4, 3, 32, 32)
    texts = [*family_texts[:3], " ".join(["dog"] * 80)]  # the last one is cut at 48 tokens
    ctx = EncodeContext()
    with torch.inference_mode():
        fused = encoder.encode_fused(images, texts, ctx).numpy()
        image = encoder.encode_images(images, ctx).numpy()
    np.testing.assert_allclose(fused, _reference(tiny_dir, images, texts, 48), atol=1e-5)
    np.testing.assert_allclose(image, _reference(tiny_dir, images, [""] * 4, 48), atol=1e-5)
    assert not np.allclose(image[0], image[1], atol=1e-3)  # the images matter


def test_contract(tiny_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    check_contract(get_model(tiny_card(tiny_dir), device="cpu"), family_images, family_texts, dim=32,
                   normalised=True, fused=True)


def test_checkpoint_that_does_not_fit_is_refused(tiny_dir: Path, tmp_path: Path) -> None:
    state = torch.load(tiny_dir / "visualized.pth", weights_only=True)
    del state["visual_proj.weight"]
    torch.save(state, tiny_dir / "broken.pth")
    with pytest.raises(UsageError, match=r"broken.pth: not a Visualized BGE checkpoint.*visual_proj.weight"):
        get_model(tiny_card(tiny_dir, "broken.pth"), device="cpu")
