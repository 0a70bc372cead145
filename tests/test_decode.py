"""Image decoding equals the reference's: `datasets`' Image feature, then the model family's RGB conversion.

The reference receives each image as `datasets` decodes it (open, load, EXIF orientation applied with
`ImageOps.exif_transpose`, the feature's mode) and converts it to RGB in the model's own preprocessing:
transformers' image processors composite transparency onto white before resizing (transformers 5;
4.x dropped alpha), mteb's SigLIP wrapper and colpali_engine call `convert("RGB")` first, open_clip
converts after resizing and cropping. mieb decodes bytes itself; these tests run a corpus of awkward
files (tests/image_corpus.py) through both.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from datasets import Dataset, Features
from datasets import Image as HFImage
from image_corpus import DATASETS_FAILS, MALFORMED_EXIF, corpus, jpeg_with_app1
from PIL import Image

from mieb.data.images import DECODE_VERSION, ImageColumn, decode, open_image, prepare, to_rgb
from mieb.models.meta import CLIP_MEAN, CLIP_STD, ImagePreprocessing

CORPUS = corpus()
DECODABLE = [n for n in CORPUS if n not in DATASETS_FAILS]


def reference_decode(data: bytes, mode: str | None = None) -> Image.Image:
    """What the reference's model wrapper receives: the row of a dataset with an Image feature."""
    features = Features({"image": HFImage(mode=mode)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's "Corrupt EXIF data" warnings
        return Dataset.from_dict({"image": [{"bytes": data, "path": None}]}, features=features)[0]["image"]


def _column(names: list[str], mode: str | None = None) -> ImageColumn:
    rows = [{"bytes": CORPUS[n], "path": None} for n in names]
    ds = Dataset.from_dict({"image": rows}, features=Features({"image": HFImage(mode=mode)}))
    return ImageColumn(ds, "image")


@pytest.mark.parametrize("name", DECODABLE)
def test_decode_equals_datasets_pixel_for_pixel(name: str) -> None:
    ours, ref = open_image({"bytes": CORPUS[name], "path": None}), reference_decode(CORPUS[name])
    assert (ours.mode, ours.size) == (ref.mode, ref.size)
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(ref))
    assert ours.info.get("transparency") == ref.info.get("transparency")  # what the RGB conversion reads


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_reaches_the_model_as_displayed(orientation: int) -> None:
    """The 48 x 24 JPEG with orientation 5-8 reaches the model as 24 x 48, and the marked top-left corner
    lands where the tag puts it (also through the tensor pipeline, which must not crop it away)."""
    raw = {"bytes": CORPUS[f"jpeg-orientation-{orientation}"], "path": None}
    stored = Image.open(io.BytesIO(raw["bytes"]))
    expected = stored if orientation == 1 else stored.transpose({
        2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90}[orientation])
    img = decode(raw)
    assert img.size == ((24, 48) if orientation >= 5 else (48, 24))
    np.testing.assert_array_equal(np.asarray(img), np.asarray(expected.convert("RGB")))
    pp = ImagePreprocessing(size=24, resize="shortest_edge", crop_size=None, interpolation="nearest")
    assert prepare(raw, pp).shape == ((3, 48, 24) if orientation >= 5 else (3, 24, 48))


@pytest.mark.parametrize("name", sorted(MALFORMED_EXIF))
def test_malformed_exif_never_fails(name: str) -> None:
    img = decode({"bytes": CORPUS[name], "path": None})
    assert img.mode == "RGB" and img.size in {(48, 24), (24, 48)}


def test_exif_that_datasets_cannot_rewrite_is_still_oriented() -> None:
    """`datasets` raises on this file (exif_transpose re-serialises the EXIF block and fails on a BigTIFF
    tag type); mieb applies the orientation the block states, so the task goes on with the right pixels
    (a documented deviation: docs/deviations.md)."""
    data = CORPUS["exif-o6-long8-tag"]
    with pytest.raises(Exception):  # noqa: B017 - struct.error from Pillow, whatever its wording
        reference_decode(data)
    readable = reference_decode(jpeg_with_app1(MALFORMED_EXIF["exif-o6-tag-past-end"]))  # same pixels, tag 6
    ours = open_image({"bytes": data, "path": None})
    assert ours.size == (24, 48)
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(readable))


