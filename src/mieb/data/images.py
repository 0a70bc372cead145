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


def decode(raw: RawImage) -> Image.Image:
    """Decode to an RGB PIL image (alpha dropped, palette/greyscale expanded), like `.convert("RGB")`."""
    if isinstance(raw, Image.Image):
        img = raw
    else:
        data = raw_bytes(raw)
        if data is None:
            raise ValueError("image is empty (no bytes and no path)")
        img = Image.open(io.BytesIO(data))
        img.load()
    return img if img.mode == "RGB" else img.convert("RGB")


def resize_and_crop(img: Image.Image, pp: ImagePreprocessing) -> np.ndarray:
    """uint8 (H, W, 3) after the card's resize and centre crop, as HF's PIL-based processors do it."""
    w, h = img.size
    if pp.resize == "square":
        new_w = new_h = pp.size
    elif w <= h:
        new_w, new_h = pp.size, int(pp.size * h / w)
    else:
        new_w, new_h = int(pp.size * w / h), pp.size
    if (new_w, new_h) != (w, h):
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


def prepare(raw: RawImage, pp: ImagePreprocessing) -> Any:
    """One image as the model's input mode wants it: uint8 CHW array, RGB PIL image, or bytes."""
    if pp.input == "bytes":
        data = raw_bytes(raw)
        if data is None:
            buf = io.BytesIO()
            decode(raw).save(buf, format="PNG")
            data = buf.getvalue()
        return data
    img = decode(raw)
    if pp.input == "pil":
        return img
    return np.ascontiguousarray(resize_and_crop(img, pp).transpose(2, 0, 1))


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
