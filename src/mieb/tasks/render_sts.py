"""Render a sentence-similarity dataset (sentence1, sentence2, score) into a Visual STS task folder.

MIEB's Visual STS tasks are STS sets whose sentences were rendered as images offline (the reference has
no rendering code; the datasets are `mteb/rendered-sts12..16`, `Pixel-Linguist/rendered-sts17` and
`Pixel-Linguist/rendered-stsb`, from Xiao et al. 2024, "Pixel Sentence Representation Learning",
arXiv:2402.08183). What is known of their rendering, and what mieb does:

    image size   448 x 448 RGB. Source: the reference's descriptive statistics
                 (mteb 2.26.24, descriptive_stats/Image/VisualSTS(eng|multi)/*.json): min = max = 448
                 for the width and the height of both image columns, in all seven tasks.  [confirmed]
    colours      black text on a white page.                          [assumed; not checked offline]
    font         not recorded in the reference, its task metadata or the paper's text that mieb could
                 read offline. The authors' earlier pixel models render with Google's Noto fonts, so
                 mieb uses Noto Sans (Debian's fonts-noto-core), its Arabic, Hebrew, Devanagari and
                 Thai faces for those scripts, and Noto Sans CJK (fonts-noto-cjk) for Chinese,
                 Japanese and Korean; one face per sentence, chosen by its script.   [not confirmed]
    type size    not recorded; mieb's default is 16 px.                               [not confirmed]
    wrapping     not recorded: words wrapped at the page width less a 16 px margin on each side (CJK
                 text between characters), top-left aligned; a sentence too long for the page is set
                 smaller (down to 8 px) rather than cut.                              [not confirmed]

All of these are options (`RenderSettings`, `mieb render-sts --font ... --font-size ...`) and are
written into the output folder's README, so a rendering can be reproduced and compared.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mieb.errors import MiebError, UsageError

# Debian's font files, by script. fonts-noto-core holds the first five, fonts-noto-cjk the .ttc.
NOTO = "/usr/share/fonts/truetype/noto"
CJK_TTC = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK.ttc")
CJK_FACES = {"cjk-sc": 2, "cjk-jp": 0, "cjk-kr": 1}  # face index in NotoSansCJK-Regular.ttc: JP, KR, SC, TC, HK
SCRIPT_FONTS = {
    "latin": (f"{NOTO}/NotoSans-Regular.ttf",),
    "arabic": (f"{NOTO}/NotoSansArabic-Regular.ttf", f"{NOTO}/NotoNaskhArabic-Regular.ttf"),
    "hebrew": (f"{NOTO}/NotoSansHebrew-Regular.ttf",),
    "devanagari": (f"{NOTO}/NotoSansDevanagari-Regular.ttf",),
    "thai": (f"{NOTO}/NotoSansThai-Regular.ttf",),
}
APT_PACKAGE = {"latin": "fonts-noto-core", "arabic": "fonts-noto-core", "hebrew": "fonts-noto-core",
               "devanagari": "fonts-noto-core", "thai": "fonts-noto-core", "cjk-sc": "fonts-noto-cjk",
               "cjk-jp": "fonts-noto-cjk", "cjk-kr": "fonts-noto-cjk"}
_SCRIPTS = [  # (script, first code point, last code point); the first script found in a text picks its face
    ("cjk-kr", 0xAC00, 0xD7AF), ("cjk-kr", 0x1100, 0x11FF), ("cjk-jp", 0x3040, 0x30FF),
    ("cjk-sc", 0x4E00, 0x9FFF), ("cjk-sc", 0x3400, 0x4DBF), ("cjk-sc", 0x3000, 0x303F), ("cjk-sc", 0xFF00, 0xFFEF),
    ("arabic", 0x0600, 0x06FF), ("arabic", 0x0750, 0x077F), ("hebrew", 0x0590, 0x05FF),
    ("devanagari", 0x0900, 0x097F), ("thai", 0x0E00, 0x0E7F),
]
_NO_SPACES = {"cjk-sc", "cjk-jp"}  # scripts wrapped between characters, not at spaces


@dataclass(frozen=True)
class RenderSettings:
    """How sentences become images. `font`: one font file for every sentence, instead of the Noto faces
    chosen by script. Sizes in pixels."""

    image_size: int = 448
    font_size: int = 16
    min_font_size: int = 8
    margin: int = 16
    line_spacing: int = 4
    font: str | None = None

    def __post_init__(self) -> None:
        if not 0 < self.min_font_size <= self.font_size:
            raise UsageError("font sizes must satisfy 0 < min_font_size <= font_size")
        if self.image_size <= 2 * self.margin:
            raise UsageError(f"image size {self.image_size} leaves no room inside margins of {self.margin}")


@dataclass
class RenderStats:
    sentences: int = 0
    set_smaller: int = 0  # sentences set below font_size to fit the page
    fonts: dict[str, int] = field(default_factory=dict)  # font file name -> sentences set in it


def script_of(text: str) -> str:
    """The script whose Noto face sets `text`: the first non-Latin script found, else "latin"."""
    for ch in text:
        cp = ord(ch)
        if cp < 0x0590:
            continue
        for script, lo, hi in _SCRIPTS:
            if lo <= cp <= hi:
                return script
    return "latin"


class Renderer:
    """Sets sentences on square white pages (see the module docstring); fonts are loaded once per size."""

    def __init__(self, settings: RenderSettings | None = None):
        self.settings = settings or RenderSettings()
        self.stats = RenderStats()
        self._fonts: dict[tuple[str, int, int], Any] = {}

    def font_file(self, script: str) -> tuple[str, int]:
        """(font file, face index) for a script; raises UsageError naming the Debian package to install."""
        if self.settings.font is not None:
            if not Path(self.settings.font).is_file():
                raise UsageError(f"font file {self.settings.font} does not exist")
            return self.settings.font, 0
        candidates = CJK_TTC if script in CJK_FACES else SCRIPT_FONTS[script]
        for path in candidates:
            if Path(path).is_file():
                return path, CJK_FACES.get(script, 0)
        raise UsageError(f"no font for {script} text: install Debian's {APT_PACKAGE[script]} "
                         f"(apt-get install {APT_PACKAGE[script]}) or pass --font FILE")

    def _font(self, path: str, index: int, size: int) -> Any:
        from PIL import ImageFont

        key = (path, index, size)
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(path, size, index=index)
        return self._fonts[key]

    def render(self, text: str) -> bytes:
        """PNG bytes of `text` set on an (image_size, image_size) RGB white page."""
        from PIL import Image, ImageDraw

        s = self.settings
        script = script_of(text)
        path, index = self.font_file(script)
        width = s.image_size - 2 * s.margin
        size = s.font_size
        while True:
            font = self._font(path, index, size)
            lines = _wrap(" ".join(text.split()), font, width, script in _NO_SPACES)
            ascent, descent = font.getmetrics()
            step = ascent + descent + s.line_spacing
            if len(lines) * step - s.line_spacing <= s.image_size - 2 * s.margin or size <= s.min_font_size:
                break
            size = max(s.min_font_size, size - 2)
        page = Image.new("RGB", (s.image_size, s.image_size), (255, 255, 255))
        draw = ImageDraw.Draw(page)
        for i, line in enumerate(lines):
            draw.text((s.margin, s.margin + i * step), line, font=font, fill=(0, 0, 0))
        self.stats.sentences += 1
        self.stats.set_smaller += int(size < s.font_size)
        name = Path(path).name
        self.stats.fonts[name] = self.stats.fonts.get(name, 0) + 1
        buf = io.BytesIO()
        page.save(buf, format="PNG")
        return buf.getvalue()


def _wrap(text: str, font: Any, width: int, between_characters: bool) -> list[str]:
    """Greedy wrapping at `width` pixels: at spaces, or between characters for CJK text; a word wider
    than the line is broken between characters."""
    units = list(text) if between_characters else text.split(" ")
    glue = "" if between_characters else " "
    lines: list[str] = []
    line = ""
    for unit in units:
        candidate = f"{line}{glue}{unit}" if line else unit
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = unit
        while len(line) > 1 and font.getlength(line) > width:  # one word wider than the page
            cut = len(line) - 1
            while cut > 1 and font.getlength(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line or not lines:
        lines.append(line)
    return lines


# -- the dataset and the task folder ------------------------------------------------------------------

@dataclass
class RenderedTask:
    folder: Path
    task_file: Path
    name: str
    splits: dict[str, int]  # split -> pairs
    revision: str
    stats: RenderStats


def render_sts(source: str, out: str | Path, *, name: str | None = None, splits: Sequence[str] | None = None,
               config: str | None = None, revision: str | None = None, languages: Sequence[str] = ("eng-Latn",),
               columns: tuple[str, str, str] = ("sentence1", "sentence2", "score"), min_score: float = 0.0,
               max_score: float = 5.0, settings: RenderSettings | None = None) -> RenderedTask:
    """Render `source` (a local dataset folder or file, or a Hugging Face dataset id at `revision`) into
    `out`: the Hugging Face layout of the reference's rendered sets (`README.md` with the configs and
    rendering settings, `data/<split>-00000-of-00001.parquet` with image columns sentence1, sentence2
    and float score) plus `task.yaml`, a Visual STS task for `mieb run --tasks-from out/task.yaml`.

    `splits`: which to render (default: all); the task evaluates "test" if rendered, else every split.
    `columns`: the source's sentence and score columns. `min_score`/`max_score`: the gold scale (the
    reference normalises STS scores from 0-5). Raises `UsageError` for a missing source, split or column
    and `MiebError` when the source cannot be loaded.
    """
    import datasets

    renderer = Renderer(settings)
    out = Path(out)
    source_path = Path(source).expanduser()
    try:
        if source_path.is_file():
            kind = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}.get(
                source_path.suffix)
            if kind is None:
                raise UsageError(f"{source}: a local source is a dataset folder or a .csv, .tsv, .json(l) or "
                                 ".parquet file")
            extra = {"delimiter": "\t"} if source_path.suffix == ".tsv" else {}
            loaded = datasets.load_dataset(kind, data_files=str(source_path), **extra)
        else:
            loaded = datasets.load_dataset(source, name=config, revision=revision)
    except UsageError:
        raise
    except FileNotFoundError as e:
        raise UsageError(f"dataset {source} not found: {e}") from None
    except Exception as e:  # noqa: BLE001 - datasets raises many types; the message is what helps
        raise MiebError(f"could not load dataset {source}" + (f"@{revision}" if revision else "")
                        + f": {type(e).__name__}: {e}") from e
    chosen = list(splits) if splits else list(loaded)
    for split in chosen:
        if split not in loaded:
            raise UsageError(f"dataset {source} has no split {split!r}; it has {sorted(loaded)}")
    s1, s2, sc = columns
    rendered: dict[str, Any] = {}
    features = datasets.Features({"sentence1": datasets.Image(), "sentence2": datasets.Image(),
                                  "score": datasets.Value("float64")})
    for split in chosen:
        ds = loaded[split]
        for col in columns:
            if col not in ds.column_names:
                raise UsageError(f"dataset {source}, split {split!r}: no column {col!r}; it has {ds.column_names} "
                                 "(name the columns with --columns SENTENCE1 SENTENCE2 SCORE)")
        rows: dict[str, list[Any]] = {"sentence1": [], "sentence2": [], "score": []}
        for i, (a, b, score) in enumerate(zip(ds[s1], ds[s2], ds[sc], strict=True)):
            if not isinstance(a, str) or not isinstance(b, str) or score is None:
                raise UsageError(f"dataset {source}, split {split!r}, row {i}: sentences must be text and the "
                                 "score a number")
            rows["sentence1"].append({"bytes": renderer.render(a), "path": None})
            rows["sentence2"].append({"bytes": renderer.render(b), "path": None})
            rows["score"].append(float(score))
        rendered[split] = datasets.Dataset.from_dict(rows, features=features)

    (out / "data").mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for split, ds in rendered.items():
        target = out / "data" / f"{split}-00000-of-00001.parquet"
        ds.to_parquet(str(target))
        digest.update(target.read_bytes())
    task_name = name or _task_name(source)
    eval_splits = ["test"] if "test" in rendered else list(rendered)
    rev = digest.hexdigest()[:16]
    settings_used = asdict(renderer.settings)
    meta = {
        "name": task_name,
        "description": f"{source} sentence pairs rendered as {renderer.settings.image_size} px images by "
                       "`mieb render-sts`.",
        "type": "VisualSTS(eng)" if list(languages) == ["eng-Latn"] else "VisualSTS(multi)",
        "category": "i2i",
        "modalities": ["image"],
        "dataset": {"path": ".", "revision": rev},
        "eval_splits": eval_splits,
        "eval_langs": list(languages),
        "main_score": "cosine_spearman",
        "settings": {"kind": "sts", "min_score": min_score, "max_score": max_score},
        "stats": {split: {"n_samples": len(ds), "n_images": 2 * len(ds), "n_texts": 0}
                  for split, ds in rendered.items()},
    }
    from mieb.tasks.metadata import TaskMetadata

    TaskMetadata.model_validate({**meta, "dataset": {"path": str(out), "revision": rev}})  # fail here, not later
    import yaml

    task_file = out / "task.yaml"
    task_file.write_text("# A Visual STS task: mieb run --tasks-from task.yaml -m MODEL\n"
                         + yaml.safe_dump([meta], sort_keys=False, allow_unicode=True), encoding="utf-8")
    (out / "README.md").write_text(_card(source, revision, config, rendered, renderer, settings_used),
                                   encoding="utf-8")
    return RenderedTask(out, task_file, task_name, {k: len(v) for k, v in rendered.items()}, rev, renderer.stats)


def _task_name(source: str) -> str:
    stem = Path(source).stem if Path(source).exists() else source.rsplit("/", 1)[-1]
    words = re.split(r"[^A-Za-z0-9]+", stem)
    return "".join(w[:1].upper() + w[1:] for w in words if w) + "VisualSTS"


def _card(source: str, revision: str | None, config: str | None, rendered: dict[str, Any], renderer: Renderer,
          settings: dict[str, Any]) -> str:
    from importlib import metadata

    import yaml

    configs = {"configs": [{"config_name": "default", "data_files": [
        {"split": split, "path": f"data/{split}-00000-of-00001.parquet"} for split in rendered]}]}
    facts = {"source": source, "source_revision": revision, "source_config": config,
             "pairs": {k: len(v) for k, v in rendered.items()}, "settings": settings,
             "fonts_used": renderer.stats.fonts, "sentences_set_smaller": renderer.stats.set_smaller,
             "pillow": metadata.version("pillow")}
    return ("---\n" + yaml.safe_dump(configs, sort_keys=False) + "---\n\n"
            "Sentence pairs rendered as images by `mieb render-sts` for a Visual STS task (`task.yaml`).\n\n"
            "```json\n" + json.dumps(facts, indent=2, ensure_ascii=False) + "\n```\n")
