"""A small 5x7 bitmap font, drawn by hand for the offline world, and a text renderer.

No font file and no PIL text drawing is involved, so rendered text is pixel-identical on every
machine. Text is rendered in lower case (upper-case input is lowered); the glyph table covers
a-z, 0-9, space and a few punctuation marks. Each glyph is 7 rows of 5 columns ('#' = ink).
"""

from __future__ import annotations

import numpy as np

GLYPH_W = 5
GLYPH_H = 7

_GLYPH_ROWS: dict[str, str] = {
    "a": "..... ..... .###. ....# .#### #...# .####",
    "b": "#.... #.... ####. #...# #...# #...# ####.",
    "c": "..... ..... .###. #.... #.... #...# .###.",
    "d": "....# ....# .#### #...# #...# #...# .####",
    "e": "..... ..... .###. #...# ##### #.... .###.",
    "f": "..##. .#..# .#... ###.. .#... .#... .#...",
    "g": "..... .#### #...# #...# .#### ....# .###.",
    "h": "#.... #.... #.##. ##..# #...# #...# #...#",
    "i": "..#.. ..... .##.. ..#.. ..#.. ..#.. .###.",
    "j": "...#. ..... ..##. ...#. ...#. #..#. .##..",
    "k": "#.... #.... #..#. #.#.. ##... #.#.. #..#.",
    "l": ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
    "m": "..... ..... ##.#. #.#.# #.#.# #...# #...#",
    "n": "..... ..... #.##. ##..# #...# #...# #...#",
    "o": "..... ..... .###. #...# #...# #...# .###.",
    "p": "..... ####. #...# #...# ####. #.... #....",
    "q": "..... .#### #...# #...# .#### ....# ....#",
    "r": "..... ..... #.##. ##..# #.... #.... #....",
    "s": "..... ..... .#### #.... .###. ....# ####.",
    "t": ".#... .#... ###.. .#... .#... .#..# ..##.",
    "u": "..... ..... #...# #...# #...# #..## .##.#",
    "v": "..... ..... #...# #...# #...# .#.#. ..#..",
    "w": "..... ..... #...# #...# #.#.# #.#.# .#.#.",
    "x": "..... ..... #...# .#.#. ..#.. .#.#. #...#",
    "y": "..... #...# #...# #...# .#### ....# .###.",
    "z": "..... ..... ##### ...#. ..#.. .#... #####",
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
    "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####",
    "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
    "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": "..##. .#... #.... ####. #...# #...# .###.",
    "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.",
    "9": ".###. #...# #...# .#### ....# ...#. .##..",
    " ": "..... ..... ..... ..... ..... ..... .....",
    ".": "..... ..... ..... ..... ..... .##.. .##..",
    ",": "..... ..... ..... ..... .##.. ..#.. .#...",
    "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
    "!": "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",
    ":": "..... .##.. .##.. ..... .##.. .##.. .....",
    "'": "..#.. ..#.. .#... ..... ..... ..... .....",
    "-": "..... ..... ..... ##### ..... ..... .....",
}


def _parse(rows: str) -> np.ndarray:
    lines = rows.split()
    if len(lines) != GLYPH_H or any(len(line) != GLYPH_W for line in lines):
        raise ValueError(f"malformed glyph {rows!r}")
    return np.array([[c == "#" for c in line] for line in lines], dtype=bool)


GLYPHS: dict[str, np.ndarray] = {ch: _parse(rows) for ch, rows in _GLYPH_ROWS.items()}
CHARSET = frozenset(GLYPHS)


def glyph(ch: str) -> np.ndarray:
    """The (7, 5) boolean bitmap of one character (upper case is drawn as lower case)."""
    try:
        return GLYPHS[ch.lower()]
    except KeyError:
        raise ValueError(f"character {ch!r} is not in the bitmap font (it has {''.join(sorted(CHARSET))!r})") from None


def text_width(text: str, scale: int = 1) -> int:
    """Width in pixels of one line: 5 px per glyph plus 1 px spacing, times scale (no trailing space)."""
    return 0 if not text else (len(text) * (GLYPH_W + 1) - 1) * scale


def line_mask(text: str, scale: int = 1) -> np.ndarray:
    """Boolean ink mask (7*scale, width) of one line of text."""
    h = GLYPH_H * scale
    out = np.zeros((h, max(text_width(text, scale), 0)), dtype=bool)
    x = 0
    step = (GLYPH_W + 1) * scale
    for ch in text:
        g = glyph(ch)
        if scale > 1:
            g = np.repeat(np.repeat(g, scale, axis=0), scale, axis=1)
        out[:, x : x + GLYPH_W * scale] = g
        x += step
    return out


def wrap(text: str, max_chars: int) -> list[str]:
    """Greedy word wrap; a word longer than `max_chars` is split."""
    lines: list[str] = []
    cur = ""
    for word in text.split():
        while len(word) > max_chars:
            if cur:
                lines.append(cur)
                cur = ""
            lines.append(word[:max_chars])
            word = word[max_chars:]
        if not cur:
            cur = word
        elif len(cur) + 1 + len(word) <= max_chars:
            cur = cur + " " + word
        else:
            lines.append(cur)
            cur = word
    if cur:
        lines.append(cur)
    return lines


def draw_text(
    canvas: np.ndarray,
    text: str,
    x: int,
    y: int,
    color: tuple[int, int, int] | np.ndarray,
    scale: int = 1,
) -> None:
    """Draw one line of text into an (H, W, 3) uint8 canvas, top-left at (x, y); clipped at the edges."""
    mask = line_mask(text, scale)
    h, w = mask.shape
    H, W = canvas.shape[:2]
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, W), min(y + h, H)
    if x1 <= x0 or y1 <= y0:
        return
    sub = mask[y0 - y : y1 - y, x0 - x : x1 - x]
    region = canvas[y0:y1, x0:x1]
    region[sub] = np.asarray(color, dtype=np.uint8)
