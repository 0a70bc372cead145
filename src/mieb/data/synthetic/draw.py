"""Pure-numpy drawing for the offline world: shape masks, textured backgrounds, compositing.

Everything here uses only exact integer draws from `numpy.random.RandomState` (whose streams numpy
keeps frozen) and +, -, *, / and comparisons on float64 (the polygon vertices are written out as
decimal constants), so the same seed gives the same pixels on every machine.

Shapes are anti-aliased by 4x4 supersampling: the coverage of each pixel is the fraction of its 16
sample points inside the shape.
"""

from __future__ import annotations

import numpy as np

SS = 4  # supersampling factor per axis
_OFFS = (np.arange(SS, dtype=np.float64) + 0.5) / SS

# Unit polygons (radius 1, centred at 0, y pointing down). Trigonometric values written as constants.
_C18, _S18 = 0.9510565163, 0.3090169944  # cos/sin 18 degrees
_C54, _S54 = 0.5877852523, 0.8090169944  # cos/sin 54 degrees
_INNER = 0.42
_STAR = np.array(
    [
        (0.0, -1.0),
        (_INNER * _C54, -_INNER * _S54),
        (_C18, -_S18),
        (_INNER * _C18, _INNER * _S18),
        (_C54, _S54),
        (0.0, _INNER),
        (-_C54, _S54),
        (-_INNER * _C18, _INNER * _S18),
        (-_C18, -_S18),
        (-_INNER * _C54, -_INNER * _S54),
    ]
)
_TRIANGLE = np.array([(0.0, -1.0), (0.95, 0.75), (-0.95, 0.75)])
_HEART_V = np.array([(-0.98, -0.12), (0.98, -0.12), (0.0, 0.95)])


