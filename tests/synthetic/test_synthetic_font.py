from __future__ import annotations

import itertools

import numpy as np
import pytest

from mieb.data.synthetic import font


def test_glyphs_are_5x7_and_pairwise_distinct():
    assert {"a", "z", "0", "9", " ", ".", "?"} <= font.CHARSET
    for ch, g in font.GLYPHS.items():
        assert g.shape == (font.GLYPH_H, font.GLYPH_W), ch
        assert g.dtype == bool
        assert (g.sum() == 0) == (ch == " "), ch
    for (a, ga), (b, gb) in itertools.combinations(font.GLYPHS.items(), 2):
        assert not np.array_equal(ga, gb), (a, b)


def test_line_mask_layout_and_case():
    m = font.line_mask("ab")
    assert m.shape == (7, 11)  # 5 + 1 spacing + 5
    assert np.array_equal(m[:, :5], font.glyph("a"))
    assert not m[:, 5].any()
    assert np.array_equal(m[:, 6:], font.glyph("b"))
    assert np.array_equal(font.line_mask("Star"), font.line_mask("star"))
    m2 = font.line_mask("ab", scale=2)
    assert m2.shape == (14, 22) and m2.sum() == 4 * m.sum()
    assert font.text_width("abc", 2) == 34


def test_unknown_character_is_an_error():
    with pytest.raises(ValueError, match="not in the bitmap font"):
        font.line_mask("caf\u00e9")


def test_wrap_and_draw():
    assert font.wrap("a big red star on the left.", 10) == ["a big red", "star on", "the left."]
    assert font.wrap("abcdefghijkl", 5) == ["abcde", "fghij", "kl"]
    canvas = np.full((20, 40, 3), 255, dtype=np.uint8)
    font.draw_text(canvas, "hi", 2, 3, (0, 0, 0))
    ink = (canvas == 0).all(axis=2)
    assert np.array_equal(ink[3:10, 2:13], font.line_mask("hi"))
    assert ink.sum() == font.line_mask("hi").sum()
    font.draw_text(canvas, "clipped", 35, 15, (0, 0, 0))  # partly outside: no error
