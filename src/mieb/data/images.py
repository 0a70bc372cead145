"""Image columns, decoding and resizing: what DataLoader workers run.

Images stay encoded (bytes in the Arrow table) until a worker decodes them, so a task never holds
its decoded images in memory, and their bytes can be hashed for the embedding cache first.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from PIL import Image

from mieb.models.meta import ImagePreprocessing

_RESAMPLE = {
    "nearest": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
    "box": Image.Resampling.BOX,
    "hamming": Image.Resampling.HAMMING,
}

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


# How JPEGs are decoded. "exact" (the default) decodes every pixel, as `datasets` and the reference do.
# "draft" (opt-in, approximate) lets libjpeg downscale by 1/2, 1/4 or 1/8 in the DCT domain while
# decoding (Pillow's `Image.draft`), to the smallest scale still at least the resize target, then resizes
# as usual: the same output shape, different pixels, fewer CPU cycles for large images. Other formats
# decode exactly in both modes. Runs record the mode, and the embedding cache keys on it.
DECODE_MODES = ("exact", "draft")


def _open(raw: RawImage) -> Image.Image:
    """A lazily decoded PIL image (header read, pixels not yet), or the PIL image given."""
    if isinstance(raw, Image.Image):
        return raw
    data = raw_bytes(raw)
    if data is None:
        raise ValueError("image is empty (no bytes and no path)")
    return Image.open(io.BytesIO(data))


def _rgb(img: Image.Image) -> Image.Image:
    img.load()
    return img if img.mode == "RGB" else img.convert("RGB")


def decode(raw: RawImage) -> Image.Image:
    """Decode to an RGB PIL image (alpha dropped, palette/greyscale expanded), like `.convert("RGB")`."""
    return _rgb(_open(raw))


def _resize_target(size: tuple[int, int], pp: ImagePreprocessing) -> tuple[int, int]:
    """(width, height) the card's resize gives an image of `size`, as Hugging Face processors compute it."""
    w, h = size
    if pp.resize == "square":
        return pp.size, pp.size
    if w <= h:
        return pp.size, int(pp.size * h / w)
    return int(pp.size * w / h), pp.size


def resize_and_crop(img: Image.Image, pp: ImagePreprocessing, full_size: tuple[int, int] | None = None) -> np.ndarray:
    """uint8 (H, W, 3) after the card's resize and centre crop, as HF's PIL-based processors do it.

    The target size is computed from `full_size` (default: the image's size), so a draft-decoded image
    ends at the same shape as the exactly decoded one."""
    new_w, new_h = _resize_target(full_size or img.size, pp)
    if (new_w, new_h) != img.size:
        img = img.resize((new_w, new_h), resample=_RESAMPLE[pp.interpolation], reducing_gap=None)
    arr = np.asarray(img, dtype=np.uint8)
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


def prepare(raw: RawImage, pp: ImagePreprocessing, decode_mode: str = "exact") -> Any:
    """One image as the model's input mode wants it: uint8 CHW array, RGB PIL image, or bytes.

    `decode_mode="draft"` (see DECODE_MODES) applies to tensor inputs only: PIL and bytes inputs go to the
    model's own processor, which sizes them itself. Raises ValueError for an unknown mode."""
    if decode_mode not in DECODE_MODES:
        raise ValueError(f"decode mode must be one of {DECODE_MODES}, not {decode_mode!r}")
    if pp.input == "bytes":
        data = raw_bytes(raw)
        if data is None:
            buf = io.BytesIO()
            decode(raw).save(buf, format="PNG")
            data = buf.getvalue()
        return data
    if pp.input == "pil":
        return decode(raw)
    img = _open(raw)
    full = img.size
    if decode_mode == "draft" and img.format == "JPEG":  # libjpeg scales by 1/2, 1/4, 1/8 while decoding
        img.draft("RGB", _resize_target(full, pp))
    return np.ascontiguousarray(resize_and_crop(_rgb(img), pp, full).transpose(2, 0, 1))


class ImageColumn:
    """Images of a Hugging Face dataset (or a plain list), read lazily one at a time.

    `columns` may name several image columns (e.g. a row's image_0 and image_1): items are then
    enumerated row-major. `items[i]` is (row, column), which error messages name.
    """

    def __init__(self, data: Any, columns: str | Sequence[str] | None = None, rows: Sequence[int] | None = None):
        cols = [columns] if isinstance(columns, str) else list(columns) if columns is not None else []
        if cols:
            from datasets import Image as HFImage

            missing = [c for c in cols if c not in data.column_names]
            if missing:
                raise KeyError(missing[0])
            data = data.select_columns(cols)
            for c in cols:
                feature = data.features[c]
                if isinstance(feature, HFImage) and feature.decode:
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

    def subset(self, positions: Sequence[int]) -> ImageColumn:
        out = object.__new__(ImageColumn)
        out.data = self.data
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
