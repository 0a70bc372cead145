"""The web page shows the CLI's numbers: every score is rounded once, from the unrounded value.

The page prints the numbers of data.js with JavaScript's `toFixed`; `js_to_fixed` below is that
function's definition (ECMA-262: the n for which n / 10^f - x is closest to zero, the larger n on a
tie), evaluated exactly on the binary value, so the test needs no browser (test_browser.py also reads
the cells off the rendered page).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from mieb.cli import main


def js_to_fixed(x: float | None, digits: int) -> str:
    if x is None:
        return ""
    if x < 0:
        return "-" + js_to_fixed(-x, digits)
    n = (Decimal(x).scaleb(digits) + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)
    text = str(n).rjust(digits + 1, "0")
    return f"{text[:-digits]}.{text[-digits:]}" if digits else text


def _site_data(site: Path) -> dict:
    text = (site / "data.js").read_text(encoding="utf-8")
    return json.loads(text[len("window.MIEB_DATA = "):].rstrip().rstrip(";"))


def _cli_csv(capsys, benchmark: str) -> list[dict[str, str]]:
    assert main(["leaderboard", "-b", benchmark, "--format", "csv"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_page_cells_equal_the_cli_csv(tmp_path: Path, capsys) -> None:
    """22 of 557 per-type cells and 3 means on the MIEB(lite) page differed by 0.01 (rounded twice)."""
    assert main(["leaderboard", "build", "-b", "MIEB(lite)", "-o", str(tmp_path / "site")]) == 0
    capsys.readouterr()
    data = _site_data(tmp_path / "site")
    digits = data.get("digits", 2)
    lite = data["benchmarks"][0]
    rows = _cli_csv(capsys, "MIEB(lite)")
    assert len(rows) == len(lite["rows"]) > 90
    labels = [data["models"][r["m"]]["label"] for r in lite["rows"]]
    assert [r["Model"] for r in rows] == labels
    compared = differ = 0
    for page, cli in zip(lite["rows"], rows, strict=True):
        shown = {"Mean (TaskType)": js_to_fixed(page["mean"], digits)}
        shown.update({t: js_to_fixed(v, digits) for t, v in zip(lite["types"], page["types"], strict=True)})
        ci = page["ci"]
        shown["95% CI"] = f"{js_to_fixed(ci[0], digits)}-{js_to_fixed(ci[1], digits)}" if ci else ""
        for column, text in shown.items():
            compared += 1
            differ += text != cli[column]
    assert compared > 1000 and differ == 0, f"{differ} of {compared} cells differ from the CLI"


def test_js_to_fixed_is_javascripts() -> None:
    # Values checked in a JavaScript console: ties go up on the exact binary value, which is what makes
    # 1.005 (really 1.00499999999999989...) print 1.00.
    assert [js_to_fixed(v, 2) for v in (1.005, 0.125, 2.675, 50.0, 0.0, -1.5, 12.344999)] == \
        ["1.00", "0.13", "2.67", "50.00", "0.00", "-1.50", "12.34"]
