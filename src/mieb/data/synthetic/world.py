"""The offline world: vocabulary, scenes of coloured shapes, rendered text and document pages.

Shared by the dataset builders (evaluation sets) and by `scripts/train_tiny_clip.py` (training
stream). Every sampler takes a `numpy.random.RandomState`; the same seed gives the same output.

All text is lower case ASCII (the bitmap font and the tokenizer lower-case anyway). Multilingual
items use a small German vocabulary written without umlauts (gruen, weiss, gross, ueber).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from mieb.data.synthetic import draw, font

IMAGE_SIZE = 64
PAGE_W, PAGE_H = 128, 160  # document pages (portrait); mieb's preprocessing halves them, then crops 64x64

# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------
SHAPES = ["circle", "square", "triangle", "star", "cross", "heart", "diamond", "ring"]
SHAPES_PLURAL = {
    "circle": "circles", "square": "squares", "triangle": "triangles", "star": "stars",
    "cross": "crosses", "heart": "hearts", "diamond": "diamonds", "ring": "rings",
}
COLORS = ["red", "green", "blue", "yellow", "purple", "orange", "white", "black"]
RGB = {
    "red": (215, 35, 35), "green": (35, 165, 55), "blue": (35, 75, 215), "yellow": (235, 215, 35),
    "purple": (140, 50, 190), "orange": (245, 135, 20), "white": (248, 248, 248), "black": (15, 15, 15),
}
SIZES = ["small", "big"]
POSITIONS = ["left", "right", "top", "bottom", "middle"]
COUNTS = ["one", "two", "three", "four"]
RELATIONS = ["left of", "right of", "above", "below"]
OPPOSITE = {"left of": "right of", "right of": "left of", "above": "below", "below": "above"}

POS_PHRASE_EN = {
    "left": "on the left", "right": "on the right", "top": "at the top", "bottom": "at the bottom",
    "middle": "in the middle",
}

DE = {
    "circle": "kreis", "square": "quadrat", "triangle": "dreieck", "star": "stern", "cross": "kreuz",
    "heart": "herz", "diamond": "raute", "ring": "ring",
    "red": "rot", "green": "gruen", "blue": "blau", "yellow": "gelb", "purple": "lila", "orange": "orange",
    "white": "weiss", "black": "schwarz",
    "small": "klein", "big": "gross",
    "left": "links", "right": "rechts", "top": "oben", "bottom": "unten", "middle": "in der mitte",
    "one": "ein", "two": "zwei", "three": "drei", "four": "vier",
}
DE_PLURAL = {
    "circle": "kreise", "square": "quadrate", "triangle": "dreiecke", "star": "sterne", "cross": "kreuze",
    "heart": "herzen", "diamond": "rauten", "ring": "ringe",
}
DE_GENDER = {
    "circle": "m", "square": "n", "triangle": "n", "star": "m", "cross": "n", "heart": "n", "diamond": "f",
    "ring": "m",
}
_DE_DEF = {"m": "der", "n": "das", "f": "die"}
_DE_IND = {"m": "ein", "n": "ein", "f": "eine"}
_DE_DAT = {"m": "einem", "n": "einem", "f": "einer"}
_DE_PRON = {"m": "er", "n": "es", "f": "sie"}

# Documents: titles are "<topic> <kind>", e.g. "garden report".
DOC_TOPICS = [
    "budget", "garden", "travel", "music", "energy", "health", "school", "market", "river", "winter",
    "sport", "kitchen",
]
DOC_KINDS = ["report", "notes", "plan", "guide", "list", "menu", "letter", "review"]
DOC_FILLER = [
    "the", "and", "data", "page", "item", "total", "note", "see", "part", "line", "year", "day", "new",
    "old", "with", "for", "from", "table", "cost", "time", "week", "next", "last", "team",
]

# Zero-shot prompt of ShapesZeroShot (as in CIFAR10ZeroShot).
ZEROSHOT_TEMPLATE = "a photo of a {name}."

# Questions for the image+text query tasks, by answer category.
QUESTIONS = {
    "color": ["what colour is the shape?", "what color is it?", "which colour does the shape have?"],
    "shape": ["what shape is it?", "what is the shape?", "which shape is shown?"],
    "count": ["how many shapes are there?", "how many objects are in the picture?"],
    "position": ["where is the shape?", "where is it?"],
    "present": ["which shape is in the picture?", "which of these shapes can you see?"],
}
ANSWERS = {
    "color": COLORS, "shape": SHAPES, "count": COUNTS, "position": POSITIONS, "present": SHAPES,
}


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


# --------------------------------------------------------------------------------------------------
# Scenes
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Obj:
    shape: str
    color: str
    size: str  # "small" | "big" (single-object scenes); "small" for crowded scenes
    cx: float
    cy: float
    r: float
    position: str | None = None  # set for single-object scenes


GRID = 8  # object centres sit on the model's 8 px patch grid (see sample_single)


def _grid(rs: np.random.RandomState, lo: int, hi: int) -> float:
    """A multiple of GRID in [lo, hi] (exact integer draw)."""
    return float(GRID * rs.randint(-(-lo // GRID), hi // GRID + 1))


def sample_radius(rs: np.random.RandomState, size: str) -> float:
    return float(rs.randint(6, 9)) if size == "small" else float(rs.randint(11, 15))


_POS_CENTRE = {"left": (-1, 0), "right": (1, 0), "top": (0, -1), "bottom": (0, 1), "middle": (0, 0)}


def sample_single(
    rs: np.random.RandomState,
    shape: str | None = None,
    color: str | None = None,
    size: str | None = None,
    position: str | None = None,
) -> Obj:
    """One object with all four attributes (unspecified ones drawn at random).

    Centres lie on the 8 px grid of the model's patches (a tiny ViT learns shapes from aligned
    patches far faster than at arbitrary sub-patch offsets): 16 px from the edge for left / right /
    top / bottom (moved by -8, 0 or +8 px along that edge), the image centre for middle."""
    shape = shape or SHAPES[rs.randint(len(SHAPES))]
    color = color or COLORS[rs.randint(len(COLORS))]
    size = size or SIZES[rs.randint(len(SIZES))]
    position = position or POSITIONS[rs.randint(len(POSITIONS))]
    r = sample_radius(rs, size)
    dx, dy = _POS_CENTRE[position]
    slide = float(GRID * rs.randint(-1, 2)) if position != "middle" else 0.0
    cx = 32.0 + dx * 16.0 + (slide if dx == 0 else 0.0)
    cy = 32.0 + dy * 16.0 + (slide if dy == 0 else 0.0)
    return Obj(shape, color, size, cx, cy, r, position)


def _free_spot(rs, placed: list[Obj], r: float, margin: float = 2.0, tries: int = 200):
    for _ in range(tries):
        cx = _grid(rs, int(np.ceil(r)), int(IMAGE_SIZE - np.ceil(r)))
        cy = _grid(rs, int(np.ceil(r)), int(IMAGE_SIZE - np.ceil(r)))
        ok = all((cx - o.cx) ** 2 + (cy - o.cy) ** 2 >= (r + o.r + margin) ** 2 for o in placed)
        if ok:
            return cx, cy
    return None


def sample_scattered(rs: np.random.RandomState, specs: list[tuple[str, str]], rmin=6, rmax=8) -> list[Obj]:
    """Non-overlapping small objects at random grid places, one per (shape, colour) spec."""
    while True:
        placed: list[Obj] = []
        for shape, color in specs:
            r = float(rs.randint(rmin, rmax + 1))
            spot = _free_spot(rs, placed, r)
            if spot is None:
                break
            placed.append(Obj(shape, color, "small", spot[0], spot[1], r))
        if len(placed) == len(specs):
            return placed


def sample_relation(
    rs: np.random.RandomState, a: tuple[str, str], b: tuple[str, str], relation: str
) -> list[Obj]:
    """Two objects where `a` is `relation` `b` ("left of", "right of", "above", "below")."""
    r1, r2 = float(rs.randint(7, 11)), float(rs.randint(7, 11))
    lead, trail = (a, b) if relation in ("left of", "above") else (b, a)
    rl, rt = (r1, r2) if relation in ("left of", "above") else (r2, r1)
    along1, along2 = 16.0, 48.0
    across1 = 32.0 + GRID * rs.randint(-1, 2)
    across2 = 32.0 + GRID * rs.randint(-1, 2)
    if relation in ("left of", "right of"):
        o1 = Obj(lead[0], lead[1], "small", along1, across1, rl)
        o2 = Obj(trail[0], trail[1], "small", along2, across2, rt)
    else:
        o1 = Obj(lead[0], lead[1], "small", across1, along1, rl)
        o2 = Obj(trail[0], trail[1], "small", across2, along2, rt)
    return [o1, o2] if lead == a else [o2, o1]


def render_scene(rs: np.random.RandomState, objects: list[Obj], h: int = IMAGE_SIZE, w: int = IMAGE_SIZE) -> np.ndarray:
    """Objects over a textured background; uint8 (h, w, 3)."""
    img = draw.background(rs, h, w)
    for o in objects:
        draw.draw_shape(img, o.shape, o.cx, o.cy, o.r, draw.jitter_color(rs, RGB[o.color]))
    return img


# --------------------------------------------------------------------------------------------------
# Captions
# --------------------------------------------------------------------------------------------------
def _fill(template: str, **kw: str) -> str:
    out = template.format(**kw)
    out = re.sub(r"\b(a) ([aeiou])", r"an \2", out)  # "a orange" -> "an orange"
    return re.sub(r"\s+", " ", out).strip()


SINGLE_EN = [
    "a photo of a {s}.", "a {s}.", "a {c} {s}.", "a photo of a {c} {s}.", "a {z} {s}.", "a {z} {c} {s}.",
    "a {c} {s} {p}.", "a {s} {p}.", "a {z} {c} {s} {p}.", "the {s} is {c}.", "the {s} is {z} and {c}.",
    "a picture of a {c} {s}.", "there is a {c} {s} {p}.", "{c} {s}.", "{s}.", "a {c} shape.", "a {c} shape {p}.",
    "a {z} shape {p}.", "a shape {p}.", "something {c}.",
]
FULL_EN = ["a {z} {c} {s} {p}.", "a {c} {s}, {z}, {p}.", "the {s} is {z} and {c}, {p}.", "there is a {z} {c} {s} {p}."]
SINGLE_DE = [
    "ein foto von {dat} {s}.", "{ind} {s}.", "{def} {s} ist {c}.", "{def} {s} ist {z} und {c}.",
    "{def} {s} ist {c} und liegt {p}.", "{def} {s} ist {z}, {c} und liegt {p}.", "{s}: {c}, {z}, {p}.",
    "{s}, {c}.", "{s}.", "{p} liegt {ind} {s}.", "hier ist {ind} {s}, {c}.", "etwas {c}.",
]
FULL_DE = ["{def} {s} ist {z}, {c} und liegt {p}.", "{s}: {c}, {z}, {p}.", "{p} liegt {ind} {s}, {c} und {z}."]


def _slots(o: Obj, lang: str) -> dict[str, str]:
    if lang == "en":
        return dict(s=o.shape, c=o.color, z=o.size, p=POS_PHRASE_EN[o.position or "middle"])
    g = DE_GENDER[o.shape]
    return dict(
        s=DE[o.shape], c=DE[o.color], z=DE[o.size], p=DE[o.position or "middle"],
        **{"def": _DE_DEF[g], "ind": _DE_IND[g], "dat": _DE_DAT[g], "pron": _DE_PRON[g]},
    )


_PLACEHOLDER_ATTR = {"s": "shape", "c": "color", "z": "size", "p": "position"}


def template_attrs(template: str) -> frozenset[str]:
    """The object attributes a caption template states ({s}, {c}, {z}, {p})."""
    return frozenset(_PLACEHOLDER_ATTR[k] for k in re.findall(r"\{([a-z]+)\}", template) if k in _PLACEHOLDER_ATTR)


def caption_single(rs: np.random.RandomState, o: Obj, lang: str = "en", with_attrs: bool = False):
    """A caption that mentions any subset of the object's attributes (training).

    With `with_attrs`, returns (caption, the attributes it states)."""
    templates = (SINGLE_EN + FULL_EN + STS_EN) if lang == "en" else (SINGLE_DE + FULL_DE + STS_DE)
    t = templates[rs.randint(len(templates))]
    text = _fill(t, **_slots(o, lang))
    return (text, template_attrs(t)) if with_attrs else text


def describe_full(o: Obj, lang: str = "en", variant: int = 0) -> str:
    """A caption naming shape, colour, size and position (retrieval sets)."""
    templates = FULL_EN if lang == "en" else FULL_DE
    return _fill(templates[variant % len(templates)], **_slots(o, lang))


def caption_count(rs: np.random.RandomState, n: int, shape: str, color: str, lang: str = "en",
                  with_attrs: bool = False):
    """A caption of n copies of one object; with `with_attrs`, also the attributes it states
    (a subset of {"n", "shape", "color"})."""
    if lang == "en":
        templates = ["{n} {c} {s}.", "a photo of {n} {s}.", "{n} {s}.", "there are {n} {c} {s}.", "{n} {c} shapes."]
        if n == 1:
            templates = ["one {c} {s}.", "a photo of one {s}.", "one {s}.", "a single {c} {s}.", "one {c} shape."]
        slots = dict(n=COUNTS[n - 1], c=color, s=shape if n == 1 else SHAPES_PLURAL[shape])
    else:
        templates = ["{n} {s}, alle {c}.", "{n} {s}.", "ein foto: {n} {s}."] if n > 1 else ["{n} {s}, {c}.", "{n} {s}."]
        slots = dict(n=_DE_IND[DE_GENDER[shape]] if n == 1 else DE[COUNTS[n - 1]], c=DE[color],
                     s=DE[shape] if n == 1 else DE_PLURAL[shape])
    t = templates[rs.randint(len(templates))]
    text = _fill(t, **slots)
    if not with_attrs:
        return text
    return text, frozenset({"n"} | {_PLACEHOLDER_ATTR[k] for k in ("s", "c") if "{" + k + "}" in t})


def caption_multi(rs: np.random.RandomState, objects: list[Obj], with_color: bool | None = None) -> str:
    """A caption listing every object (any order), e.g. "a red star, a blue circle and a ring."."""
    order = list(rs.permutation(len(objects)))
    if with_color is None:
        with_color = bool(rs.randint(2))
    parts = [f"{article(objects[i].color)} {objects[i].color} {objects[i].shape}" if with_color
             else f"{article(objects[i].shape)} {objects[i].shape}" for i in order]
    if len(parts) == 1:
        body = parts[0]
    else:
        body = ", ".join(parts[:-1]) + " and " + parts[-1]
    prefix = ["", "", "a picture of ", "there is "][rs.randint(4)]
    return _fill(prefix + body + ".")


def relation_caption(a: tuple[str, str], b: tuple[str, str], relation: str) -> str:
    """"a red star left of a blue circle." (a = (shape, colour))."""
    return _fill(f"a {a[1]} {a[0]} {relation} a {b[1]} {b[0]}.")


STRUCTURAL_NEGATIVES = ("binding", "order", "relation")
SUBSTITUTION_NEGATIVES = ("color_a", "color_b", "shape_a", "shape_b")


def relation_negatives(
    rs: np.random.RandomState, a: tuple[str, str], b: tuple[str, str], relation: str
) -> dict[str, str]:
    """Hard negatives of `relation_caption(a, b, relation)`, one per kind; all are false for the scene.

    Structural (same words, different meaning): "binding" swaps the colours, "order" swaps the
    objects, "relation" flips the relation. Substitutions: a colour or a shape of object a or b
    replaced by one that is not in the scene.
    """
    (sa, ca), (sb, cb) = a, b
    other_colors = [c for c in COLORS if c not in (ca, cb)]
    other_shapes = [s for s in SHAPES if s not in (sa, sb)]
    c1, c2 = (other_colors[i] for i in rs.permutation(len(other_colors))[:2])
    s1, s2 = (other_shapes[i] for i in rs.permutation(len(other_shapes))[:2])
    return {
        "binding": relation_caption((sa, cb), (sb, ca), relation),
        "order": relation_caption(b, a, relation),
        "relation": relation_caption(a, b, OPPOSITE[relation]),
        "color_a": relation_caption((sa, c1), b, relation),
        "color_b": relation_caption(a, (sb, c2), relation),
        "shape_a": relation_caption((s1, ca), b, relation),
        "shape_b": relation_caption(a, (s2, cb), relation),
    }


# --------------------------------------------------------------------------------------------------
# Sentences rendered as images (visual STS) and their attribute overlap
# --------------------------------------------------------------------------------------------------
STS_EN = [
    "a {z} {c} {s} {p}.", "the {s} {p} is {c} and {z}.", "{p}, a {c} {s}, {z}.",
    "this {s} is {z}. it is {c} and {p}.", "there is a {z} {c} {s} {p}.", "a {c} {s}, {z} and {p}.",
]
STS_DE = [
    "{def} {s} ist {z}, {c} und liegt {p}.", "{p} liegt {ind} {s}, {c} und {z}.", "{s}: {c}, {z}, {p}.",
    "{def} {s} ist {c}. {pron} ist {z} und liegt {p}.", "hier ist {ind} {s}, {z} und {c}, {p}.",
]

ATTRS = ("shape", "color", "size", "position")
_ATTR_VALUES = {"shape": SHAPES, "color": COLORS, "size": SIZES, "position": POSITIONS}


def attribute_sentence(rs: np.random.RandomState, attrs: dict[str, str], lang: str = "en") -> str:
    o = Obj(attrs["shape"], attrs["color"], attrs["size"], 0.0, 0.0, 1.0, attrs["position"])
    templates = STS_EN if lang == "en" else STS_DE
    return _fill(templates[rs.randint(len(templates))], **_slots(o, lang))


def random_attrs(rs: np.random.RandomState) -> dict[str, str]:
    return {k: _ATTR_VALUES[k][rs.randint(len(_ATTR_VALUES[k]))] for k in ATTRS}


def attrs_sharing(rs: np.random.RandomState, attrs: dict[str, str], n_shared: int) -> dict[str, str]:
    """A copy of `attrs` that keeps exactly `n_shared` attribute values and changes the others."""
    keep = set(np.asarray(ATTRS)[rs.permutation(len(ATTRS))[:n_shared]].tolist())
    out = {}
    for k in ATTRS:
        if k in keep:
            out[k] = attrs[k]
        else:
            choices = [v for v in _ATTR_VALUES[k] if v != attrs[k]]
            out[k] = choices[rs.randint(len(choices))]
    return out


LINE_PITCH = 8  # rendered text lines sit on the model's 8 px patch rows


def render_sentence(rs: np.random.RandomState, text: str, h: int = IMAGE_SIZE, w: int = IMAGE_SIZE) -> np.ndarray:
    """A sentence word-wrapped in the bitmap font (scale 1) on light paper.

    Lines start on multiples of 8 px (7 px glyphs + 1 px gap), the block starts at a random row and
    the whole text at a random x offset of 0-3 px.
    """
    img = draw.paper(rs, h, w)
    ink = np.array([rs.randint(0, 70), rs.randint(0, 70), rs.randint(0, 70)], dtype=np.uint8)
    x = rs.randint(0, 4)
    max_chars = (w - x + 1) // (font.GLYPH_W + 1)
    lines = font.wrap(text, max_chars)
    rows = h // LINE_PITCH
    start = rs.randint(0, max(1, rows - len(lines) + 1))
    for i, line in enumerate(lines[:rows]):
        font.draw_text(img, line, x, (start + i) * LINE_PITCH, ink)
    return img


# --------------------------------------------------------------------------------------------------
# Document pages
# --------------------------------------------------------------------------------------------------
def render_page(rs: np.random.RandomState, topic: str, kind: str, with_icon: bool | None = None) -> np.ndarray:
    """A (160, 128) portrait page: the title "<topic> <kind>" in large type (one word per line),
    small filler text below, sometimes a shape icon.

    mieb's preprocessing halves the page (short edge 128 -> 64, 160 -> 80) and keeps rows 16..143;
    the title (2x font, 16 px line pitch, at rows 32 and 48) then lands on the model's 8 px patch
    rows 8 and 16 at the 1x font's size."""
    img = draw.paper(rs, PAGE_H, PAGE_W)
    ink = np.array([rs.randint(0, 50), rs.randint(0, 50), rs.randint(0, 60)], dtype=np.uint8)
    draw_rule = rs.randint(2)
    if draw_rule:  # a header rule, cropped away by the preprocessing
        img[6:8, 8 : PAGE_W - 8] = ink
    x = 2 * rs.randint(0, 4)
    for i, word in enumerate((topic, kind)):
        font.draw_text(img, word, x, 32 + 16 * i, ink, scale=2)
    grey = np.array([rs.randint(90, 150)] * 3, dtype=np.uint8)
    if with_icon is None:
        with_icon = bool(rs.randint(2))
    max_chars = (PAGE_W - 6) // (font.GLYPH_W + 1)
    for i in range(rs.randint(5, 9)):
        words = [DOC_FILLER[j] for j in rs.randint(0, len(DOC_FILLER), size=6)]
        limit = max_chars - (6 if with_icon and i < 5 else 0)
        font.draw_text(img, " ".join(words)[:limit], 3, 72 + 9 * i, grey, scale=1)
    if with_icon:
        shape = SHAPES[rs.randint(len(SHAPES))]
        color = COLORS[rs.randint(len(COLORS))]
        draw.draw_shape(img, shape, PAGE_W - 16.0, 90.0, 11.0, draw.jitter_color(rs, RGB[color]))
    return img


