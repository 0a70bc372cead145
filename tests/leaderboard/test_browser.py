"""The leaderboard page in a real headless browser (Debian's chromium driven by playwright), network off.

Skipped where chromium or playwright is missing, unless MIEB_REQUIRE_BROWSER=1 (set by .ci/run), which
makes their absence a failure. The screenshot is kept under $MIEB_TEST_ARTIFACTS (default: a folder in
the system's temporary directory) and its path is printed at the end of the pytest run.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from lb_helpers import ARTIFACTS

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


def _require_browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    missing = "chromium" if CHROMIUM is None else "playwright" if sync_playwright is None else None
    if missing:
        if os.environ.get("MIEB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{missing} is not installed but MIEB_REQUIRE_BROWSER=1")
        pytest.skip(f"{missing} is not installed")
    return sync_playwright


@pytest.fixture(scope="module")
def browser_page(site, tmp_path_factory):
    sync_playwright = _require_browser()
    problems: list[str] = []
    with sync_playwright() as p:
        # A new, empty profile; offline=True turns the network off for every page of the context.
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            offline=True, args=LAUNCH_ARGS, viewport={"width": 1400, "height": 1000})
        context.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else problems.append(f"request {r.url}"))
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
        yield page, problems
        context.close()


def _screenshot(page, name: str) -> None:
    """Keep a screenshot for CI; its path is listed at the end of the pytest run."""
    folder = Path(os.environ.get("MIEB_TEST_ARTIFACTS", Path(tempfile.gettempdir()) / "mieb-test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name))
    ARTIFACTS.append(folder / name)


def _rows(page) -> int:
    return page.locator("#leaderboard tbody tr").count()


def _column(page, key: str) -> list[str]:
    index = page.locator("#leaderboard thead th").evaluate_all(
        f"ths => ths.findIndex(th => th.dataset.key === '{key}')")
    return page.locator(f"#leaderboard tbody tr td:nth-child({index + 1})").all_inner_texts()


def test_page_in_headless_browser(site, browser_page):
    page, problems = browser_page
    page.goto((site / "index.html").as_uri() + "#b=MIEB(lite)")
    page.wait_for_selector("#leaderboard tbody tr")
    assert _rows(page) == 100
    assert page.locator(".tab.on").inner_text().startswith("MIEB(lite)")
    assert _column(page, "rank")[:3] == ["1", "2", "3"]
    _screenshot(page, "leaderboard-index.png")

    # Sorting: a click sorts by Image Classification, best first; a second click reverses.
    header = page.locator('#leaderboard th[data-key="y0"]')
    header.click()
    assert page.locator('#leaderboard th[data-key="y0"]').get_attribute("aria-sort") == "descending"
    values = [float(v) for v in _column(page, "y0") if v]
    assert values == sorted(values, reverse=True) and len(values) > 50
    page.locator('#leaderboard th[data-key="y0"]').click()
    values = [float(v) for v in _column(page, "y0") if v]
    assert values == sorted(values)

    # Charts: one bar chart per task type with bars, a radar of the three preselected models.
    charts = page.locator("#type-charts svg.bar-chart")
    assert charts.count() == 10
    assert page.locator("#type-charts svg.bar-chart rect.bar").count() == 100
    box = charts.first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    assert page.locator("#profile svg.radar polygon.series").count() == 3
    assert page.locator("#significance table.matrix td.win").count() > 0

    # Filters: modality and size narrow the table.
    page.locator('input[data-modality="image & text"]').uncheck()
    assert 0 < _rows(page) < 20
    page.locator('input[data-modality="image & text"]').check()
    page.locator('select[aria-label="maximum parameters"]').select_option(label="500M")
    page.locator('input[data-filter="unknown-size"]').uncheck()
    small = _rows(page)
    assert 0 < small < 100
    params = [p for p in _column(page, "params") if p]
    assert all(p.endswith("M") and float(p[:-1]) <= 500 for p in params)

    # Another benchmark's tab, then a model's page with links to its result files.
    page.locator(".tab", has_text="MIEB(Img)").click()
    assert page.locator('#leaderboard th[data-key="y0"]').count() == 1 and _rows(page) > 10
    page.locator('#leaderboard a[href$="models/openai__clip-vit-base-patch32.html"]').click()
    page.wait_for_selector("table.tasks")
    assert "openai/clip-vit-base-patch32" in page.locator("h1").inner_text()
    links = page.locator("table.tasks a", has_text="result file")
    assert links.count() == 51 + 49  # a section per benchmark, a link per task
    assert page.locator(".bench-card svg.radar").count() == 2
    _screenshot(page, "leaderboard-model.png")
    assert problems == []


def test_local_model_page_links_copied_files(site, browser_page):
    page, problems = browser_page
    local = next((site / "models").glob("openai__clip-vit-base-patch32--reference_v1-*.html"))
    page.goto(local.as_uri())
    page.wait_for_selector("table.tasks")
    href = page.locator("table.tasks a", has_text="result file").first.get_attribute("href")
    assert href.startswith("../files/")
    assert (local.parent / href).resolve().is_file()
    assert problems == []


def test_page_shows_the_cli_numbers(site, published, browser_page):
    """Every mean, confidence interval and per-type cell on the page reads as in `mieb leaderboard` (CSV)."""
    from mieb.leaderboard import render
    from mieb.leaderboard.scores import ScoreSet
    from mieb.leaderboard.view import build_view

    scores = ScoreSet.combine([published, ScoreSet.from_folder(Path(__file__).parent / "data" / "reference_v1")])
    columns, rows = render.table(build_view(scores, "MIEB(lite)"), "types")
    page, problems = browser_page
    page.goto((site / "index.html").as_uri() + "#b=MIEB(lite)")
    page.wait_for_selector("#leaderboard tbody tr")
    assert _column(page, "rank") == [r[0] for r in rows]
    means = [cell.split("\n")[0].strip() for cell in _column(page, "mean")]
    cis = [page_ci.replace("\u2013", "-") for page_ci in page.locator("#leaderboard tbody tr td span.ci")
           .all_inner_texts()]
    types = [_column(page, f"y{k}") for k in range(10)]
    cli_types = [[r[columns.index(t)] for r in rows] for t in columns[5:15]]
    assert means == [r[3] for r in rows]
    assert cis == [r[4] for r in rows if r[4]]
    assert types == cli_types
    assert problems == []


def test_csv_download_scatter_and_the_reference_filters(site, browser_page):
    """The shown table as CSV, the score-vs-size scatter, and the Availability and Zero-shot filters."""
    import json

    from mieb.models.registry import _training_facts

    page, problems = browser_page
    page.goto((site / "index.html").as_uri() + "#b=MIEB(lite)")
    page.wait_for_selector("#leaderboard tbody tr")
    page.locator('select[aria-label="maximum parameters"]').select_option(label="500M")
    shown = _rows(page)
    with page.expect_download() as info:
        page.locator("#download-csv").click()
    download = info.value
    assert download.suggested_filename == "mieb-MIEB-lite-types.csv"
    table = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    header, body = table[0], table[1:]
    assert header[:4] == ["Rank", "Model", "Revision", "Parameters"] and header[-1] == "Rank (Borda)"
    assert "Mean (TaskType) 95% CI low" in header and "Compositionality" in header
    assert len(body) == shown  # the rows shown, in their order, with the numbers as printed
    assert [r[0] for r in body] == _column(page, "rank")
    assert [r[header.index("Mean (TaskType)")] for r in body] == [c.split("\n")[0].strip() for c in _column(page, "mean")]
    assert all(int(r[3]) <= 500_000_000 for r in body if r[3])  # exact counts; blank: unknown size

    # The scatter: one point per shown model with a complete mean and a known size.
    complete = sum(1 for m, p in zip(_column(page, "mean"), _column(page, "params"), strict=True) if m and p)
    assert page.locator("#size-chart svg.scatter circle.point").count() == complete > 5
    page.locator('select[aria-label="maximum parameters"]').select_option(label="any")

    # Availability: the published proprietary models (API models, open_weights False in their cards).
    data = json.loads((site / "data.js").read_text(encoding="utf-8").split("=", 1)[1].rstrip().rstrip(";"))
    lite = next(b for b in data["benchmarks"] if b["name"] == "MIEB(lite)")
    closed = sum(1 for r in lite["rows"] if data["models"][r["m"]]["open"] is False)
    assert closed >= 1  # voyage-multimodal-3
    total = _rows(page)
    page.locator('select[aria-label="availability"]').select_option("proprietary")
    assert _rows(page) == closed
    page.locator('select[aria-label="availability"]').select_option("open")
    assert _rows(page) == sum(1 for r in lite["rows"] if data["models"][r["m"]]["open"] is True) < total
    page.locator('select[aria-label="availability"]').select_option("both")

    # Zero-shot: models trained on a MIEB(lite) task (the reference's training data) go with
    # "only zero-shot", and models of unknown training data with both stricter settings.
    facts = _training_facts()
    vidore = facts["vidore/colpali-v1.2"]["training_datasets"]
    assert "VidoreDocVQARetrieval" in vidore  # trained on a MIEB(lite) task: not zero-shot
    zs = [r["zs"] for r in lite["rows"]]
    assert zs.count(True) and zs.count(False) and zs.count(None)
    page.locator('select[aria-label="zero-shot"]').select_option("remove_unknown")
    assert _rows(page) == zs.count(True) + zs.count(False)
    page.locator('select[aria-label="zero-shot"]').select_option("only_zero_shot")
    assert _rows(page) == zs.count(True)
    assert not page.locator('#leaderboard a[href$="models/vidore__colpali-v1.2.html"]').count()
    page.locator('select[aria-label="zero-shot"]').select_option("allow_all")
    assert _rows(page) == total
    assert problems == []


def test_table_and_chart_titles_fit_at_1440_px(site, browser_page):
    page, problems = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        for bench in ("MIEB(lite)", "MIEB(Img)"):
            page.goto((site / "index.html").as_uri() + f"#b={bench}")
            page.reload()
            page.wait_for_selector("#leaderboard tbody tr")
            fit = page.evaluate("""() => {
                const table = document.querySelector('#leaderboard'), box = table.closest('.scroll');
                const borda = document.querySelector('#leaderboard th[data-key=borda]').getBoundingClientRect();
                const clipped = [];
                document.querySelectorAll('svg').forEach(svg => {
                  const s = svg.getBoundingClientRect();
                  svg.querySelectorAll('text').forEach(t => {
                    const r = t.getBoundingClientRect();
                    if (r.width && (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1)) clipped.push(t.textContent);
                  });
                });
                return {table: table.scrollWidth, box: box.clientWidth, borda: borda.right, page: document.documentElement.scrollWidth,
                        clipped: clipped};
            }""")
            assert fit["table"] <= fit["box"] and fit["borda"] <= 1440 and fit["page"] <= 1440, (bench, fit)
            assert fit["clipped"] == [], (bench, fit)
            _screenshot(page, f"leaderboard-1440-{bench}.png")
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})
    assert problems == []