def _polygon_inside(px: np.ndarray, py: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Even-odd point-in-polygon test (vectorised over points)."""
    inside = np.zeros(px.shape, dtype=bool)
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        if y1 == y2:
            continue
        cond = (py >= min(y1, y2)) & (py < max(y1, y2))
        xint = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        inside ^= cond & (px < xint)
    return inside


def unit_shape_inside(shape: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Membership of points (u, v), in units of the shape's radius, for each shape name."""
    if shape == "circle":
        return u * u + v * v <= 1.0
    if shape == "ring":
        d = u * u + v * v
        return (d <= 1.0) & (d >= 0.36)
    if shape == "square":
        return (np.abs(u) <= 0.82) & (np.abs(v) <= 0.82)
    if shape == "diamond":
        return np.abs(u) + np.abs(v) <= 1.0
    if shape == "cross":
        return ((np.abs(u) <= 0.3) & (np.abs(v) <= 1.0)) | ((np.abs(v) <= 0.3) & (np.abs(u) <= 1.0))
    if shape == "triangle":
        return _polygon_inside(u, v, _TRIANGLE)
    if shape == "star":
        return _polygon_inside(u, v, _STAR)
    if shape == "heart":
        lobe_l = (u + 0.48) ** 2 + (v + 0.35) ** 2 <= 0.52 * 0.52
        lobe_r = (u - 0.48) ** 2 + (v + 0.35) ** 2 <= 0.52 * 0.52
        return lobe_l | lobe_r | _polygon_inside(u, v, _HEART_V)
    raise ValueError(f"unknown shape {shape!r}")


def shape_coverage(shape: str, cx: float, cy: float, r: float, h: int, w: int) -> tuple[np.ndarray, int, int]:
    """Anti-aliased coverage (float64 in [0, 1]) of a shape in its bounding box.

    Returns (coverage, top, left): coverage covers rows top.. and columns left.. of an (h, w) canvas.
    """
    top, left = max(int(np.floor(cy - r)) - 1, 0), max(int(np.floor(cx - r)) - 1, 0)
    bottom, right = min(int(np.ceil(cy + r)) + 1, h), min(int(np.ceil(cx + r)) + 1, w)
    if bottom <= top or right <= left:
        return np.zeros((0, 0)), top, left
    ys = (np.arange(top, bottom, dtype=np.float64)[:, None] + _OFFS[None, :]).reshape(-1)
    xs = (np.arange(left, right, dtype=np.float64)[:, None] + _OFFS[None, :]).reshape(-1)
    v, u = np.broadcast_arrays((ys[:, None] - cy) / r, (xs[None, :] - cx) / r)
    inside = unit_shape_inside(shape, u, v).astype(np.float64)
    hh, ww = bottom - top, right - left
    cov = inside.reshape(hh, SS, ww, SS).sum(axis=(1, 3)) / (SS * SS)
    return cov, top, left


def paint(canvas: np.ndarray, cov: np.ndarray, top: int, left: int, color: np.ndarray) -> None:
    """Alpha-composite a solid colour with coverage `cov` into a uint8 canvas, in place."""
    if cov.size == 0:
        return
    hh, ww = cov.shape
    region = canvas[top : top + hh, left : left + ww].astype(np.float64)
    a = cov[:, :, None]
    out = region * (1.0 - a) + np.asarray(color, dtype=np.float64)[None, None, :] * a
    canvas[top : top + hh, left : left + ww] = np.floor(out + 0.5).astype(np.uint8)


def draw_shape(canvas: np.ndarray, shape: str, cx: float, cy: float, r: float, color: np.ndarray) -> None:
    h, w = canvas.shape[:2]
    cov, top, left = shape_coverage(shape, cx, cy, r, h, w)
    paint(canvas, cov, top, left, color)


def _upsample(grid: np.ndarray, h: int, w: int) -> np.ndarray:
    """Bilinear upsampling of a small (gh, gw, C) grid to (h, w, C), corners aligned."""
    gh, gw = grid.shape[:2]
    ys = np.arange(h, dtype=np.float64) * (gh - 1) / max(h - 1, 1)
    xs = np.arange(w, dtype=np.float64) * (gw - 1) / max(w - 1, 1)
    y0 = np.minimum(ys.astype(np.int64), gh - 2)
    x0 = np.minimum(xs.astype(np.int64), gw - 2)
    fy = (ys - y0)[:, None, None]
    fx = (xs - x0)[None, :, None]
    g = grid.astype(np.float64)
    a = g[y0][:, x0]
    b = g[y0][:, x0 + 1]
    c = g[y0 + 1][:, x0]
    d = g[y0 + 1][:, x0 + 1]
    return a * (1 - fy) * (1 - fx) + b * (1 - fy) * fx + c * fy * (1 - fx) + d * fy * fx


def background(rs: np.random.RandomState, h: int, w: int, lo: int = 85, hi: int = 170) -> np.ndarray:
    """A low-saturation textured background: smooth noise, optional stripes or gradient, pixel grain."""
    base = rs.randint(lo, hi + 1)
    tint = rs.randint(-14, 15, size=3)
    g = rs.randint(3, 7)
    amp = rs.randint(8, 30)
    grid = rs.randint(-amp, amp + 1, size=(g, g, 1)) + rs.randint(-5, 6, size=(g, g, 3))
    img = base + tint[None, None, :] + _upsample(grid, h, w)
    kind = rs.randint(0, 4)
    if kind == 1:  # stripes
        period = rs.randint(4, 11)
        s_amp = rs.randint(6, 16)
        horizontal = rs.randint(0, 2)
        idx = np.arange(h if horizontal else w)
        band = np.where((idx // period) % 2 == 0, s_amp, -s_amp).astype(np.float64)
        img = img + (band[:, None, None] if horizontal else band[None, :, None])
    elif kind == 2:  # linear gradient
        gy, gx = rs.randint(-30, 31), rs.randint(-30, 31)
        yy = np.arange(h, dtype=np.float64)[:, None, None] / max(h - 1, 1) - 0.5
        xx = np.arange(w, dtype=np.float64)[None, :, None] / max(w - 1, 1) - 0.5
        img = img + gy * yy + gx * xx
    elif kind == 3:  # checks
        period = rs.randint(5, 13)
        c_amp = rs.randint(5, 13)
        cy = (np.arange(h) // period)[:, None]
        cx = (np.arange(w) // period)[None, :]
        img = img + np.where((cy + cx) % 2 == 0, c_amp, -c_amp)[:, :, None].astype(np.float64)
    grain = rs.randint(0, 7)
    if grain:
        img = img + rs.randint(-grain, grain + 1, size=(h, w, 1))
    return np.clip(np.floor(img + 0.5), 0, 255).astype(np.uint8)


def paper(rs: np.random.RandomState, h: int, w: int) -> np.ndarray:
    """A light, nearly flat background for rendered text and document pages."""
    base = rs.randint(205, 251)
    tint = rs.randint(-6, 7, size=3)
    img = base + tint[None, None, :] + rs.randint(-3, 4, size=(h, w, 1))
    return np.clip(img, 0, 255).astype(np.uint8)


def jitter_color(rs: np.random.RandomState, rgb: tuple[int, int, int], amount: int = 12) -> np.ndarray:
    c = np.asarray(rgb, dtype=np.int64) + rs.randint(-amount, amount + 1, size=3)
    return np.clip(c, 0, 255).astype(np.float64)
