"""Our worker-side resize/crop + on-device normalisation equals the Hugging Face PIL image processor."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from mieb.data.images import center_crop, decode, open_image, prepare
from mieb.models.meta import CLIP_MEAN, CLIP_STD, ImagePreprocessing


def _encode(img: Image.Image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def _ours(raw: bytes, pp: ImagePreprocessing) -> np.ndarray:
    arr = torch.from_numpy(prepare({"bytes": raw, "path": None}, pp)).float()[None] / 255.0
    mean = torch.tensor(pp.mean).view(1, 3, 1, 1)
    std = torch.tensor(pp.std).view(1, 3, 1, 1)
    return ((arr - mean) / std)[0].numpy()


RNG = np.random.RandomState(0)
CASES = [
    ("rgb-landscape", Image.fromarray((RNG.rand(50, 70, 3) * 255).astype(np.uint8))),
    ("rgb-portrait", Image.fromarray((RNG.rand(91, 37, 3) * 255).astype(np.uint8))),
    ("greyscale", Image.fromarray((RNG.rand(40, 40) * 255).astype(np.uint8), mode="L")),
    ("rgba", Image.fromarray((RNG.rand(33, 65, 4) * 255).astype(np.uint8), mode="RGBA")),
    ("palette", Image.fromarray((RNG.rand(64, 48, 3) * 255).astype(np.uint8)).convert("P")),
    ("already-right-size", Image.fromarray((RNG.rand(32, 32, 3) * 255).astype(np.uint8))),
    ("tiny", Image.fromarray((RNG.rand(5, 9, 3) * 255).astype(np.uint8))),
]


@pytest.mark.parametrize("interp,resample", [("bicubic", 3), ("bilinear", 2)])
@pytest.mark.parametrize("name,img", CASES, ids=[c[0] for c in CASES])
def test_matches_hf_pil_processor(name: str, img: Image.Image, interp: str, resample: int) -> None:
    from transformers import CLIPImageProcessorPil

    size = 32
    hf = CLIPImageProcessorPil(size={"shortest_edge": size}, crop_size={"height": size, "width": size},
                               resample=resample)
    pp = ImagePreprocessing(size=size, crop_size=size, interpolation=interp, mean=CLIP_MEAN, std=CLIP_STD)
    raw = _encode(img)
    # The processor gets the image as `datasets` decodes it (RGBA stays RGBA), as the reference's wrapper does.
    expected = hf(images=[open_image({"bytes": raw, "path": None})], return_tensors="np")["pixel_values"][0]
    np.testing.assert_allclose(_ours(raw, pp), expected, atol=2e-6)


def test_center_crop_pads_small_images_like_hf() -> None:
    arr = np.arange(5 * 3 * 1).reshape(5, 3, 1).astype(np.uint8) + 1
    out = center_crop(arr, 4)
    assert out.shape == (4, 4, 1)
    # 5 rows -> crop offset 0 after a 1-row... HF pads width 3 -> 4 with 1 column on the left (ceil(1/2)).
    assert (out[:, 0] == 0).all() and (out[:, 1:] != 0).all()


def test_decode_converts_modes_to_rgb() -> None:
    raw = _encode(Image.fromarray(np.zeros((4, 4), dtype=np.uint8), mode="L"))
    assert decode({"bytes": raw, "path": None}).mode == "RGB"


def test_unreadable_bytes_raise() -> None:
    from PIL import UnidentifiedImageError

    with pytest.raises(UnidentifiedImageError):
        decode({"bytes": b"not an image", "path": None})


def test_embedder_normalises_bit_for_bit_like_the_textbook_expression() -> None:
    """The Embedder normalises uint8 batches in place in a reused buffer; the model must see exactly
    ((x / 255) - mean) / std in float32, for every batch (a reused buffer must not leak between them)."""
    from datasets import Dataset, Features
    from datasets import Image as HFImage
    from fake_models import ColourOracle, colour_meta

    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import Embedder

    seen: list[torch.Tensor] = []

    class Recorder(ColourOracle):
        def encode_images(self, images, ctx):
            seen.append(images.clone())
            return super().encode_images(images, ctx)

    pp = ImagePreprocessing(size=16, crop_size=16, mean=CLIP_MEAN, std=CLIP_STD)
    model = Recorder(colour_meta().model_copy(update={"image": pp}))
    rs = np.random.RandomState(3)
    raws = [{"bytes": _encode(Image.fromarray(rs.randint(0, 256, size=(40, 37, 3)).astype(np.uint8))), "path": None}
            for _ in range(7)]
    column = ImageColumn(Dataset.from_dict({"image": raws}, features=Features({"image": HFImage()})), "image")
    Embedder(model, batch_size=3, num_workers=0).images(column)
    got = torch.cat(seen)
    x = torch.from_numpy(np.stack([prepare(r, pp) for r in raws]))
    mean, std = torch.tensor(pp.mean).view(1, 3, 1, 1), torch.tensor(pp.std).view(1, 3, 1, 1)
    expected = ((x.float() / 255.0) - mean) / std
    assert got.dtype == torch.float32 and torch.equal(got, expected)


# -- the opt-in draft decode ---------------------------------------------------------------------------
def _jpeg_photo(w: int, h: int, seed: int = 0) -> bytes:
    """A smooth picture with noise, as JPEG: enough detail for a reduced-scale decode to differ."""
    rs = np.random.RandomState(seed)
    small = Image.fromarray((rs.rand(8, 8, 3) * 255).astype(np.uint8)).resize((w, h), Image.Resampling.BICUBIC)
    arr = np.clip(np.asarray(small, dtype=np.int16) + rs.randint(-20, 21, size=(h, w, 3)), 0, 255)
    return _encode(Image.fromarray(arr.astype(np.uint8)), "JPEG")


def test_draft_decode_keeps_the_shape_and_moves_pixels_a_little() -> None:
    pp = ImagePreprocessing(size=64, crop_size=64)
    for w, h in ((400, 300), (257, 700), (1000, 130)):
        raw = {"bytes": _jpeg_photo(w, h), "path": None}
        exact, draft = prepare(raw, pp), prepare(raw, pp, decode_mode="draft")
        assert draft.shape == exact.shape == (3, 64, 64) and draft.dtype == np.uint8
        diff = np.abs(draft.astype(np.int16) - exact.astype(np.int16))
        assert diff.max() > 0  # a reduced DCT scale was used: the pixels are approximate...
        assert diff.mean() < 4  # ...but close (mean |difference| in uint8 levels)


def test_draft_decode_is_exact_when_it_cannot_reduce() -> None:
    pp = ImagePreprocessing(size=64, crop_size=64)
    # A JPEG under twice the target (no 1/2 scale covers it), PNG and PIL inputs: every pixel as the default.
    small_jpeg = {"bytes": _jpeg_photo(120, 100), "path": None}
    png = {"bytes": _encode(Image.fromarray((RNG.rand(300, 400, 3) * 255).astype(np.uint8))), "path": None}
    pil = Image.open(io.BytesIO(_jpeg_photo(400, 300)))
    for raw in (small_jpeg, png, pil):
        assert np.array_equal(prepare(raw, pp, decode_mode="draft"), prepare(raw, pp))


def test_draft_decode_applies_to_tensor_inputs_only_and_unknown_modes_fail() -> None:
    raw = {"bytes": _jpeg_photo(400, 300), "path": None}
    pil = prepare(raw, ImagePreprocessing(input="pil"), decode_mode="draft")
    assert pil.size == (400, 300)  # a model's own processor sizes PIL inputs: given the full image
    with pytest.raises(ValueError, match="decode mode"):
        prepare(raw, ImagePreprocessing(), decode_mode="fast")
