"""The static site's files: self-contained (no network resource), one page per model, linked result files."""

from __future__ import annotations

import json
import re
from pathlib import Path


def _data(site: Path) -> dict:
    text = (site / "data.js").read_text(encoding="utf-8")
    prefix = "window.MIEB_DATA = "
    assert text.startswith(prefix) and text.rstrip().endswith(";")
    return json.loads(text[len(prefix):].rstrip().rstrip(";"))


def test_layout_and_data(site):
    data = _data(site)
    assert [b["name"] for b in data["benchmarks"]] == ["MIEB(lite)", "MIEB(Img)"]
    lite = data["benchmarks"][0]
    assert len(lite["tasks"]) == 51 and len(lite["types"]) == 10 and len(lite["categories"]) == 8
    assert len(lite["rows"]) == 100  # 99 published models and the local copy of CLIP
    pages = sorted(p.stem for p in (site / "models").glob("*.html"))
    assert pages == sorted(m["slug"] for m in data["models"])
    assert {"published scores", "results folder"} <= {s["kind"] for s in data["sources"]}


def test_no_network_resources(site):
    """Nothing is loaded from elsewhere: the page works offline and from a file share."""
    for html in [site / "index.html", *list((site / "models").glob("*.html"))[:5]]:
        text = html.read_text(encoding="utf-8")
        for ref in re.findall(r'(?:src|href)="([^"]+)"', text):
            assert not re.match(r"^(https?:)?//", ref), (html, ref)
    js = (site / "assets" / "app.js").read_text(encoding="utf-8")
    assert "fetch(" not in js and "XMLHttpRequest" not in js and "import(" not in js
    css = (site / "assets" / "style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css


def test_result_files_are_linked(site):
    data = _data(site)
    local = next(m for m in data["models"] if m["source"] != "published")
    assert local["file_base"].startswith("files/") and "Winoground" in local["file_tasks"]
    copied = site / local["file_base"] / "Winoground.json"
    assert json.loads(copied.read_text())["task_name"] == "Winoground"
    pub = next(m for m in data["models"] if m["name"] == "openai/clip-vit-base-patch32" and m["source"] == "published")
    assert pub["file_base"].startswith("https://github.com/embeddings-benchmark/results/blob/f4cc6c8/results/")
    assert len(pub["file_tasks"]) == 132