DOC_QUERY_TEMPLATES = ["{t} {k}", "the {t} {k}", "find the {t} {k}", "{t} {k} page", "where is the {t} {k}?"]


def doc_query(rs: np.random.RandomState, topic: str, kind: str) -> str:
    return _fill(DOC_QUERY_TEMPLATES[rs.randint(len(DOC_QUERY_TEMPLATES))], t=topic, k=kind)


# --------------------------------------------------------------------------------------------------
# Vocabulary of the whole world (for the tokenizer)
# --------------------------------------------------------------------------------------------------
def world_texts() -> list[str]:
    """Every literal string the world can put into text: vocab lists and all templates."""
    out: list[str] = []
    out += SHAPES + list(SHAPES_PLURAL.values()) + COLORS + SIZES + POSITIONS + COUNTS + RELATIONS
    out += list(POS_PHRASE_EN.values()) + list(DE.values()) + list(DE_PLURAL.values())
    out += list(_DE_DEF.values()) + list(_DE_IND.values()) + list(_DE_DAT.values()) + list(_DE_PRON.values())
    out += DOC_TOPICS + DOC_KINDS + DOC_FILLER + [ZEROSHOT_TEMPLATE, "an", "a", "single", "shapes", "alle"]
    out += SINGLE_EN + FULL_EN + SINGLE_DE + FULL_DE + STS_EN + STS_DE + DOC_QUERY_TEMPLATES
    out += ["a picture of", "there is", "there are", "a photo of", "ein foto", "and"]
    for qs in QUESTIONS.values():
        out += qs
    return out


def world_words() -> list[str]:
    """Sorted set of lower-case letter words used anywhere in the world."""
    words: set[str] = set()
    for t in world_texts():
        t = re.sub(r"\{[a-z]+\}", " ", t.lower())
        words.update(re.findall(r"[a-z]+", t))
    return sorted(words)

