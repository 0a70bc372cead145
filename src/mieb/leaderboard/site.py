"""The leaderboard as a static web page: no server, no CDN; it works offline and from a file share.

Layout of the output folder:
    index.html             the leaderboard (a tab per benchmark)
    models/<slug>.html     one page per model entry
    data.js                every number the pages show, as `window.MIEB_DATA = {...}` (a script, not a
                           JSON file, because browsers refuse fetch() on file:// pages)
    assets/app.js, style.css   hand-written, dependency-free rendering (tables, SVG charts)
    files/<slug>/<task>.json   copies of local result files, so each score links to its source
Published scores link to their file in the public results repository instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import logging
import re
import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from mieb.leaderboard.aggregation import benchmark_tasks
from mieb.leaderboard.render import DIGITS, shown
from mieb.leaderboard.scores import PUBLISHED, ModelEntry, ScoreSet
from mieb.leaderboard.view import BenchmarkView, TasksOf, build_view
from mieb.paths import MAX_COMPONENT_BYTES, UnsafeNameError, safe_component

logger = logging.getLogger("mieb")

DEFAULT_BENCHMARKS: tuple[str, ...] = ("MIEB(Multilingual)", "MIEB(eng)", "MIEB(lite)", "MIEB(Img)")
ASSETS = ("app.js", "style.css")

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{root}assets/style.css">
</head>
<body data-page="{page}" data-model="{model}" data-root="{root}">
<noscript><p class="noscript">This page draws its tables and charts with JavaScript; please enable it.</p></noscript>
<div id="app"></div>
<script src="{root}data.js"></script>
<script src="{root}assets/app.js"></script>
</body>
</html>
"""


def _r(x: float) -> float | None:
    """x100, rounded once to the displayed decimals (as the CLI's tables); None for null (JSON has no NaN).
    The page prints these with toFixed(DIGITS) and never rounds again."""
    return shown(x)


def _slug(entry: ModelEntry) -> str:
    """A page name from the model's name (read from result files): only [A-Za-z0-9._-], never a dot first."""
    base = entry.name if entry.source == PUBLISHED else f"{entry.name}--{Path(entry.source).name}-{entry.revision[:8]}"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", base.replace("/", "__")).strip("_").lstrip(".")[:MAX_COMPONENT_BYTES - 8]
    return safe_component(slug or "model", "page name")


def _description(benchmark: str) -> str:
    from mieb.benchmarks import get_benchmark
    from mieb.errors import UnknownNameError

    try:
        return get_benchmark(benchmark).description
    except UnknownNameError:
        return ""


def model_facts(name: str) -> tuple[bool | None, list[str] | None]:
    """(open weights, MIEB tasks trained on) of a model by name, None where unknown: from mieb's card, else
    from the reference's facts the package ships (models/data/training_facts.json)."""
    from mieb.models.registry import _cards, _training_facts

    card = _cards().get(name)
    if card is not None:
        return card.open_weights, card.training_datasets
    known = _training_facts().get(name)
    if known is None:
        return None, None
    return known.get("open_weights"), known.get("training_datasets")


def zero_shot(trained_on: list[str] | None, tasks: Sequence[str]) -> bool | None:
    """The reference's `ModelMeta.is_zero_shot_on`: True when none of `tasks` is in the model's training
    data, None when that is unknown (and True for no tasks)."""
    if not tasks:
        return True
    if trained_on is None:
        return None
    return not set(trained_on) & set(tasks)


def _benchmark_data(view: BenchmarkView, model_index: dict[str, int], names: dict[str, str]) -> dict[str, Any]:
    lb = view.lb
    task_names = [t.name for t in lb.tasks]
    rows = []
    for i, key in enumerate(lb.models):
        rows.append({
            "m": model_index[key],
            "zs": zero_shot(model_facts(names[key])[1], task_names),
            "rank": int(lb.rank[i]),
            "borda": int(lb.borda_rank[i]),
            "mean": _r(lb.mean_task_type[i]),
            "ci": None if np.isnan(view.ci[i]).any() else [_r(v) for v in view.ci[i]],
            "types": [_r(v) for v in lb.type_means[i]],
            "type_ci": [None if np.isnan(c).any() else [_r(v) for v in c] for c in view.type_ci[i]],
            "cats": [_r(v) for v in lb.category_means[i]],
            "mean_cat": _r(lb.mean_category[i]),
            "tasks": [_r(v) for v in lb.task_scores[i]],
        })
    # Pairwise results as a matrix over the rows with a complete Mean (TaskType): sign of the gap when it
    # is significant (Holm-corrected), 0 when not; the corrected p-value for tooltips.
    complete = [i for i in range(len(lb.models)) if not np.isnan(lb.mean_task_type[i])]
    pos = {i: k for k, i in enumerate(complete)}
    n = len(complete)
    sig = [[0] * n for _ in range(n)]
    p_holm = [[1.0] * n for _ in range(n)]
    diff: list[list[float | None]] = [[0.0] * n for _ in range(n)]
    for p in view.pairs:
        a, b = pos[p.a], pos[p.b]
        s = int(np.sign(p.diff)) if p.significant() else 0
        sig[a][b], sig[b][a] = s, -s
        p_holm[a][b] = p_holm[b][a] = float(f"{p.p_holm:.3g}")
        diff[a][b], diff[b][a] = _r(p.diff), _r(-p.diff)  # the CLI's rounded gap, not a gap of rounded means
    return {
        "name": lb.benchmark,
        "description": _description(lb.benchmark),
        "n_tasks": lb.n_benchmark_tasks,
        "types": lb.type_names,
        "categories": lb.category_names,
        "tasks": [{"name": t.name, "type": t.type} for t in lb.tasks],
        "rows": rows,
        "pairs": {"rows": complete, "sig": sig, "p_holm": p_holm, "diff": diff},
    }


