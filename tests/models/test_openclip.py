"""OpenCLIP (ViT) and EVA-02 (timm trunk) through open_clip's "local-dir:" loading, on tiny random models.

Needs the `openclip` extra (open_clip_torch, timm, torchvision); skipped cleanly without it. The reference
path here is open_clip's own `create_model_and_transforms` preprocessing and tokenizer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("open_clip")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from model_builders import make_tiny_openclip  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402


@pytest.fixture(scope="module", params=["vit", "eva02"])
def oc_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if request.param == "eva02":
        pytest.importorskip("timm")
    return make_tiny_openclip(tmp_path_factory.mktemp(f"tiny-openclip-{request.param}"), kind=request.param)


def test_cards() -> None:
    meta = get_model_meta("laion/CLIP-ViT-B-32-laion2B-s34B-b79K")
    assert meta.extra == "openclip" and meta.image is not None and meta.image.crop_rounding == "round"
    eva = get_model_meta("QuanSun/EVA02-CLIP-B-16")
    assert eva.loader_kwargs == {"open_clip_model": "EVA02-B-16", "checkpoint": "EVA02_CLIP_B_psz16_s8B.pt"}
    assert eva.weights_source == "QuanSun/EVA-CLIP"
    assert eva.revision == "11afd202f2ae80869d6cef18b1ec775e79bd8d12"  # the reference's, for every EVA-02 card
    assert meta.precision == eva.precision == "fp16-mixed"


def test_matches_open_clip_transform(oc_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    import open_clip

    name = "local-dir:" + str(oc_dir)
    model, _, preprocess = open_clip.create_model_and_transforms(name)
    model.eval()
    tok = open_clip.get_tokenizer(name)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.inference_mode():
        ref_img = model.encode_image(torch.stack([preprocess(p) for p in pil])).numpy()
        ref_txt = model.encode_text(tok(family_texts)).numpy()
    emb = Embedder(get_model(str(oc_dir), device="cpu"), batch_size=3, num_workers=0)
    np.testing.assert_allclose(emb.images(family_images), ref_img, atol=1e-5)
    np.testing.assert_allclose(emb.texts(family_texts), ref_txt, atol=1e-5)


def test_contract(oc_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    check_contract(get_model(str(oc_dir), device="cpu"), family_images, family_texts, dim=16, normalised=False,
                   fused=True)


def test_awkward_images_match_open_clips_transform_on_what_datasets_decodes() -> None:
    """open_clip resizes and crops in the decoded mode and converts to RGB last (rgb="convert_last"): palette
    images resample nearest, alpha images premultiplied. The card's pipeline equals open_clip's transform fed
    the images as the reference's wrapper gets them, on the awkward-file corpus."""
    import warnings

    import open_clip
    from datasets import Dataset, Features
    from datasets import Image as HFImage
    from image_corpus import DATASETS_FAILS, corpus

    from mieb.data.images import prepare
    from mieb.models.cards.openclip import torchvision_image

    pp = torchvision_image(32)
    transform = open_clip.image_transform(32, is_train=False, mean=pp.mean, std=pp.std)
    files = {k: v for k, v in corpus().items() if k not in DATASETS_FAILS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = Dataset.from_dict({"image": [{"bytes": b, "path": None} for b in files.values()]},
                                 features=Features({"image": HFImage()}))
        decoded = [rows[i]["image"] for i in range(len(files))]
    mean, std = torch.tensor(pp.mean).view(3, 1, 1), torch.tensor(pp.std).view(3, 1, 1)
    for (name, data), ref_img in zip(files.items(), decoded, strict=True):
        ours = (torch.from_numpy(prepare({"bytes": data, "path": None}, pp)).float() / 255.0 - mean) / std
        np.testing.assert_allclose(ours.numpy(), transform(ref_img).numpy(), atol=2e-6, err_msg=name)


# -- EVA-02-CLIP: the reference's own checkpoint files (BAAI's EVA-CLIP layout) in open_clip's architecture --
# timm's EVA names -> EVA-CLIP's (the inverse of timm's converter), to write a checkpoint in the original layout.
_TO_EVA_CLIP = {"attn.q_proj.bias": "attn.q_bias", "attn.v_proj.bias": "attn.v_bias", "attn.norm.": "attn.inner_attn_ln.",
                "mlp.fc1_g.": "mlp.w1.", "mlp.fc1_x.": "mlp.w2.", "mlp.norm.": "mlp.ffn_ln.", "mlp.fc2.": "mlp.w3."}


@pytest.fixture(scope="module")
def eva_clip_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, torch.nn.Module]:
    """A tiny EVA02-CLIP-shaped open_clip model (unfused q/k/v with q and v biases, SwiGLU with its norm,
    inner attention norm, rotary embeddings, as EVA02-B-16) and its weights saved in EVA-CLIP's layout."""
    import json

    import open_clip
    from timm.models import register_model
    from timm.models.eva import Eva

    pytest.importorskip("timm")

    @register_model
    def eva02_mieb_test_clip(pretrained: bool = False, **kwargs: object) -> Eva:
        kwargs = {k: v for k, v in kwargs.items() if not k.startswith("pretrained_cfg") and k != "cache_dir"}
        return Eva(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=2, qkv_fused=False,
                   mlp_ratio=4 * 2 / 3, swiglu_mlp=True, scale_mlp=True, scale_attn_inner=True, use_rot_pos_emb=True,
                   ref_feat_shape=(4, 4), **kwargs)

    folder = tmp_path_factory.mktemp("eva-clip")
    cfg = {"embed_dim": 16, "custom_text": True,
           "vision_cfg": {"image_size": 32, "timm_model_name": "eva02_mieb_test_clip", "timm_model_pretrained": False,
                          "timm_pool": "token", "timm_proj": None},
           "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 2}}
    (folder / "EVA02-MiebTest.json").write_text(json.dumps(cfg))
    open_clip.add_model_config(folder / "EVA02-MiebTest.json")
    torch.manual_seed(0)
    model = open_clip.create_model("EVA02-MiebTest").eval()
    state = {}
    for key, value in model.state_dict().items():
        if key.startswith("visual.trunk."):
            key = "visual." + key.removeprefix("visual.trunk.")
            for timm_name, eva_name in _TO_EVA_CLIP.items():
                key = key.replace(timm_name, eva_name)
        state[key] = value
    state["visual.rope.freqs_cos"] = torch.zeros(16, 8)  # EVA-CLIP stores its rotary tables; they are rebuilt
    torch.save({"state_dict": state}, folder / "EVA02_CLIP_tiny.pt")
    return folder, model


def _eva_card(folder: Path | None) -> object:
    from mieb.models.cards.openclip import torchvision_image

    card = get_model_meta("QuanSun/EVA02-CLIP-B-16")
    update: dict[str, object] = {"loader_kwargs": {"open_clip_model": "EVA02-MiebTest",
                                                   "checkpoint": "EVA02_CLIP_tiny.pt"}, "image": torchvision_image(32)}
    if folder is not None:
        update["weights"] = str(folder)
    return card.model_copy(update=update)


def test_eva_clip_checkpoint_loads_into_open_clips_architecture(
    eva_clip_checkpoint: tuple[Path, torch.nn.Module], family_images: ImageColumn, family_texts: list[str]
) -> None:
    import open_clip

    folder, model = eva_clip_checkpoint
    encoder = get_model(_eva_card(folder), device="cpu")  # type: ignore[arg-type]
    loaded = encoder.model.state_dict()  # type: ignore[attr-defined]
    for key, value in model.state_dict().items():
        assert torch.equal(loaded[key], value), key
    pp = encoder.meta.image
    transform = open_clip.image_transform(pp.size, is_train=False, mean=pp.mean, std=pp.std)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    with torch.inference_mode():
        ref_img = model.encode_image(torch.stack([transform(p) for p in pil])).numpy()
        ref_txt = model.encode_text(open_clip.get_tokenizer("EVA02-MiebTest")(family_texts)).numpy()
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    np.testing.assert_allclose(emb.images(family_images), ref_img, atol=1e-5)
    np.testing.assert_allclose(emb.texts(family_texts), ref_txt, atol=1e-5)


def test_eva_clip_checkpoint_that_does_not_fit_is_refused(eva_clip_checkpoint: tuple[Path, torch.nn.Module],
                                                           tmp_path: Path) -> None:
    folder, _ = eva_clip_checkpoint
    state = torch.load(folder / "EVA02_CLIP_tiny.pt", weights_only=True)["state_dict"]
    del state["visual.blocks.1.mlp.w3.weight"]
    torch.save(state, tmp_path / "EVA02_CLIP_tiny.pt")
    with pytest.raises(RuntimeError, match="mlp.fc2.weight"):
        get_model(_eva_card(tmp_path), device="cpu")  # type: ignore[arg-type]


def test_eva_clip_weights_are_fetched_at_the_references_revision(
    eva_clip_checkpoint: tuple[Path, torch.nn.Module], monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub

    folder, _ = eva_clip_checkpoint
    calls = []

    def download(repo_id: str, filename: str, *, revision: str | None = None, **kwargs: object) -> str:
        calls.append((repo_id, filename, revision))
        return str(folder / filename)

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", download)
    get_model(_eva_card(None), device="cpu")  # type: ignore[arg-type]
    assert calls == [("QuanSun/EVA-CLIP", "EVA02_CLIP_tiny.pt", "11afd202f2ae80869d6cef18b1ec775e79bd8d12")]
