"""Image columns, decoding and resizing: what DataLoader workers run.

Images stay encoded (bytes in the Arrow table) until a worker decodes them, so a task never holds
its decoded images in memory, and their bytes can be hashed for the embedding cache first.

Decoding reproduces what the reference's models receive: `datasets`' Image feature (`open_image`, pixel for
pixel), then the RGB conversion of the model family's own preprocessing (`to_rgb`, named by the card).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from PIL import ExifTags, Image

from mieb.models.meta import ImagePreprocessing, RGBConversion

# What decoding means; part of every embedding-cache fingerprint and result, so embeddings of pixels decoded
# differently are never reused. 1: Image.open + convert("RGB"). 2: as `datasets`' Image feature (EXIF
# orientation, the feature's mode), then the card's RGB conversion.
DECODE_VERSION = "2"

_RESAMPLE = {
    "nearest": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
    "box": Image.Resampling.BOX,
    "hamming": Image.Resampling.HAMMING,
}
# EXIF Orientation value -> the transposition that displays the stored pixels upright (EXIF 2.3, tag 274),
# what `ImageOps.exif_transpose` applies.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# How JPEGs are decoded. "exact" (the default) decodes every pixel, as `datasets` and the reference do.
# "draft" (opt-in, approximate) lets libjpeg downscale by 1/2, 1/4 or 1/8 in the DCT domain while
# decoding (Pillow's `Image.draft`), to the smallest scale still at least the resize target, then resizes
# as usual: the same output shape, different pixels, fewer CPU cycles for large images. Other formats
# decode exactly in both modes. Runs record the mode, and the embedding cache keys on it.
DECODE_MODES = ("exact", "draft")

# Orientations whose transposition swaps width and height.
_TURNS = (Image.Transpose.TRANSPOSE, Image.Transpose.TRANSVERSE, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270)

RawImage = Any  # {"bytes": ..., "path": ...} | bytes | str (path) | PIL.Image.Image


def raw_bytes(raw: RawImage) -> bytes | None:
    """The encoded bytes of a raw image, if it has them (used for hashing)."""
    if isinstance(raw, dict):
        if raw.get("bytes") is not None:
            return raw["bytes"]
        if raw.get("path"):
            with open(raw["path"], "rb") as f:
                return f.read()
        return None
    if isinstance(raw, (bytes, bytearray, memoryview)):
        return bytes(raw)
    if isinstance(raw, str):
        with open(raw, "rb") as f:
            return f.read()
    return None


def _orientation(img: Image.Image) -> Any:
    """The EXIF Orientation value, or None where there is none or Pillow cannot parse the block at all."""
    try:
        return img.getexif().get(ExifTags.Base.Orientation)
    except Exception:  # noqa: BLE001 - an unreadable EXIF block must not fail a task: no orientation
        return None


def open_image(raw: RawImage, mode: str | None = None, pp: ImagePreprocessing | None = None) -> Image.Image:
    """Decode as `datasets.Image(mode=mode).decode_example` does (identical in datasets 2.19-5.2): open,
    load, apply the EXIF orientation, convert to the feature's `mode` if it names one. The pixels, mode and
    palette transparency are those `datasets` returns, for every file `datasets` can decode.

    The orientation is applied as `ImageOps.exif_transpose` applies it (the same transposition), without
    re-writing the EXIF block afterwards, which `datasets` does and which fails on some malformed blocks:
    there the reference stops with an error and mieb decodes the pixels the tag states
    (docs/deviations.md D1). Raises PIL.UnidentifiedImageError for bytes that are no image, ValueError for
    an empty one. An already decoded PIL image is returned as it is (as `datasets` does).

    `pp` (decode mode "draft" only, approximate): a JPEG is decoded at the smallest DCT scale still covering
    the card's resize target of the upright image (`Image.draft`).
    """
    if isinstance(raw, Image.Image):
        return raw
    data = raw_bytes(raw)
    if data is None:
        raise ValueError("image is empty (no bytes and no path)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about each corrupt EXIF block it reads around
        img: Image.Image = Image.open(io.BytesIO(data))
        if pp is not None and img.format == "JPEG":  # a JPEG's EXIF block is read with its header
            turned = _UPRIGHT.get(_orientation(img)) in _TURNS
            w, h = _resize_target(img.size[::-1] if turned else img.size, pp)
            img.draft(img.mode, (h, w) if turned else (w, h))
        img.load()
        method = _UPRIGHT.get(_orientation(img))
    if method is not None:
        img = img.transpose(method)
    if mode and mode != img.mode:
        img = img.convert(mode)
    return img


def to_rgb(img: Image.Image, how: RGBConversion) -> Image.Image:
    """The model family's RGB conversion (see `ImagePreprocessing.rgb`). "convert" and "convert_last":
    `Image.convert("RGB")` (alpha dropped, palette and greyscale expanded). "white": transparency (an alpha
    band, or a "transparency" entry: palette index, grey level or RGB colour) composited onto white first,
    as transformers 5's `convert_to_rgb` does (4.x dropped alpha: docs/deviations.md D3). "convert_white":
    "convert", then "white" (Pillow keeps a palette image's transparent index as an RGB transparency
    colour). "keep": the image as decoded."""
    if how == "keep":
        return img
    if how == "convert_white" and img.mode != "RGB":
        img = img.convert("RGB")
    if how in ("white", "convert_white") and ("A" in img.getbands() or img.info.get("transparency") is not None):
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, img.convert("RGBA")).convert("RGB")
    return img if img.mode == "RGB" else img.convert("RGB")


def decode(raw: RawImage, rgb: RGBConversion = "convert", mode: str | None = None) -> Image.Image:
    """`open_image` then `to_rgb`: an RGB PIL image (the decoded mode with rgb="keep")."""
    return to_rgb(open_image(raw, mode), rgb)


def _resize_target(size: tuple[int, int], pp: ImagePreprocessing) -> tuple[int, int]:
    """(width, height) the card's resize gives an image of `size`, as Hugging Face processors compute it."""
    w, h = size
    if pp.resize == "square":
        return pp.size, pp.size
    if w <= h:
        return pp.size, int(pp.size * h / w)
    return int(pp.size * w / h), pp.size