@pytest.mark.parametrize("mode", ["L", "RGBA", "CMYK"])
def test_the_features_mode_is_applied_like_datasets(mode: str) -> None:
    names = ["png-rgba", "jpeg-cmyk", "png-palette-transparent", "jpeg-orientation-6"]
    column = _column(names, mode=mode)
    for i, name in enumerate(names):
        ours = open_image(column.raw(i), column.mode(i))
        ref = reference_decode(CORPUS[name], mode=mode)
        assert ours.mode == ref.mode == mode
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(ref))
    assert column.subset([2, 0]).mode(0) == mode


def _white_reference(img: Image.Image) -> np.ndarray:
    """Compositing onto white, written independently of PIL's alpha_composite: (c * a + 255 * (255 - a)) / 255
    per channel, rounded (Pillow rounds the same products; compared to within 1)."""
    if "A" not in img.getbands() and img.info.get("transparency") is None:
        return np.asarray(img.convert("RGB"))
    rgba = np.asarray(img.convert("RGBA")).astype(np.float64)
    a = rgba[..., 3:] / 255.0
    return np.clip(np.round(rgba[..., :3] * a + 255.0 * (1.0 - a)), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", DECODABLE)
def test_rgb_conversions(name: str) -> None:
    img = reference_decode(CORPUS[name])
    np.testing.assert_array_equal(np.asarray(to_rgb(img, "convert")), np.asarray(img.convert("RGB")))
    converted = img.convert("RGB")
    np.testing.assert_array_equal(np.asarray(to_rgb(img, "convert_white")), _white_reference(converted))
    white = np.asarray(to_rgb(img, "white"))
    assert white.shape == np.asarray(img.convert("RGB")).shape
    assert np.abs(white.astype(int) - _white_reference(img).astype(int)).max() <= 1
    keep = to_rgb(img, "keep")
    assert keep.mode == img.mode and np.array_equal(np.asarray(keep), np.asarray(img))


@pytest.mark.parametrize("name", DECODABLE)
def test_white_equals_transformers_convert_to_rgb(name: str) -> None:
    transformers = pytest.importorskip("transformers")
    if int(transformers.__version__.split(".")[0]) < 5:
        pytest.skip("transformers 4.x converts with a plain convert('RGB') (the reference environment has 5.x)")
    from transformers.image_transforms import convert_to_rgb

    img = reference_decode(CORPUS[name])
    np.testing.assert_array_equal(np.asarray(to_rgb(img, "white")), convert_to_rgb(img, return_numpy=True))
    np.testing.assert_array_equal(np.asarray(to_rgb(img, "convert_white")),
                                  convert_to_rgb(img.convert("RGB"), return_numpy=True))


def _ours_normalised(raw: dict, pp: ImagePreprocessing) -> np.ndarray:
    arr = torch.from_numpy(prepare(raw, pp)).float()[None] / 255.0
    mean, std = torch.tensor(pp.mean).view(1, 3, 1, 1), torch.tensor(pp.std).view(1, 3, 1, 1)
    return ((arr - mean) / std)[0].numpy()


@pytest.mark.parametrize("name", DECODABLE)
def test_clip_pipeline_equals_the_hf_processor_on_what_datasets_decodes(name: str) -> None:
    """CLIP-style cards (rgb="white") against CLIPImageProcessorPil fed the image as the reference feeds it."""
    from transformers import CLIPImageProcessorPil

    hf = CLIPImageProcessorPil(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    pp = ImagePreprocessing(size=32, crop_size=32, mean=CLIP_MEAN, std=CLIP_STD)
    expected = hf(images=[reference_decode(CORPUS[name])], return_tensors="np")["pixel_values"][0]
    np.testing.assert_allclose(_ours_normalised({"bytes": CORPUS[name], "path": None}, pp), expected, atol=2e-6)


@pytest.mark.parametrize("name", DECODABLE)
def test_siglip_pipeline_equals_the_references_wrapper(name: str) -> None:
    """SigLIP cards (rgb="convert_white"): mteb's wrapper calls convert("RGB") before the processor."""
    from transformers import SiglipImageProcessorPil

    from mieb.models.cards.siglip import square_half

    hf = SiglipImageProcessorPil(size={"height": 32, "width": 32})
    pp = square_half(32)
    expected = hf(images=[reference_decode(CORPUS[name]).convert("RGB")], return_tensors="np")["pixel_values"][0]
    np.testing.assert_allclose(_ours_normalised({"bytes": CORPUS[name], "path": None}, pp), expected, atol=2e-6)


def test_the_model_receives_what_the_reference_receives_through_the_embedder() -> None:
    """Through the Embedder (decode workers, the feature's mode): a PIL-input card with rgb="keep" gets the
    images exactly as `datasets` hands them to the reference's wrapper; a tensor card gets the orientation."""
    from fake_models import ColourOracle, colour_meta

    from mieb.runner.embedder import Embedder

    seen: list[Image.Image] = []

    class Recorder(ColourOracle):
        def encode_images(self, images, ctx):
            seen.extend(images)
            return torch.ones(len(images), 3)

    names = ["jpeg-orientation-6", "png-rgba", "png-palette-transparent", "png-16bit-greyscale"]
    keep = colour_meta().model_copy(update={"image": ImagePreprocessing(input="pil", rgb="keep")})
    for mode in (None, "L"):
        seen.clear()
        Embedder(Recorder(keep), batch_size=2, num_workers=0).images(_column(names, mode=mode))
        for name, got in zip(names, seen, strict=True):
            ref = reference_decode(CORPUS[name], mode=mode)
            assert (got.mode, got.size) == (ref.mode, ref.size), name
            np.testing.assert_array_equal(np.asarray(got), np.asarray(ref))
    assert seen[0].size == (24, 48)


def test_rgb_conversion_must_fit_the_input() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="convert_last"):
        ImagePreprocessing(input="pil", rgb="convert_last")
    with pytest.raises(ValidationError, match="keep"):
        ImagePreprocessing(input="tensor", rgb="keep")


def test_decode_version_is_in_the_cache_fingerprint_and_the_results(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    from fake_models import ColourOracle, colour_meta
    from local_tasks import colour_zeroshot

    from mieb.cache import keys
    from mieb.cache.keys import fingerprint_id, model_fingerprint
    from mieb.runner.run import MIEB

    meta = colour_meta()
    fp = model_fingerprint(meta, "fp32", "cpu")
    assert fp["decode"] == DECODE_VERSION and fp["image"]["rgb"] == meta.image.rgb  # type: ignore[union-attr]
    monkeypatch.setattr(keys, "DECODE_VERSION", DECODE_VERSION + "-next")
    assert fingerprint_id(model_fingerprint(meta, "fp32", "cpu")) != fingerprint_id(fp)
    other = meta.model_copy(update={"image": meta.image.model_copy(update={"rgb": "convert"})})  # type: ignore[union-attr]
    assert fingerprint_id(model_fingerprint(other, "fp32", "cpu")) != fingerprint_id(fp)
    MIEB([colour_zeroshot(tmp_path)]).run(ColourOracle(), output_folder=tmp_path / "out", progress=False, cache=False,
                                          encode_kwargs={"num_workers": 0})
    model = json.loads(next((tmp_path / "out").rglob("ColourZeroShot.json")).read_text())["mieb"]["model"]
    assert model["image_decoding"] == DECODE_VERSION and model["image_preprocessing"]["rgb"] == "white"


# Each family's RGB conversion, as the reference's wrapper for it (mteb 2.26.24, model_implementations/) and the
# upstream code it calls do it. "keep": the reference hands the decoded image to the same upstream call as
# mieb's wrapper (a processor, remote code, qwen-vl-utils' fetch_image), so that call converts in both.
REFERENCE_RGB = {
    # transformers image processors (convert_to_rgb: transparency onto white), fed the decoded image.
    "clip": "white", "blip": "white", "blip2": "white", "dinov2": "white", "bge-vl": "white", "vlm2vec": "white",
    "e5-v": "white", "nomic-vision": "white",
    # The reference's processor converts nothing and fails on images that are not RGB (docs/deviations.md D2).
    "align": "convert", "dinov3": "white", "timm": "white",
    # convert("RGB") in the reference's wrapper (SigLIP) or in colpali_engine, then a transformers processor.
    "siglip": "convert_white", "colpali": "convert_white", "colqwen": "convert_white", "colsmol": "convert_white",
    # convert("RGB") in the reference's wrapper, then the processor mieb's wrapper calls too.
    "colqwen3.5": "convert", "webai-colvec1": "convert",
    # torchvision transforms converting after Resize and CenterCrop (open_clip, EVA-CLIP, Perception Encoder).
    "openclip": "convert_last", "evaclip": "convert_last", "visualized-bge": "convert_last", "ebind": "convert_last",
    # The decoded image straight into the upstream call mieb's wrapper makes too.
    "jina-clip": "keep", "argus": "keep", "ops-colqwen3": "keep", "tomoro-colqwen3": "keep", "granite-vision": "keep",
    "sauerkraut-colpali": "keep", "jina-v4": "keep", "nemotron-colembed": "keep", "eager-embed": "keep",
    "nanovdr": "keep", "gme": "keep", "lco-embedding": "keep", "bge-vl-mllm": "keep", "bidirlm-omni": "keep",
    "e5-omni": "keep", "jina-v5-omni": "keep", "omniembed": "keep", "qwen3-vl-embedding": "keep",
    # API models: the reference sends the decoded image; mieb sends RGB (docs/deviations.md D17).
    "cohere": "convert", "voyage": "convert",
}


def test_every_card_converts_to_rgb_as_its_familys_reference() -> None:
    """A new family with images must state its conversion here, checked against the reference's wrapper."""
    from mieb.models.registry import get_model_metas

    seen = set()
    for meta in get_model_metas():
        if meta.image is None:
            continue
        assert meta.family in REFERENCE_RGB, f"{meta.name}: family {meta.family!r} has no reference RGB conversion here"
        assert meta.image.rgb == REFERENCE_RGB[meta.family], meta.name
        seen.add(meta.family)
    assert seen == set(REFERENCE_RGB)


def test_draft_decode_keeps_the_upright_shape_of_a_rotated_jpeg() -> None:
    """Opt-in draft decoding sizes its DCT scale on the upright image: a 400 x 300 JPEG tagged 6 ends at the
    exact decode's (3, 85, 64), with approximate pixels."""
    rng = np.random.RandomState(0)
    stored = Image.fromarray((rng.rand(30, 40, 3) * 255).astype(np.uint8)).resize((400, 300), Image.Resampling.BICUBIC)
    exif = Image.Exif()
    exif[274] = 6
    buf = io.BytesIO()
    stored.save(buf, "JPEG", quality=92, exif=exif)
    raw = {"bytes": buf.getvalue(), "path": None}
    pp = ImagePreprocessing(size=64, crop_size=None)
    exact, draft = prepare(raw, pp), prepare(raw, pp, decode_mode="draft")
    assert exact.shape == draft.shape == (3, 85, 64)
    assert 0 < np.abs(exact.astype(int) - draft.astype(int)).mean() < 4
