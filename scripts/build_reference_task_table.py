"""Write tests/catalog/reference_tasks.csv: the columns of the reference's task table that the catalog tests
compare with, so the tests run in a clone without the shared reference folder.

Run once when the reference table changes (the output is committed):

    python scripts/build_reference_task_table.py --csv ../shared/reference/mieb_tasks.csv

The source table (CC0) has one row per task of the MIEB benchmarks; the columns about the reference's own
classes, files and its 1.x dataset paths are dropped, the rest is copied unchanged.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

COLUMNS = ["name", "task_type", "category", "hf_dataset_path", "hf_revision", "eval_splits", "eval_langs",
           "main_score", "modalities", "n_samples", "in_benchmarks", "notes"]
OUT = Path(__file__).resolve().parents[1] / "tests" / "catalog" / "reference_tasks.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True, help="the reference's mieb_tasks.csv")
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    args = parser.parse_args()
    with args.csv.open(encoding="utf-8", newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: r["name"])
    with args.out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: r[c] for c in COLUMNS} for r in rows)
    print(f"{len(rows)} tasks -> {args.out}")


if __name__ == "__main__":
    main()