def _slugs(keys: Sequence[str], scores: ScoreSet) -> dict[str, str]:
    """A unique, file-name-safe page name per model entry."""
    out: dict[str, str] = {}
    for key in keys:
        slug = _slug(scores.model(key))
        while slug in out.values():
            slug += "_"
        out[key] = slug
    return out


def _links(scores: ScoreSet, slugs: dict[str, str], out: Path) -> dict[str, tuple[str, list[str]]]:
    """Per model entry, (base href, tasks with a result file at `base + task + ".json"`).

    Published files are linked in the public results repository; local files are copied under
    files/<slug>/ so the site stays self-contained, and linked relatively.
    """
    links: dict[str, tuple[str, list[str]]] = {}
    for key, slug in slugs.items():
        entry = scores.model(key)
        if entry.source == PUBLISHED:
            first = next(iter(entry.files.values()), None)
            base = first.location.rsplit("/", 1)[0] + "/" if first else ""
            links[key] = (base, sorted(t for t, f in entry.files.items() if f.location == f"{base}{t}.json"))
            continue
        tasks = []
        for task, f in entry.files.items():
            src = Path(f.location)
            try:  # the task name was read from the file: it names the copy only if it is a plain name
                dest = out / "files" / slug / f"{safe_component(task, 'task name')}.json"
            except UnsafeNameError as e:
                logger.warning("not linking %s on the leaderboard page: %s", src, e)
                continue
            if src.is_file():
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
                tasks.append(task)
        links[key] = (f"files/{slug}/", sorted(tasks))
    return links


def site_data(views: Sequence[BenchmarkView], scores: ScoreSet, slugs: dict[str, str],
              links: dict[str, tuple[str, list[str]]]) -> dict[str, Any]:
    """Everything the pages need; `links` as `_links` returns them."""
    from mieb import __version__

    keys = list(slugs)
    labels = scores.labels()
    models = []
    for key in keys:
        e = scores.model(key)
        models.append({
            "key": key, "label": labels[key], "name": e.name, "revision": e.revision, "source": e.source,
            "params": e.n_parameters, "modalities": list(e.modalities), "release": e.release_date,
            "reference": e.reference, "embed_dim": e.embed_dim, "slug": slugs[key], "open": model_facts(e.name)[0],
            "file_base": links.get(key, ("", []))[0], "file_tasks": links.get(key, ("", []))[1],
        })
    model_index = {k: i for i, k in enumerate(keys)}
    return {
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mieb_version": __version__,
        "digits": DIGITS,
        "sources": scores.provenance,
        "models": models,
        "benchmarks": [_benchmark_data(v, model_index, {k: scores.model(k).name for k in keys}) for v in views],
    }


def build_site(scores: ScoreSet, benchmarks: Sequence[str], out: str | Path,
               tasks_of: TasksOf = benchmark_tasks) -> Path:
    """Write the site for `benchmarks` to `out`; returns the path of index.html."""
    out = Path(out)
    views = [build_view(scores, b, tasks_of) for b in benchmarks]
    for sub in ("models", "files"):
        shutil.rmtree(out / sub, ignore_errors=True)  # a rebuild leaves no stale page behind
    (out / "assets").mkdir(parents=True, exist_ok=True)
    (out / "models").mkdir()

    slugs = _slugs(list(dict.fromkeys(k for v in views for k in v.lb.models)), scores)
    data = site_data(views, scores, slugs, _links(scores, slugs, out))
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
    (out / "data.js").write_text(f"window.MIEB_DATA = {payload};\n", encoding="utf-8")
    assets = resources.files("mieb.leaderboard").joinpath("assets")
    for name in ASSETS:
        (out / "assets" / name).write_bytes(assets.joinpath(name).read_bytes())
    index = out / "index.html"
    index.write_text(_PAGE.format(title="MIEB leaderboard", page="index", model="", root=""), encoding="utf-8")
    for m in data["models"]:
        page = _PAGE.format(title=f"{_html(m['label'])} · MIEB leaderboard", page="model",
                            model=_html(m["key"]), root="../")
        (out / "models" / f"{m['slug']}.html").write_text(page, encoding="utf-8")
    return index


def _html(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def serve(directory: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the built site until interrupted (Ctrl-C)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    with http.server.ThreadingHTTPServer((host, port), handler) as httpd:
        print(f"serving {directory} at http://{host}:{httpd.server_address[1]}/ (Ctrl-C to stop)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
