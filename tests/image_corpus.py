"""A corpus of awkward image files, generated: what real datasets contain and a decoder can get wrong.

Every EXIF orientation (1-8) on a 48 x 24 JPEG (and on PNG, WebP and TIFF), malformed EXIF blocks, CMYK
and progressive JPEG, greyscale JPEG, palette images with transparency (PNG tRNS, GIF), LA, RGBA, 1-bit,
16-bit greyscale and RGB PNG, 32-bit float TIFF, animated GIF and WebP. Pixels are random but seeded, and
each orientation image has a distinct top-left corner so a wrong rotation or flip shows.
"""

from __future__ import annotations

import io
import struct

import numpy as np
from PIL import Image

ORIENTATION = 0x0112


def _save(img: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _rgb(h: int, w: int, seed: int) -> np.ndarray:
    arr = np.random.RandomState(seed).randint(0, 256, size=(h, w, 3)).astype(np.uint8)
    arr[: h // 3, : w // 3] = (250, 20, 20)  # a marked corner: orientation errors move it
    return arr


def _exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return exif


def _tiff_ifd(entries: list[tuple[int, int, int, bytes]], ifd_offset: int = 8) -> bytes:
    """A little-endian TIFF header and one IFD of raw (tag, type, count, 4-byte value) entries."""
    out = b"II" + struct.pack("<HI", 42, ifd_offset) + struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        out += struct.pack("<HHI", tag, typ, count) + value
    return out + struct.pack("<I", 0)


def jpeg_with_app1(payload: bytes, size: tuple[int, int] = (48, 24), seed: int = 0) -> bytes:
    """A JPEG whose APP1 segment is `payload` verbatim (so it can be any malformed EXIF block)."""
    w, h = size
    data = _save(Image.fromarray(_rgb(h, w, seed)), "JPEG", quality=95)
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return data[:2] + segment + data[2:]


_O6 = (ORIENTATION, 3, 1, struct.pack("<HH", 6, 0))
MALFORMED_EXIF: dict[str, bytes] = {
    "exif-truncated-ifd": b"Exif\0\0" + _tiff_ifd([_O6])[:14],
    "exif-bad-byte-order": b"Exif\0\0" + b"XX" + bytes(20),
    "exif-garbage": b"Exif\0\0" + bytes(range(256)) * 2,
    "exif-empty": b"Exif\0\0",
    "exif-ifd-offset-past-end": b"Exif\0\0" + _tiff_ifd([_O6], ifd_offset=4000),
    "exif-orientation-9": b"Exif\0\0" + _tiff_ifd([(ORIENTATION, 3, 1, struct.pack("<HH", 9, 0))]),
    "exif-orientation-0": b"Exif\0\0" + _tiff_ifd([(ORIENTATION, 3, 1, struct.pack("<HH", 0, 0))]),
    "exif-orientation-as-text": b"Exif\0\0" + _tiff_ifd([(ORIENTATION, 2, 4, b"abc\0")]),
    "exif-orientation-6-twice": b"Exif\0\0" + _tiff_ifd([(ORIENTATION, 3, 2, struct.pack("<HH", 6, 6))]),
    "exif-o6-tag-past-end": b"Exif\0\0" + _tiff_ifd([_O6, (0x010E, 2, 100, struct.pack("<I", 9999))]),
    "exif-o6-exif-ifd-past-end": b"Exif\0\0" + _tiff_ifd([_O6, (0x8769, 4, 1, struct.pack("<I", 9999))]),
    "exif-o6-gps-ifd-loop": b"Exif\0\0" + _tiff_ifd([_O6, (0x8825, 4, 1, struct.pack("<I", 8))]),
    # A BigTIFF-only type (16, LONG8) in a classic TIFF block: Pillow reads it, but ImageOps.exif_transpose
    # fails re-writing the block (struct.error), so `datasets`' decode raises on this file.
    "exif-o6-long8-tag": b"Exif\0\0" + _tiff_ifd([_O6, (0x9999, 16, 1, struct.pack("<I", 0))]),
}
# Files `datasets` (2.19-5.2, Pillow 13) cannot decode; mieb decodes them as their EXIF orientation says.
DATASETS_FAILS = {"exif-o6-long8-tag"}


def _animated(fmt: str) -> bytes:
    frames = [Image.fromarray(_rgb(20, 30, s)) for s in (1, 2, 3)]
    if fmt == "GIF":
        frames = [f.convert("P", palette=Image.Palette.ADAPTIVE) for f in frames]
        return _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0,
                     transparency=0)
    return _save(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=50, lossless=True)


def corpus() -> dict[str, bytes]:
    """name -> encoded file."""
    out: dict[str, bytes] = {}
    base = Image.fromarray(_rgb(24, 48, 0))  # 48 wide, 24 high
    for o in range(1, 9):
        out[f"jpeg-orientation-{o}"] = _save(base, "JPEG", quality=95, exif=_exif(o))
    out["png-orientation-6"] = _save(base, "PNG", exif=_exif(6))
    out["webp-orientation-3"] = _save(base, "WEBP", lossless=True, exif=_exif(3))
    out["tiff-orientation-8"] = _save(base, "TIFF", exif=_exif(8))
    out["jpeg-orientation-5-cmyk"] = _save(base.convert("CMYK"), "JPEG", quality=95, exif=_exif(5))
    for name, payload in MALFORMED_EXIF.items():
        out[name] = jpeg_with_app1(payload)
    rgb = Image.fromarray(_rgb(37, 53, 7))
    out["jpeg-cmyk"] = _save(rgb.convert("CMYK"), "JPEG", quality=90)
    out["jpeg-progressive"] = _save(rgb, "JPEG", quality=90, progressive=True, optimize=True)
    out["jpeg-greyscale"] = _save(rgb.convert("L"), "JPEG", quality=90)
    rgba = np.dstack([_rgb(37, 53, 8), np.random.RandomState(9).randint(0, 256, (37, 53)).astype(np.uint8)])
    rgba[:5, :, 3] = 0  # fully transparent rows with coloured pixels under them
    out["png-rgba"] = _save(Image.fromarray(rgba, "RGBA"), "PNG")
    out["png-la"] = _save(Image.fromarray(rgba, "RGBA").convert("LA"), "PNG")
    palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    out["png-palette-transparent"] = _save(palette, "PNG", transparency=3)
    out["png-palette-alpha-table"] = _save(palette, "PNG", transparency=bytes(range(0, 256, 16)))
    out["gif-palette-transparent"] = _save(palette, "GIF", transparency=5)
    out["png-greyscale-transparent"] = _save(rgb.convert("L"), "PNG", transparency=128)
    flat = Image.fromarray((_rgb(37, 53, 11) // 64 * 64).astype(np.uint8))  # few colours: the key matches
    out["png-rgb-transparent-colour"] = _save(flat, "PNG", transparency=(0, 64, 128))
    out["png-1bit"] = _save(rgb.convert("1"), "PNG")
    grey16 = np.random.RandomState(10).randint(0, 65536, (29, 41)).astype(np.uint16)
    out["png-16bit-greyscale"] = _save(Image.fromarray(grey16), "PNG")
    out["tiff-float32"] = _save(Image.fromarray(grey16.astype(np.float32) / 65535), "TIFF")
    out["gif-animated"] = _animated("GIF")
    out["webp-animated"] = _animated("WEBP")
    return out