def resize_and_crop(img: Image.Image, pp: ImagePreprocessing, full_size: tuple[int, int] | None = None) -> np.ndarray:
    """uint8 (H, W, 3) after the card's resize and centre crop, as HF's PIL-based processors do it; with
    rgb="convert_last" the resize runs in the decoded mode and the RGB conversion after it, as open_clip's
    torchvision transform does (PIL resizes palette images with nearest neighbours and alpha images
    premultiplied, so the order changes pixels). The target size is computed from `full_size` (default: the
    image's size), so a draft-decoded image ends at the same shape as the exactly decoded one."""
    new_w, new_h = _resize_target(full_size or img.size, pp)
    if (new_w, new_h) != img.size:
        img = img.resize((new_w, new_h), resample=_RESAMPLE[pp.interpolation], reducing_gap=None)
    arr = np.asarray(to_rgb(img, pp.rgb), dtype=np.uint8)
    if pp.crop_size is not None:
        arr = center_crop(arr, pp.crop_size, rounding=pp.crop_rounding)
    return arr


def center_crop(arr: np.ndarray, size: int, rounding: str = "floor") -> np.ndarray:
    """Crop (H, W, C) to size x size at offsets floor((H-size)/2) (Hugging Face), or round((H-size)/2)
    with `rounding="round"` (torchvision's CenterCrop); zero-pad first when smaller."""
    h, w = arr.shape[:2]
    if h < size or w < size:
        nh, nw = max(h, size), max(w, size)
        padded = np.zeros((nh, nw, arr.shape[2]), dtype=arr.dtype)
        top, left = -(-(nh - h) // 2), -(-(nw - w) // 2)
        padded[top : top + h, left : left + w] = arr
        arr, h, w = padded, nh, nw
    if rounding == "round":
        top, left = int(round((h - size) / 2.0)), int(round((w - size) / 2.0))
    else:
        top, left = (h - size) // 2, (w - size) // 2
    return arr[top : top + size, left : left + size]


def _upright_size(raw: RawImage) -> tuple[int, int] | None:
    """(width, height) of a JPEG as displayed, from its header (no pixels decoded); None for other images,
    which decode exactly in draft mode too."""
    if isinstance(raw, Image.Image):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        img = Image.open(io.BytesIO(raw_bytes(raw) or b""))
        if img.format != "JPEG":
            return None
        return img.size[::-1] if _UPRIGHT.get(_orientation(img)) in _TURNS else img.size


def prepare(raw: RawImage, pp: ImagePreprocessing, mode: str | None = None, decode_mode: str = "exact") -> Any:
    """One image as the model's input mode wants it: uint8 CHW array, PIL image (RGB unless the card keeps
    the decoded mode), or the encoded bytes. `mode`: the dataset's Image feature mode, if it sets one.

    `decode_mode="draft"` (see DECODE_MODES) applies to tensor inputs only: PIL and bytes inputs go to the
    model's own processor, which sizes them itself. Raises ValueError for an unknown mode."""
    if decode_mode not in DECODE_MODES:
        raise ValueError(f"decode mode must be one of {DECODE_MODES}, not {decode_mode!r}")
    if pp.input == "bytes":
        data = raw_bytes(raw)
        if data is None:
            buf = io.BytesIO()
            decode(raw, pp.rgb, mode).save(buf, format="PNG")
            data = buf.getvalue()
        return data
    if pp.input == "pil":
        return to_rgb(open_image(raw, mode), pp.rgb)
    full = _upright_size(raw) if decode_mode == "draft" else None
    img = open_image(raw, mode, pp if decode_mode == "draft" else None)
    if pp.rgb != "convert_last":
        img = to_rgb(img, pp.rgb)
    return np.ascontiguousarray(resize_and_crop(img, pp, full).transpose(2, 0, 1))


class ImageColumn:
    """Images of a Hugging Face dataset (or a plain list), read lazily one at a time.

    `columns` may name several image columns (e.g. a row's image_0 and image_1): items are then
    enumerated row-major. `items[i]` is (row, column), which error messages name.
    """

    def __init__(self, data: Any, columns: str | Sequence[str] | None = None, rows: Sequence[int] | None = None):
        cols = [columns] if isinstance(columns, str) else list(columns) if columns is not None else []
        self.modes: dict[str | None, str] = {}
        if cols:
            from datasets import Image as HFImage

            missing = [c for c in cols if c not in data.column_names]
            if missing:
                raise KeyError(missing[0])
            data = data.select_columns(cols)
            for c in cols:
                feature = data.features[c]
                if isinstance(feature, HFImage):
                    if feature.mode:
                        self.modes[c] = feature.mode
                    if feature.decode:
                        data = data.cast_column(c, HFImage(decode=False))
        self.data = data
        row_ids = range(len(data)) if rows is None else rows
        item_columns: list[str | None] = list(cols) if cols else [None]
        self.items: list[tuple[int, str | None]] = [(r, c) for r in row_ids for c in item_columns]

    @property
    def column(self) -> str | None:
        return self.items[0][1] if self.items else None

    def __len__(self) -> int:
        return len(self.items)

    def raw(self, i: int) -> RawImage:
        row, col = self.items[i]
        item = self.data[row]
        return item[col] if col is not None else item

    def row_id(self, i: int) -> int:
        return self.items[i][0]

    def mode(self, i: int) -> str | None:
        """The PIL mode the column's Image feature decodes item i to (`Image(mode=...)`), if it sets one."""
        return self.modes.get(self.items[i][1])

    def subset(self, positions: Sequence[int]) -> ImageColumn:
        out = object.__new__(ImageColumn)
        out.data, out.modes = self.data, self.modes
        out.items = [self.items[p] for p in positions]
        return out

    def iter_raw(self, chunk: int = 256) -> Iterator[RawImage]:
        """All raw images in order, read a chunk of rows at a time (for hashing)."""
        for start in range(0, len(self.items), chunk):
            items = self.items[start : start + chunk]
            if items[0][1] is None:
                yield from (self.data[r] for r, _ in items)
                continue
            rows = sorted({r for r, _ in items})
            block = self.data.select(rows) if rows != list(range(rows[0], rows[0] + len(rows))) else \
                self.data[rows[0] : rows[0] + len(rows)]
            if not isinstance(block, dict):
                block = block[:]
            at = {r: k for k, r in enumerate(rows)}
            yield from (block[c][at[r]] for r, c in items)
