"""Our worker-side resize/crop + on-device normalisation equals the Hugging Face PIL image processor."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from mieb.data.images import center_crop, decode, prepare
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
    expected = hf(images=[decode({"bytes": raw})], return_tensors="np")["pixel_values"][0]
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
